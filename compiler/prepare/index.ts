export { prepareImages } from './prepare.ts';
export { withPrepareDiagnostics } from './merge.ts';
