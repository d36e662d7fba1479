export {
  parseWorkflowText,
  parseWorkflowJson,
  formatPath,
  formatFileError,
  friendlyIssue,
  MAX_WORKFLOW_BYTES,
} from './parse.ts';
export type { ParseResult, FileError } from './parse.ts';
export { openWorkflowText, openWorkflowJson, type OpenResult } from './open.ts';
export { serializeWorkflow, exportWorkflow, referencedAssets, type ExportResult } from './serialize.ts';
export { internInlineImages, type Interned } from './inline-images.ts';
export { migrateDocument, MIGRATIONS } from './migrations.ts';
export { closestName, didYouMean } from './suggest.ts';
