export * from './cli-events';
export * from './error-codes';
export * from './migrations';
export * from './environments';
export * from './lsp';
export * from './backups';
export * from './settings';
export * from './lint';
