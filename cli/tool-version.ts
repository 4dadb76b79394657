// pglc's own version, injected by the build (scripts/build.mjs `define`), recorded in backups
// and shown by `pglc --version`. Falls back to "dev" when run from source without a build.
declare const __PGLC_VERSION__: string | undefined;
export const toolVersion: string = typeof __PGLC_VERSION__ === 'string' ? __PGLC_VERSION__ : 'dev';
