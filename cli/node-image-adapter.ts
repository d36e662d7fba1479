// The Node image adapter moved to server/ (the app server's batch engine uses it too).
export { createNodeImageAdapter, nodeImageAdapter } from '../server/node-image-adapter.ts';
