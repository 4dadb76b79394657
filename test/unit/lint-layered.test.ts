// `pglc db lint` replays a project on layers (schema-state/layered-state.ts, lintFileLayered)
// instead of a copy of the schema per migration. Two checks that this changes nothing: a
// LayerMap against a copied Map under random calls (values, size, iteration order, iteration
// while changing, layers on layers, commit), and a chain of migrations — the lint fixtures and
// random mutations of them, some with a split-layout Down file — linted both ways, with the
// same findings (rule, level, message, range, related locations, fixes) and the same schema in
// the same iteration order after every migration.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLintDocument } from '../../core/lint/document';
import { lintFile, lintFileLayered, type LintFileOptions } from '../../core/lint/engine/lint-file';
import type { LintFinding } from '../../core/lint/finding';
import { commitLayer, LayerMap } from '../../core/lint/schema-state/layered-state';
import { createSchemaState, forkState, OBJECT_MAPS, type SchemaState } from '../../core/lint/schema-state/model';
import { indexedState } from '../../core/lint/schema-state/pointer-index';
import { lintSettings } from '../../core/lint/settings';
import { loadSqlParser } from '../../core/sql/parse';
import { fuzzCorpus, fuzzInput } from '../fixtures/lint/fuzz';
import { prng } from '../harness/prng';

const SEED = Number(process.env.LINT_LAYERED_SEED ?? 11);

test('a LayerMap reads and iterates exactly as a changed copy of its base', () => {
  const r = prng(SEED);
  for (let round = 0; round < 200; round++) {
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
    const pick = () => keys[Math.floor(r() * keys.length)] as string;
    const base = new Map<string, number>();
    for (const k of keys) if (r() < 0.5) base.set(k, Math.floor(r() * 100));
    const frozen = [...base];
    // up to three layers, each over the one before; the copy takes every call
    let layer: Map<string, number> = base;
    const layers: LayerMap<number>[] = [];
    const copy = new Map(base);
    const depth = 1 + Math.floor(r() * 3);
    for (let d = 0; d < depth; d++) {
      const next = new LayerMap(layer);
      layers.push(next);
      layer = next;
      for (let op = 0; op < 20; op++) {
        const k = pick();
        const x = r();
        if (x < 0.4) {
          const v = Math.floor(r() * 100);
          layer.set(k, v);
          copy.set(k, v);
        } else if (x < 0.7) assert.equal(layer.delete(k), copy.delete(k), `round ${round}: delete ${k}`);
        else if (x < 0.8) {
          // changes while iterating, as dropTable makes them
          const seen: string[] = [];
          const expected: string[] = [];
          const a = pick();
          const b = pick();
          const v = Math.floor(r() * 100);
          let n = 0;
          for (const [key] of layer) {
            seen.push(key);
            if (n++ === 1) {
              layer.delete(a);
              layer.set(b, v);
            }
          }
          n = 0;
          for (const [key] of copy) {
            expected.push(key);
            if (n++ === 1) {
              copy.delete(a);
              copy.set(b, v);
            }
          }
          assert.deepEqual(seen, expected, `round ${round}: keys seen while changing`);
        }
        assert.equal(layer.get(k), copy.get(k), `round ${round}: get ${k}`);
        assert.equal(layer.has(k), copy.has(k), `round ${round}: has ${k}`);
        assert.equal(layer.size, copy.size, `round ${round}: size`);
        assert.deepEqual([...layer], [...copy], `round ${round}: entries in order`);
      }
    }
    assert.deepEqual([...base], frozen, `round ${round}: the base is unchanged`);
    // committing each layer into the one below leaves the base as the copy
    for (let d = layers.length - 1; d >= 0; d--) (layers[d] as LayerMap<number>).commit();
    assert.deepEqual([...base], [...copy], `round ${round}: committed`);
  }
});

/**
 * A migration that makes and drops what points at tables: foreign keys to earlier tables,
 * partitions, serial columns (owned sequences), triggers and policies — dropped by DROP TABLE
 * and DROP COLUMN in the Up and the Down.
 */
function churn(i: number, r: () => number): string {
  const t = `c_${i}`;
  const earlier = (): string => `c_${Math.floor(r() * i)}`;
  const up = [
    `create table ${t} (id serial primary key, other_id int, n int, code bigserial);`,
    `create table ${t}_p (id int, at date) partition by range (at);`,
    `create table ${t}_p1 partition of ${t}_p for values from ('2020-01-01') to ('2021-01-01');`,
    `create function ${t}_f() returns trigger language plpgsql as $$ begin return new; end $$;`,
    `create trigger ${t}_trg before insert on ${t} for each row execute function ${t}_f();`,
    `create policy ${t}_pol on ${t} using (true);`,
  ];
  const down = [`drop table ${t}_p;`, `drop table ${t};`];
  if (i > 0) {
    up.push(`alter table ${t} add constraint ${t}_fk foreign key (other_id) references ${earlier()} (id);`, `alter table ${earlier()} add column s_${i} serial;`);
    if (r() < 0.5) up.push(`alter table ${earlier()} drop column code;`);
    if (r() < 0.3) up.push(`drop table ${earlier()} cascade;`, `drop table ${earlier()}_p;`);
    if (r() < 0.3) up.push(`alter table ${earlier()} drop column id cascade;`);
    down.unshift(`alter table ${earlier()} drop column s_${i};`);
  }
  return `-- Up\n${up.join('\n')}\n-- Down\n${down.join('\n')}\n`;
}

function findingsJson(list: readonly LintFinding[]): string {
  return JSON.stringify(list.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, start: f.start, end: f.end, impact: f.impact, related: f.related, fixes: f.fixes })));
}

/** The state with every map in its iteration order (rules read it in that order). */
function stateJson(s: SchemaState): string {
  return JSON.stringify(OBJECT_MAPS.map((m) => [...(s[m] as Map<string, unknown>)]));
}

test('a project linted on layers gives the findings and schemas of a copy per migration', async () => {
  await loadSqlParser();
  const corpus = fuzzCorpus();
  const r = prng(SEED + 1);
  const settings = lintSettings(undefined);
  // as lint-project.ts did before layers: lintFile with the Up's afterUp as the next `before`
  let copied: SchemaState = createSchemaState();
  // the project's schema, as lint-project.ts keeps it: indexed (pointer-index.ts)
  const layered: SchemaState = indexedState();
  let downFindings = 0;
  for (let i = 0; i < 400; i++) {
    const text = i % 5 === 1 ? churn(i, r) : i % 3 === 0 ? fuzzInput(corpus, SEED, i) : (corpus[Math.floor(r() * corpus.length)] as string);
    const version = String(i + 1).padStart(4, '0');
    const migration = { version, label: `${version}_m` };
    const split = i % 7 === 3;
    const info = split ? { format: 'split-files' as const, version, role: 'up' as const } : { format: 'pglc' as const, version, role: 'sections' as const };
    const downText = split ? (corpus[Math.floor(r() * corpus.length)] as string) : undefined;
    const downDoc = downText !== undefined ? buildLintDocument(downText, { format: 'split-files', version, role: 'down' }) : undefined;
    const companion = split ? { companion: { role: 'down' as const, path: `/p/${version}_m.down.sql`, ...(downDoc ? { document: downDoc } : {}) } } : {};
    const options = (before: SchemaState): LintFileOptions => ({ path: `/p/${version}_m.sql`, migration, settings, before, strict: true, ...companion });
    const where = `migration ${i} (seed ${SEED})`;

    const a = lintFile(buildLintDocument(text, info), options(copied));
    const b = lintFileLayered(buildLintDocument(text, info), options(layered));
    assert.equal(findingsJson(b.findings), findingsJson(a.findings), `${where}: findings`);
    assert.equal(stateJson(b.afterUp), stateJson(a.afterUp), `${where}: the schema after the Up`);
    if (downDoc) {
      const down = { path: `/p/${version}_m.down.sql`, migration, settings, strict: true };
      const x = lintFile(downDoc, { ...down, before: a.afterUp, beforeMigration: copied });
      const y = lintFileLayered(downDoc, { ...down, before: b.afterUp, beforeMigration: layered });
      assert.equal(findingsJson(y.findings), findingsJson(x.findings), `${where}: the Down file's findings`);
      downFindings += x.findings.filter((f) => f.rule === 'down-does-not-reverse').length;
    }
    downFindings += a.findings.filter((f) => f.rule === 'down-does-not-reverse').length;
    commitLayer(b.afterUp);
    copied = a.afterUp;
    assert.equal(stateJson(layered), stateJson(copied), `${where}: the committed schema`);
    // a copy of the committed schema is plain maps again
    assert.equal(stateJson(forkState(layered)), stateJson(copied));
  }
  const tables = [...copied.tables.values()];
  const pointers = { fk: tables.filter((t) => t.constraints.some((c) => c.references)).length, partitions: tables.filter((t) => t.partitionOf).length, owned: [...copied.sequences.values()].filter((q) => q.ownedBy).length, triggers: copied.triggers.size, policies: copied.policies.size };
  assert.ok(Object.values(pointers).every((n) => n > 5), `the schema has what points at tables (${JSON.stringify(pointers)})`);
  assert.ok(downFindings > 10, `down-does-not-reverse fired (${downFindings}): the comparison of whole schemas was exercised`);
});
