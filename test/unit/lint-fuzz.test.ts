// A short fuzz run of the linter (bench/lint runs 100,000 inputs): mutated fixture migrations
// and random fragments never make it throw or hang, and every finding and every fix edit lies
// inside the document.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadSqlParser } from '../../core/sql/parse';
import { fuzzBefore, fuzzCorpus, fuzzInput, lintFuzzed } from '../fixtures/lint/fuzz';

const INPUTS = Number(process.env.LINT_FUZZ_INPUTS ?? 2000);
const SEED = Number(process.env.LINT_FUZZ_SEED ?? 6);

before(loadSqlParser);

test(`${INPUTS} fuzzed migrations: no crash, no hang, nothing outside the document`, () => {
  const corpus = fuzzCorpus();
  const state = fuzzBefore();
  let findings = 0;
  for (let i = 0; i < INPUTS; i++) {
    const text = fuzzInput(corpus, SEED, i);
    let result: ReturnType<typeof lintFuzzed>;
    try {
      result = lintFuzzed(text, state);
    } catch (e) {
      assert.fail(`input ${i} (seed ${SEED}) threw ${e instanceof Error ? e.stack : String(e)}\n--- input ---\n${text}`);
    }
    assert.ok(result.ms < 2000, `input ${i} (seed ${SEED}) took ${result.ms.toFixed(0)} ms`);
    for (const f of result.findings) {
      findings++;
      assert.ok(f.start >= 0 && f.start <= f.end && f.end <= text.length, `input ${i} (seed ${SEED}): ${f.rule} at ${f.start}-${f.end} of ${text.length}`);
      for (const fix of f.fixes) {
        for (const e of fix.edits) {
          if ('createFile' in e) continue;
          assert.ok(e.start >= 0 && e.start <= e.end && e.end <= text.length, `input ${i} (seed ${SEED}): fix "${fix.title}" edits ${e.start}-${e.end} of ${text.length}`);
        }
      }
    }
  }
  assert.ok(findings > INPUTS / 4, `the mutated inputs still exercise the rules (${findings} findings)`);
});
