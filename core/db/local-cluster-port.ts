// TCP port choice for the embedded local cluster. Invariant: the cluster keeps the port picked
// at initdb time (users put it in their app's URL) and moves only when something else took it.

import { createServer } from 'node:net';

/** A port the OS reports free on 127.0.0.1 right now. @example const p = await freePort(); */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** True when nothing listens on 127.0.0.1:port (we can bind it ourselves). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}
