export * from './client';
export { LocalEngine } from './local/engine';
export type { EngineOptions, RunOptions, SessionReport, InstanceTimeline, OnFailureRecord, Progress } from './local/engine';
