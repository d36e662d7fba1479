export { startSimEngine, type SimEngine, type SimEngineOptions } from './engine.ts';
export type { SimFault } from './faults.ts';
