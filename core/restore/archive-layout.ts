// The layout of a pg_dump custom-format archive as far as splitting its data needs it: where the
// header and table of contents end (the data blocks follow), the archive's integer size, whether
// its data blocks are compressed, and each entry's dump id and type. The format is pg_dump's own
// (pg_backup_archiver.c ReadHead/ReadToc, pg_backup_custom.c): integers are a sign byte and
// `intSize` little-endian bytes, strings an integer length (-1 for none) and the bytes.
// Invariant: anything this reader does not know (another format, an unknown version, a field
// running past the bytes given) is `undefined`, never a guess — the caller then leaves the
// archive whole to pg_restore.

/** Archive versions (major, minor, revision) this reader knows: 1.12 (PostgreSQL 9.x) to 1.16 (17). */
const OLDEST = version(1, 12, 0);
const NEWEST = version(1, 16, 0);
const CUSTOM_FORMAT = 1;

export interface ArchiveLayout {
  /** Bytes of header and table of contents: the first data block starts here. */
  dataStart: number;
  intSize: number;
  /** False when pg_dump compressed the data blocks itself (then they cannot be split by row). */
  uncompressed: boolean;
  entries: Array<{ id: number; type: string; hadData: boolean }>;
}

/**
 * Reads the header and table of contents at the start of `head`.
 * @example readArchiveLayout(readFileSync('archive-head.dump'))?.dataStart
 */
export function readArchiveLayout(head: Buffer): ArchiveLayout | undefined {
  try {
    return read(head);
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

function read(b: Buffer): ArchiveLayout | undefined {
  if (b.toString('latin1', 0, 5) !== 'PGDMP') return undefined;
  let at = 5;
  const byte = (): number => {
    if (at >= b.length) throw new RangeError('past the head');
    return b[at++]!;
  };
  const v = version(byte(), byte(), byte());
  if (v < OLDEST || v > NEWEST) return undefined;
  const intSize = byte();
  const offSize = byte();
  if (intSize < 1 || intSize > 8 || offSize < 1 || offSize > 8) return undefined;
  if (byte() !== CUSTOM_FORMAT) return undefined;
  const int = (): number => {
    const negative = byte() !== 0;
    let n = 0;
    for (let i = 0; i < intSize; i++) n += byte() * 2 ** (8 * i);
    return negative ? -n : n;
  };
  const str = (): string | undefined => {
    const n = int();
    if (n < 0) return undefined;
    if (at + n > b.length) throw new RangeError('past the head');
    const s = b.toString('utf8', at, at + n);
    at += n;
    return s;
  };
  // 1.15 names the algorithm (0: none); earlier versions give a gzip level (0: none).
  const uncompressed = (v >= version(1, 15, 0) ? byte() : int()) === 0;
  for (let i = 0; i < 7; i++) int(); // creation time
  str(); // database name
  str(); // server version
  str(); // pg_dump version
  const count = int();
  if (count < 0) return undefined;
  const entries: ArchiveLayout['entries'] = [];
  for (let i = 0; i < count; i++) {
    const id = int();
    const hadData = int() !== 0;
    str(); // table oid
    str(); // oid
    str(); // tag
    const type = str() ?? '';
    int(); // section
    str(); // definition
    str(); // drop statement
    str(); // COPY statement
    str(); // namespace
    str(); // tablespace
    if (v >= version(1, 14, 0)) str(); // table access method
    if (v >= version(1, 16, 0)) int(); // relkind
    str(); // owner
    str(); // "with oids"
    while (str() !== undefined); // dependencies, ended by a null string
    // Custom format: the data's offset (a flag byte and offSize bytes; unset when written to a pipe).
    at += 1 + offSize;
    if (at > b.length) throw new RangeError('past the head');
    entries.push({ id, type, hadData });
  }
  return { dataStart: at, intSize, uncompressed, entries };
}

function version(major: number, minor: number, revision: number): number {
  return (major * 256 + minor) * 256 + revision;
}
