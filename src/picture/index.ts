export * from './model';
export * from './mermaid';
export * from './dot';
export * from './files';
