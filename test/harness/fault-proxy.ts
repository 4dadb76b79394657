// A loopback HTTP proxy between the S3 client and s3rver that injects the faults real storage
// has: 5xx answers, connections dropped in the middle of a body, slow answers. Rules are armed
// for the next N matching requests and consumed in order. Invariant: a request that matches no
// armed rule is forwarded byte for byte (headers included, so SigV4 signatures stay valid), and
// every request is recorded in `log` so tests can assert that a retry really happened.

import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  url: string;
  outcome: 'forwarded' | 'failed' | 'dropped-request' | 'dropped-response' | 'delayed';
}

export type RequestMatcher = (req: { method: string; url: string }) => boolean;

interface Rule {
  kind: 'fail' | 'drop-request' | 'drop-response' | 'delay';
  remaining: number;
  status: number;
  ms: number;
  match?: RequestMatcher;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>` — give this to the client instead of the server's endpoint. */
  endpoint: string;
  log: ProxiedRequest[];
  /** The next `n` matching requests are answered with `status` (default 500, an S3 InternalError). */
  failNext(n: number, opts?: { status?: number; match?: RequestMatcher }): void;
  /**
   * The next `n` matching requests lose their connection mid-body: `request` closes the socket
   * after the first bytes of the request body arrive (an upload cut off); `response` forwards the
   * request and closes the socket after half of the response body (a download cut off).
   */
  dropNext(n: number, opts?: { during?: 'request' | 'response'; match?: RequestMatcher }): void;
  /** The next `n` matching requests are held `ms` before being forwarded. */
  delayNext(n: number, ms: number, opts?: { match?: RequestMatcher }): void;
  /** Disarms every rule (log kept). */
  clear(): void;
  stop(): Promise<void>;
}

/**
 * Starts a proxy in front of `target` (`http://127.0.0.1:<port>`).
 * @example const proxy = await startFaultProxy(s3.endpoint); proxy.failNext(2); // then use proxy.endpoint
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const rules: Rule[] = [];
  const log: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();

  const take = (req: IncomingMessage): Rule | undefined => {
    const info = { method: req.method ?? 'GET', url: req.url ?? '/' };
    const rule = rules.find((r) => r.remaining > 0 && (!r.match || r.match(info)));
    if (rule) rule.remaining--;
    return rule;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, onResponseBody?: (total: number) => void): void => {
    const up = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (onResponseBody) {
          onResponseBody(Number(upRes.headers['content-length'] ?? 0));
          upRes.on('data', (chunk: Buffer) => res.write(chunk));
          upRes.on('end', () => res.end());
        } else {
          upRes.pipe(res);
        }
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  };

  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const rule = take(req);
    if (!rule) {
      log.push({ method, url, outcome: 'forwarded' });
      forward(req, res);
      return;
    }
    switch (rule.kind) {
      case 'fail': {
        log.push({ method, url, outcome: 'failed' });
        req.resume();
        req.on('end', () => {
          const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${rule.status === 503 ? 'SlowDown' : 'InternalError'}</Code><Message>injected by the fault proxy</Message></Error>`;
          res.writeHead(rule.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        });
        return;
      }
      case 'drop-request': {
        log.push({ method, url, outcome: 'dropped-request' });
        let dropped = false;
        const drop = () => {
          if (dropped) return;
          dropped = true;
          req.socket.destroy();
        };
        req.once('data', drop);
        // A request without a body (GET, HEAD) is cut off as soon as it arrives.
        req.once('end', drop);
        return;
      }
      case 'drop-response': {
        log.push({ method, url, outcome: 'dropped-response' });
        let sent = 0;
        let limit = 0;
        forward(req, res, (total) => {
          limit = Math.max(1, Math.floor(total / 2));
        });
        const write = res.write.bind(res) as (chunk: Buffer) => boolean;
        (res as unknown as { write: (chunk: Buffer) => boolean }).write = (chunk: Buffer) => {
          if (sent >= limit) return false;
          const part = chunk.subarray(0, limit - sent);
          sent += part.length;
          const ok = write(part);
          if (sent >= limit) res.socket?.end(() => res.socket?.destroy());
          return ok;
        };
        return;
      }
      case 'delay': {
        log.push({ method, url, outcome: 'delayed' });
        req.pause();
        const timer = setTimeout(() => {
          req.resume();
          forward(req, res);
        }, rule.ms);
        req.socket.once('close', () => clearTimeout(timer));
        return;
      }
    }
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    failNext(n, opts = {}) {
      rules.push({ kind: 'fail', remaining: n, status: opts.status ?? 500, ms: 0, match: opts.match });
    },
    dropNext(n, opts = {}) {
      rules.push({ kind: opts.during === 'response' ? 'drop-response' : 'drop-request', remaining: n, status: 0, ms: 0, match: opts.match });
    },
    delayNext(n, ms, opts = {}) {
      rules.push({ kind: 'delay', remaining: n, status: 0, ms, match: opts.match });
    },
    clear() {
      rules.length = 0;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
