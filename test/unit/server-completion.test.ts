// Completion of table and column names in a migration, data-driven: test/fixtures/server/
// completion/<case>.sql is the migration 0002 of a project whose 0001 creates orders and
// customers (test/fixtures/lint/_schemas/orders.sql), with the cursor written `/*|*/`; <case>.json
// has the labels expected there (sorted), and why. UPDATE_SERVER_FIXTURES=1 rewrites them
// (review the diff).

import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadSqlParser } from '../../core/sql/parse';
import { computeCompletions } from '../../server/completion';
import { buildDocumentModel } from '../../server/document-model';
import { createLintContexts, loadSchemaFromDisk } from '../../server/lint-context';
import { classifyMigrationDocument } from '../../server/migration-document';

before(loadSqlParser);

const CASES = join(__dirname, '../fixtures/server/completion');
const ORDERS = readFileSync(join(__dirname, '../fixtures/lint/_schemas/orders.sql'), 'utf8');
const CURSOR = '/*|*/';
const UPDATE = process.env.UPDATE_SERVER_FIXTURES === '1';

test('completion of table and column names (fixture cases)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pglc-completion-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'pglc/migrations'), { recursive: true });
  writeFileSync(join(dir, 'pglc.toml'), '[project]\nname = "x"\n');
  writeFileSync(join(dir, 'pglc/migrations/0001_orders.sql'), ORDERS);
  const path = join(dir, 'pglc/migrations/0002_case.sql');
  const lint = createLintContexts(loadSchemaFromDisk({}));
  const names = readdirSync(CASES).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -4)).sort();
  assert.ok(names.length >= 10);
  for (const name of names) {
    await t.test(name, async () => {
      const raw = readFileSync(join(CASES, `${name}.sql`), 'utf8');
      const at = raw.indexOf(CURSOR);
      assert.ok(at >= 0, `${name}.sql has the cursor ${CURSOR}`);
      const text = raw.replace(CURSOR, '');
      const info = classifyMigrationDocument(path, text, [join(dir, 'pglc/migrations')]);
      assert.ok(info);
      const inputs = await lint.inputsFor(path, info);
      assert.ok(inputs);
      const document = TextDocument.create(pathToFileURL(path).href, 'sql', 1, text);
      const items = computeCompletions(buildDocumentModel(text, 1, info), document, path, inputs, document.positionAt(at)).map((i) => i.label).sort();
      const specPath = join(CASES, `${name}.json`);
      const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { about: string; items: string[] };
      if (UPDATE) writeFileSync(specPath, `${JSON.stringify({ ...spec, items }, null, 2)}\n`);
      else assert.deepEqual(items, spec.items, `${name}: ${spec.about}`);
    });
  }
});
