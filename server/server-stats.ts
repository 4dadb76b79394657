// `pglc/serverStats` (client → server request, used by bench/lsp and tests): the server's memory
// and how its document models were built. Invariant: read-only; answers in constant time.

/** The request's method name. */
export const SERVER_STATS_REQUEST = 'pglc/serverStats';

export interface ServerStats {
  /** process.memoryUsage() of the server process, in bytes. */
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
  /** Open documents with a cached model. */
  models: number;
  /** Models built from scratch / derived from the previous version of the document. */
  fullAnalyses: number;
  incrementalAnalyses: number;
  /** Statement texts in the parse cache. */
  parsedStatements: number;
}
