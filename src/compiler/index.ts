export * from './graph';
export * from './analysis';
export * from './validate';
export * from './compile';
