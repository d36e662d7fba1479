export { parseWorkflowText, parseWorkflowJson, formatFileError, MAX_WORKFLOW_BYTES } from './parse.ts';
export type { ParseResult, FileError } from './parse.ts';
export { openWorkflowText, openWorkflowJson } from './open.ts';
export { serializeWorkflow, exportWorkflow, referencedAssets } from './serialize.ts';
export { internInlineImages } from './inline-images.ts';
export { migrateDocument } from './migrations.ts';
export { closestName } from './suggest.ts';
