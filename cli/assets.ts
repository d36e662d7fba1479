// Opening a workflow file with its images moved to server/ (the app server's batch engine uses it too).
export { inputFileAsset, openWorkflowFile, type OpenedWorkflow } from '../server/assets/open-workflow.ts';
