export { startSimEngine, type SimEngine } from './engine.ts';
