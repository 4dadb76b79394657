// The TextMate injection grammar (syntaxes/pglc-sql.injection.tmLanguage.json) tokenized the way
// VS Code does it: vscode-textmate + vscode-oniguruma, injected into VS Code's own SQL grammar
// (test/fixtures/grammar/host). Each fixture test/fixtures/grammar/<name>.sql has
// <name>.expected.json: per line, the tokens that carry a `.pglc` scope (with all their scopes
// but `source.sql`) — so lines that must NOT be highlighted are checked too (they list none).
// UPDATE_GRAMMAR_FIXTURES=1 rewrites the expectations (review the diff).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar, type StateStack } from 'vscode-textmate';

const root = join(__dirname, '../..');
const fixtures = join(root, 'test/fixtures/grammar');
const injectionPath = join(root, 'syntaxes/pglc-sql.injection.tmLanguage.json');
const hostPath = join(fixtures, 'host/sql.tmLanguage.json');
const UPDATE = process.env.UPDATE_GRAMMAR_FIXTURES === '1';

interface Manifest {
  contributes: { grammars?: { scopeName: string; path: string; injectTo?: string[]; language?: string }[]; languages?: { id: string; extensions?: string[] }[] };
}

let grammar: Promise<IGrammar> | undefined;

/** source.sql with the pglc injection, as VS Code assembles it from package.json. */
function sqlGrammar(): Promise<IGrammar> {
  grammar ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
    const contributed = manifest.contributes.grammars ?? [];
    const registry = new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) => {
        if (scopeName === 'source.sql') return parseRawGrammar(readFileSync(hostPath, 'utf8'), hostPath);
        const g = contributed.find((c) => c.scopeName === scopeName);
        if (!g) return null;
        const path = join(root, g.path);
        return parseRawGrammar(readFileSync(path, 'utf8'), path);
      },
      getInjections: (scopeName) => contributed.filter((c) => c.injectTo?.includes(scopeName)).map((c) => c.scopeName),
    });
    const g = await registry.loadGrammar('source.sql');
    if (!g) throw new Error('source.sql did not load');
    return g;
  })();
  return grammar;
}

type TokenView = [text: string, scopes: string];

async function pglcTokens(text: string): Promise<{ line: string; tokens: TokenView[] }[]> {
  const g = await sqlGrammar();
  let state: StateStack = INITIAL;
  return text.replace(/\n$/, '').split('\n').map((line) => {
    const r = g.tokenizeLine(line, state);
    state = r.ruleStack;
    const tokens = r.tokens
      .filter((t) => t.scopes.some((s) => s.endsWith('.pglc')))
      .map((t): TokenView => [line.slice(t.startIndex, t.endIndex), t.scopes.filter((s) => s !== 'source.sql').join(' ')]);
    return { line, tokens };
  });
}

test('package.json contributes the injection grammar into source.sql, and the sql language', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
  const injection = JSON.parse(readFileSync(injectionPath, 'utf8')) as { scopeName: string; injectionSelector: string };
  const entry = manifest.contributes.grammars?.find((g) => g.scopeName === injection.scopeName);
  assert.ok(entry, `no contributes.grammars entry for ${injection.scopeName}`);
  assert.equal(join(root, entry.path), injectionPath);
  assert.deepEqual(entry.injectTo, ['source.sql']);
  assert.match(injection.injectionSelector, /source\.sql/);
  assert.ok(manifest.contributes.languages?.some((l) => l.id === 'sql' && l.extensions?.includes('.sql')));
});

for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.sql')).sort()) {
  test(`grammar: ${file}`, async () => {
    const actual = await pglcTokens(readFileSync(join(fixtures, file), 'utf8'));
    const expectedPath = join(fixtures, file.replace(/\.sql$/, '.expected.json'));
    if (UPDATE) {
      writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`);
      return;
    }
    assert.deepEqual(actual, JSON.parse(readFileSync(expectedPath, 'utf8')));
  });
}

test('a marker keeps the comment scope (themes colour the dashes as a comment, the word as a keyword)', async () => {
  const [up] = await pglcTokens('-- Up');
  assert.deepEqual(up?.tokens.map(([t, s]) => [t, s.split(' ').includes('comment.line.double-dash.sql'), s.split(' ').at(-1)]), [
    ['--', true, 'punctuation.definition.comment.sql'],
    [' ', true, 'meta.section-marker.pglc'],
    ['Up', true, 'keyword.control.section.pglc'],
  ]);
});
