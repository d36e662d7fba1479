export { startSimEngine, type SimEngine, type SimEngineOptions, type SimEngineState } from './engine.ts';
export type { FaultHandle, SimFault } from './faults.ts';
export type { Hold, HoldPoint, HoldSpec } from './holds.ts';
