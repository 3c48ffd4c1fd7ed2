export * from './config';
export * from './conditions';
export * from './envelope';
export * from './jsonpath';
export * from './keys';
export * from './join';
export * from './dataflow';
export * from './intrinsics';
export * from './permissions';
export * from './metrics';
export * from './trace';
export * from './deadline';
export * from './states';
export * from './context';
export * from './jsonata';
// The clocks are shared implementation, not protocol (no vectors): runtimes and the engine import them from './clock'.
export type { Clock } from './clock';
export { SKIP_TIME_ENV } from './clock';
export * from './schedule';
// Task tokens are Node.js only until the Python runtime can park a callback: no vectors yet, imported from './callback'.
