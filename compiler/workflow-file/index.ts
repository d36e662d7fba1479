export {
  parseWorkflowText,
  parseWorkflowJson,
  serializeWorkflow,
  formatPath,
  MAX_WORKFLOW_BYTES,
} from './parse.ts';
export type { ParseResult, FileError } from './parse.ts';
export { migrateDocument, MIGRATIONS } from './migrations.ts';
