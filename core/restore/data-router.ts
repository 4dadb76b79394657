// Splits the byte stream of an uncompressed custom archive (what pg_dump --compress=0 wrote) into
// one valid archive stream per pg_restore: each gets the header and table of contents, then only
// the data blocks its use-list names, in archive order. A block routed whole is passed on as it
// is; a block split across streams has its chunks — pg_dump writes one per row — dealt out in
// ranges of about RANGE_BYTES (256 kB), each stream's part framed as a block of its own (the block's header,
// its chunks, the end marker), so every pg_restore runs an ordinary COPY of its share of the rows.
// The bytes are passed on as slices of the input, never copied; only block headers and end
// markers are written anew.
// Invariants: every byte of a chunk goes to exactly one stream, whole chunks only, and a range
// ends only after a chunk that ends a line; a stream waits for nobody but its own pipe
// (backpressure per stream); an archive that ends inside a block, or a block of a kind this
// router does not know, is an error — never a short load.

import { Writable } from 'node:stream';
import type { BlockRoute } from './data-streams';

/**
 * Bytes of one stream's range of a split table before the next stream's turn: small enough that
 * while one stream is fed its range, the others still have queued rows to load (see childSink).
 */
const RANGE_BYTES = 256 * 1024;
const BLK_DATA = 1;
const BLK_BLOBS = 3;

type Field = 'blockType' | 'blockId' | 'oid' | 'chunkLength';

export interface RouterSink {
  /** Writes to one stream; false when its pipe is full (then `drained` waits). */
  write(stream: number, bytes: Buffer): boolean;
  drained(stream: number): Promise<void>;
  end(stream: number): void;
}

/**
 * A Writable that deals an archive's bytes out to `streams` sinks.
 * @example pipeline(zstd.stdout, new DataRouter(layout, plan.routes, 2, sink))
 */
export class DataRouter extends Writable {
  private headLeft: number;
  private field: Field = 'blockType';
  private intBytes: number[] = [];
  private bodyLeft = 0;
  private blockType = 0;
  private route: BlockRoute | undefined;
  /** For a split block: the stream taking chunks now, the bytes it took, which streams have a header. */
  private current = 0;
  private taken = 0;
  private started = new Set<number>();
  private lastChunkEndsLine = true;
  /** Pending output of the buffer being processed: [stream, start, end] runs and written buffers. */
  private out: Array<[number, Buffer]> = [];
  private run: { stream: number; start: number; end: number } | undefined;

  constructor(
    private readonly layout: { dataStart: number; intSize: number },
    private readonly routes: Map<number, BlockRoute>,
    private readonly streams: number,
    private readonly sink: RouterSink,
    private readonly rangeBytes = RANGE_BYTES,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.headLeft = layout.dataStart;
  }

  override _write(chunk: Buffer, _e: BufferEncoding, cb: (error?: Error | null) => void): void {
    try {
      this.route_(chunk);
    } catch (e) {
      cb(e as Error);
      return;
    }
    void this.flush().then(() => cb(), cb);
  }

  override _final(cb: (error?: Error | null) => void): void {
    if (this.headLeft > 0 || this.field !== 'blockType' || this.intBytes.length > 0) {
      cb(new Error('the archive ends inside a data block: it is incomplete'));
      return;
    }
    for (let i = 0; i < this.streams; i++) this.sink.end(i);
    cb();
  }

  /** Sorts one input buffer's bytes into per-stream slices (in `out`). */
  private route_(b: Buffer): void {
    let at = 0;
    if (this.headLeft > 0) {
      const n = Math.min(this.headLeft, b.length);
      for (let i = 0; i < this.streams; i++) this.put(i, b.subarray(0, n));
      this.headLeft -= n;
      at = n;
    }
    while (at < b.length) {
      if (this.field === 'chunkLength' && this.bodyLeft === 0 && this.intBytes.length === 0) {
        const end = this.wholeChunks(b, at);
        if (end > at) {
          this.take(this.target(), b, at, end);
          at = end;
          continue;
        }
      }
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, b.length - at);
        this.take(this.target(), b, at, at + n);
        at += n;
        this.bodyLeft -= n;
        if (this.bodyLeft === 0) this.lastChunkEndsLine = b[at - 1] === 0x0a;
        continue;
      }
      // A field: the block type is one byte, the others pg_dump integers (sign byte + intSize).
      if (this.field === 'chunkLength' && this.intBytes.length === 0) this.turn();
      const size = this.field === 'blockType' ? 1 : 1 + this.layout.intSize;
      const n = Math.min(size - this.intBytes.length, b.length - at);
      for (let i = 0; i < n; i++) this.intBytes.push(b[at + i]!);
      // Chunk lengths, large-object oids and end markers of a block go where its chunks go;
      // block headers are written anew per stream.
      if (this.field === 'chunkLength' || this.field === 'oid') this.take(this.target(), b, at, at + n);
      at += n;
      if (this.intBytes.length === size) this.fieldDone();
    }
  }

  private fieldDone(): void {
    const bytes = this.intBytes;
    this.intBytes = [];
    if (this.field === 'blockType') {
      this.blockType = bytes[0]!;
      if (this.blockType !== BLK_DATA && this.blockType !== BLK_BLOBS) throw new Error(`the archive has a data block of unknown kind ${this.blockType}: it is damaged or from a newer pg_dump`);
      this.field = 'blockId';
      return;
    }
    const value = pgInt(bytes);
    if (this.field === 'blockId') {
      this.route = this.routes.get(value);
      const header = Buffer.from([this.blockType, ...bytes]);
      if (this.route && 'whole' in this.route) this.put(this.route.whole, header);
      else if (this.route) {
        if (this.blockType !== BLK_DATA) throw new Error('large objects cannot be split');
        this.started.clear();
        this.current = this.route.split[0]!;
        this.taken = 0;
        this.lastChunkEndsLine = true;
        this.header = header;
        this.put(this.current, header);
        this.started.add(this.current);
      }
      this.field = this.blockType === BLK_BLOBS ? 'oid' : 'chunkLength';
      return;
    }
    if (this.field === 'oid') {
      this.field = value === 0 ? 'blockType' : 'chunkLength';
      return;
    }
    // A chunk length: 0 ends the block's data (or, for large objects, one object's).
    if (value > 0) {
      this.bodyLeft = value;
      this.taken += bytes.length + value;
      return;
    }
    if (this.blockType === BLK_BLOBS) {
      this.field = 'oid';
      return;
    }
    if (this.route && 'split' in this.route) {
      // Every stream named in the use-lists gets its part of the block, if only an empty one.
      for (const s of this.route.split) {
        if (s === this.current) continue;
        if (!this.started.has(s)) this.put(s, this.header);
        this.put(s, Buffer.from(bytes));
      }
    }
    this.field = 'blockType';
  }

  private header = Buffer.alloc(0);

  /**
   * The hot path (one chunk per row): from `at`, the end of the run of complete chunks that lie
   * wholly in `b` and go to the same stream — stopping at an end marker, a chunk that runs past
   * `b`, or a split block's turn.
   */
  private wholeChunks(b: Buffer, at: number): number {
    const size = 1 + this.layout.intSize;
    const split = this.route !== undefined && 'split' in this.route;
    let p = at;
    while (p + size <= b.length) {
      if (split && this.taken >= this.rangeBytes && this.lastChunkEndsLine) break;
      const n = this.layout.intSize === 4 ? (b[p] ? -b.readUInt32LE(p + 1) : b.readUInt32LE(p + 1)) : pgInt([...b.subarray(p, p + size)]);
      if (n <= 0 || p + size + n > b.length) break;
      p += size + n;
      this.taken += size + n;
      this.lastChunkEndsLine = b[p - 1] === 0x0a;
    }
    return p;
  }

  /** In a split block, between chunks: the next stream's turn once this one has its range. */
  private turn(): void {
    if (!this.route || !('split' in this.route) || this.taken < this.rangeBytes || !this.lastChunkEndsLine) return;
    const order = this.route.split;
    this.current = order[(order.indexOf(this.current) + 1) % order.length]!;
    this.taken = 0;
    if (!this.started.has(this.current)) {
      this.put(this.current, this.header);
      this.started.add(this.current);
    }
  }

  /** The stream the current block's bytes go to; -1: none (a block nobody loads). */
  private target(): number {
    if (!this.route) return -1;
    return 'whole' in this.route ? this.route.whole : this.current;
  }

  private take(stream: number, b: Buffer, start: number, end: number): void {
    if (stream < 0 || end <= start) return;
    const r = this.run;
    if (r && r.stream === stream && r.end === start && this.runBuffer === b) {
      r.end = end;
      return;
    }
    this.closeRun();
    this.run = { stream, start, end };
    this.runBuffer = b;
  }

  private runBuffer: Buffer | undefined;

  private put(stream: number, bytes: Buffer): void {
    this.closeRun();
    this.out.push([stream, bytes]);
  }

  private closeRun(): void {
    if (this.run && this.runBuffer) this.out.push([this.run.stream, this.runBuffer.subarray(this.run.start, this.run.end)]);
    this.run = undefined;
    this.runBuffer = undefined;
  }

  /** Writes the pending slices; resolves once every stream that was full has drained. */
  private async flush(): Promise<void> {
    this.closeRun();
    const out = this.out;
    this.out = [];
    const full = new Set<number>();
    for (const [stream, bytes] of out) if (!this.sink.write(stream, bytes)) full.add(stream);
    await Promise.all([...full].map((s) => this.sink.drained(s)));
  }
}

/** A pg_dump integer: sign byte, then little-endian bytes. */
function pgInt(bytes: number[]): number {
  let n = 0;
  for (let i = 1; i < bytes.length; i++) n += bytes[i]! * 2 ** (8 * (i - 1));
  return bytes[0] ? -n : n;
}
