// Cuts a byte stream into fixed-size records for the chunked format, holding back the current
// record until more bytes arrive. Invariant: a full record is released only when at least one
// more byte follows, so whatever `rest()` returns at the end is the last record — the one both
// sides flag (or check) as last.

export interface RecordBuffer {
  /** Appends data; `emit` receives each full record that is known not to be the last (use it at once: the buffer is reused). */
  append(data: Buffer, from: number, emit: (record: Buffer) => void): void;
  /** The held-back final record (possibly shorter than the size, possibly empty). */
  rest(): Buffer;
}

/** @example const r = recordBuffer(4); r.append(Buffer.from('abcdef'), 0, out); r.rest() // 'ef' after 'abcd' was emitted */
export function recordBuffer(size: number): RecordBuffer {
  const pending = Buffer.allocUnsafe(size);
  let fill = 0;
  return {
    append(data, from, emit) {
      let off = from;
      while (off < data.length) {
        if (fill === size) {
          emit(pending);
          fill = 0;
        }
        const n = Math.min(size - fill, data.length - off);
        data.copy(pending, fill, off, off + n);
        fill += n;
        off += n;
      }
    },
    rest: () => pending.subarray(0, fill),
  };
}
