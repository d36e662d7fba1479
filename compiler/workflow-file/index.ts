export {
  parseWorkflowText,
  parseWorkflowJson,
  serializeWorkflow,
  formatPath,
  formatFileError,
  friendlyIssue,
  MAX_WORKFLOW_BYTES,
} from './parse.ts';
export type { ParseResult, FileError } from './parse.ts';
export { migrateDocument, MIGRATIONS } from './migrations.ts';
export { closestName, didYouMean } from './suggest.ts';
