// The pure parts of a restore, data-driven: pg_restore --list lines → TOC entries, generated
// database names (63-byte limit, hashing long names), marker comments, setting values as
// pg_dump quotes them, the plain-dump filter for --no-owner / --no-privileges / schema only,
// the leftover-name pattern, which data each stream of a streamed restore loads, and the
// loading sessions' maintenance_work_mem.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { parseToc, tocNames } from '../../core/restore/archive';
import { markerComment, parseMarker, restoreDatabaseName } from '../../core/restore/restore-names';
import { settingValueSql } from '../../core/restore/database-admin';
import { plainFilter } from '../../core/restore/run-pg-restore';
import { planDataStreams } from '../../core/restore/data-streams';
import { generatedName } from '../../core/restore/replaced-databases';
import { loadMemory } from '../../core/restore/load-settings';

describe('restore: TOC', () => {
  const listing = [
    ';',
    '; Archive created at 2026-01-15 14:30:00 UTC',
    '218; 1259 16427 TABLE public users app',
    '3401; 0 16427 TABLE DATA public users app',
    '3402; 0 16500 TABLE DATA billing Invoices app',
    '3290; 2606 16440 FK CONSTRAINT public orders orders_user_id_fkey app',
    '3300; 0 0 SEQUENCE SET public invoice_no app',
    '5; 2615 2200 SCHEMA - public pg_database_owner',
  ].join('\n');
  const toc = parseToc(listing);
  it('parses entries, longest type first, skipping comments', () => {
    assert.deepEqual(toc.map((e) => [e.id, e.type, e.schema]), [
      [218, 'TABLE', 'public'], [3401, 'TABLE DATA', 'public'], [3402, 'TABLE DATA', 'billing'],
      [3290, 'FK CONSTRAINT', 'public'], [3300, 'SEQUENCE SET', 'public'], [5, 'SCHEMA', '-'],
    ]);
    assert.equal(toc[1]!.line, '3401; 0 16427 TABLE DATA public users app');
  });
  it('matches table names (pg_restore prints them unquoted)', () => {
    assert.ok(tocNames(toc[1]!, 'public', 'users'));
    assert.ok(tocNames(toc[2]!, 'billing', 'Invoices'));
    assert.ok(!tocNames(toc[2]!, 'billing', 'invoices'));
    assert.ok(!tocNames(toc[1]!, 'public', 'user'));
  });
});

describe('restore: names and markers', () => {
  const at = new Date('2026-01-15T14:30:00Z');
  const cases: [string, 'restore' | 'old' | 'scratch', string][] = [
    ['shop', 'old', 'shop__pglc_old_20260115143000'],
    ['shop', 'restore', 'shop__pglc_restore_20260115143000'],
    ['a'.repeat(40), 'scratch', `${'a'.repeat(27)}~`],
    ['ü'.repeat(30), 'old', 'ü'],
  ];
  for (const [db, kind, prefix] of cases) {
    it(`${db.slice(0, 12)}… ${kind}`, () => {
      const name = restoreDatabaseName(db, kind, at);
      assert.ok(name.startsWith(prefix), name);
      assert.ok(Buffer.byteLength(name) <= 63, `${name} is ${Buffer.byteLength(name)} bytes`);
      assert.ok(name.endsWith(`__pglc_${kind}_20260115143000`));
      assert.match(name, new RegExp(generatedName(db, kind)), 'the leftover pattern matches its own names');
      assert.doesNotMatch(`x${name}`, new RegExp(generatedName(db, kind)));
    });
  }
  it('long names of different databases do not collide', () => {
    assert.notEqual(restoreDatabaseName('a'.repeat(40) + 'x', 'old', at), restoreDatabaseName('a'.repeat(40) + 'y', 'old', at));
  });
  it('markers round-trip; other comments and damaged markers are not markers', () => {
    const m = { kind: 'old' as const, database: 'shop', environment: 'prod', at: at.toISOString(), backupId: 'prod-shop-x', comment: 'it\'s "the" shop' };
    assert.deepEqual(parseMarker(markerComment(m)), m);
    assert.equal(parseMarker('the shop'), undefined);
    assert.equal(parseMarker('pglc:{"kind":"nope","database":"a","environment":"b","at":"c"}'), undefined);
    assert.equal(parseMarker('pglc:{not json'), undefined);
    assert.equal(parseMarker(null), undefined);
  });
});

describe('restore: database settings as SQL', () => {
  const cases: [string, string, string][] = [
    ['work_mem', '7MB', "'7MB'"],
    ['search_path', '"$user", public', "'$user', 'public'"],
    ['search_path', 'app, "Odd ""Name""", public', "'app', 'Odd \"Name\"', 'public'"],
    ['timezone', "O'Brien/Zone", "'O''Brien/Zone'"],
    ['search_path', '', "''"],
  ];
  for (const [name, value, sql] of cases) it(`${name} = ${value}`, () => assert.equal(settingValueSql(name, value), sql));
});

describe('restore: plain dump filter', () => {
  const dump = [
    'CREATE TABLE public.t (id int, note text);',
    'ALTER TABLE public.t OWNER TO app;',
    'COPY public.t (id, note) FROM stdin;',
    '1\tGRANT ALL ON x TO y;',
    '2\tALTER TABLE z OWNER TO w;',
    '\\.',
    "SELECT pg_catalog.setval('public.s', 5, true);",
    'GRANT SELECT ON TABLE public.t TO reader;',
    'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO reader;',
    '',
  ].join('\n');
  const run = async (opts: Parameters<typeof plainFilter>[0]) => {
    // Split into awkward chunks (inside lines and a multi-byte character) to test the carry-over.
    const bytes = Buffer.from(dump + '-- zoë\n');
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 61), bytes.subarray(61, bytes.length - 4), bytes.subarray(bytes.length - 4)];
    return text(Readable.from(chunks).pipe(plainFilter(opts)));
  };
  it('--no-owner and --no-privileges drop those lines outside COPY data only', async () => {
    const out = await run({ owners: false, privileges: false, schemaOnly: false });
    assert.ok(!out.includes('OWNER TO app'));
    assert.ok(!out.includes('TO reader'));
    assert.ok(out.includes('1\tGRANT ALL ON x TO y;') && out.includes('2\tALTER TABLE z OWNER TO w;'), 'COPY rows are data, never filtered');
    assert.ok(out.endsWith('-- zoë\n'));
  });
  it('schema only drops COPY blocks and setval', async () => {
    const out = await run({ owners: true, privileges: true, schemaOnly: true });
    assert.ok(!out.includes('COPY') && !out.includes('1\t') && !out.includes('setval'));
    assert.ok(out.includes('OWNER TO app') && out.includes('GRANT SELECT ON TABLE public.t TO reader;'));
  });
});

describe('restore: data streams of a streamed load', () => {
  const toc = parseToc([
    '210; 1259 1 TABLE public big app',
    '3401; 0 1 TABLE DATA public big app',
    '3402; 0 2 TABLE DATA public mid app',
    '3403; 0 3 TABLE DATA public small app',
    '3404; 0 4 TABLE DATA public other app',
    '3405; 0 0 SEQUENCE SET public big_id_seq app',
    '3406; 0 0 BLOBS - BLOBS ',
    '3410; 2606 5 CONSTRAINT public big big_pkey app',
  ].join('\n'));
  const layout = (uncompressed = true) => ({
    dataStart: 100, intSize: 4, uncompressed,
    entries: toc.map((e) => ({ id: e.id, type: e.type, hadData: e.type === 'TABLE DATA' || e.type === 'BLOBS' })),
  });
  const table = (name: string, bytes: number) => ({ schema: 'public', name, rowEstimate: 0, bytes });
  const MB = 1024 ** 2;
  const ids = (lists: string[][]) => lists.map((l) => l.map((line) => Number(line.split(';')[0])));
  const cases: { name: string; sizes: [string, number][]; jobs: number; expected?: number[][]; split?: string[]; compressed?: boolean; splitOver?: number }[] = [
    { name: 'one job: one stream', sizes: [['big', 100 * MB], ['mid', 90 * MB]], jobs: 1 },
    { name: 'little data: one stream', sizes: [['big', 10 * MB], ['mid', 4 * MB]], jobs: 2 },
    { name: 'data blocks pg_dump compressed itself: one stream', sizes: [['big', 900 * MB], ['mid', 90 * MB]], jobs: 2, compressed: true },
    {
      name: 'two even halves: whole tables, largest first into the lightest stream; the rest (sequences, large objects) with the first',
      sizes: [['big', 100 * MB], ['mid', 90 * MB], ['small', 10 * MB], ['other', 5 * MB]], jobs: 2,
      expected: [[210, 3401, 3404, 3405, 3406, 3410], [3402, 3403]], split: [],
    },
    {
      name: 'one table holds nearly everything: it is split across both streams',
      sizes: [['big', 1000 * MB], ['mid', 50 * MB], ['small', 10 * MB], ['other', 5 * MB]], jobs: 2,
      expected: [[210, 3401, 3402, 3405, 3406, 3410], [3401, 3403, 3404]], split: ['public.big'],
    },
    {
      name: 'splitting off (split_tables_larger_than = "off"): the big table is one COPY, the rest is too little for a second stream',
      sizes: [['big', 1000 * MB], ['mid', 50 * MB], ['small', 10 * MB], ['other', 5 * MB]], jobs: 2, splitOver: Infinity,
    },
    {
      name: 'three jobs, three even tables: each whole in its own stream',
      sizes: [['big', 100 * MB], ['mid', 100 * MB], ['small', 100 * MB], ['other', 0]], jobs: 3,
      expected: [[210, 3401, 3404, 3405, 3406, 3410], [3402], [3403]], split: [],
    },
    {
      name: 'four jobs, two tables too small to split (and two tiny ones): two streams',
      sizes: [['big', 40 * MB], ['mid', 40 * MB]], jobs: 4,
      expected: [[210, 3401, 3403, 3405, 3406, 3410], [3402, 3404]], split: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const limits = c.splitOver === undefined ? undefined : { splitMinBytes: c.splitOver, streamsMinBytes: 16 * MB };
      const plan = planDataStreams(layout(!c.compressed), toc, c.sizes.map(([n, b]) => table(n, b)), c.jobs, limits);
      if (!c.expected) return assert.equal(plan, undefined);
      assert.deepEqual(ids(plan!.lists), c.expected);
      assert.deepEqual(plan!.split, c.split);
    });
  }
});

describe('restore: the loading sessions\' maintenance_work_mem', () => {
  const GB = 1024 ** 3;
  const MB = 1024 ** 2;
  const remote = { host: 'db.example.com', port: 5432, database: 'shop', user: 'app' };
  const local = { ...remote, host: '127.0.0.1' };
  const socket = { ...remote, host: '/run/postgresql' };
  const cases: Array<[string, Parameters<typeof loadMemory>[0], number, number | undefined]> = [
    ['a remote server: 1GB per session, like pgcopydb', { jobs: 4, target: remote }, 2 * GB, GB],
    ['a server on this machine: a quarter of its memory shared by the sessions', { jobs: 2, target: local }, 4 * GB, 512 * MB],
    ['… never above 1GB', { jobs: 2, target: socket }, 64 * GB, GB],
    ['… never below 64MB', { jobs: 16, target: local }, 1 * GB, 64 * MB],
    ['configured', { jobs: 2, target: local, configured: '3GB' }, 4 * GB, 3 * GB],
    ['configured in MB with a space', { jobs: 2, target: remote, configured: '256 MB' }, GB, 256 * MB],
    ['"server" keeps the server\'s', { jobs: 2, target: remote, configured: 'server' }, GB, undefined],
  ];
  for (const [name, opts, machine, expected] of cases) it(name, () => assert.equal(loadMemory(opts, machine), expected));
});
