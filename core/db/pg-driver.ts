// The pg driver, loaded when the first connection is made. Why: loading pg costs pglc's start
// ~35 ms (it asks whether it runs on Cloudflare Workers, which makes Node load its fetch
// implementation), and commands such as `pglc db lint` without --env never connect.
// Invariant: the only place that loads pg at run time (elsewhere: types only).

import type pgModule from 'pg';

let driver: typeof pgModule | undefined;

/**
 * @example const client = new (pgDriver().Client)({ host, port });
 */
export function pgDriver(): typeof pgModule {
  driver ??= require('pg') as typeof pgModule;
  return driver;
}
