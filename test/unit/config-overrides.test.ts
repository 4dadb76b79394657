// The seed's variables (DB_MIGRATION_*, BACKUP_*) override pglc.toml; bad values name the variable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProjectConfig } from '../../core/config/load-config';
import type { ProjectConfig } from '../../core/config/project-config';
import { PglcError } from '../../core/errors';

interface Case {
  name: string;
  toml: string;
  env: Record<string, string>;
  expect?: Partial<Record<keyof ProjectConfig, unknown>>;
  neverStored?: string[];
  error?: { code: string; mentions: string[] };
}
const { cases } = JSON.parse(readFileSync(join(__dirname, '../fixtures/config/overrides.json'), 'utf8')) as { cases: Case[] };
const opts = (env: Record<string, string>) => ({ root: '/project', file: '/project/pglc.toml', env });

for (const c of cases) {
  test(`overrides: ${c.name}`, () => {
    if (c.error) {
      const err = c.error;
      assert.throws(() => parseProjectConfig(c.toml, opts(c.env)), (e: unknown) => {
        assert.ok(e instanceof PglcError);
        assert.equal(e.code, err.code);
        const all = `${e.message}\n${e.fix}`;
        for (const m of err.mentions) assert.ok(all.includes(m), `should mention ${JSON.stringify(m)}:\n${all}`);
        return true;
      });
      return;
    }
    const config = parseProjectConfig(c.toml, opts(c.env));
    for (const [key, value] of Object.entries(c.expect ?? {})) {
      assert.deepEqual(JSON.parse(JSON.stringify(config[key as keyof ProjectConfig])), value, `config.${key}`);
    }
    const serialized = JSON.stringify(config);
    for (const secret of c.neverStored ?? []) assert.ok(!serialized.includes(secret), `ProjectConfig must not hold ${secret}`);
  });
}
