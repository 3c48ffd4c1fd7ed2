export * from './config';
export * from './conditions';
export * from './envelope';
export * from './jsonpath';
export * from './keys';
export * from './join';
export * from './dataflow';
export * from './permissions';
