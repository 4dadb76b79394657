// One statement's text, parsed once: its node kind, its schema effects, and the memoized results
// of the rules that ran on it (engine/rule-memo.ts), in a bounded cache keyed by the text. Why
// by text: an edit changes one statement of a 5,000-line migration, and every other statement's
// analysis is found again by its unchanged text, wherever it moved.
// Invariants: entries hold plain data only — parse trees are not kept (they are ~5× the text's
// size, and a project has tens of thousands of statements), so a rule that must run again gets
// a fresh parse from `treeOf`; the cache never holds more than CACHE_LIMIT entries — two
// generations: entries used since the last turnover survive it, the others are dropped (an
// approximate LRU that costs one Map lookup per hit, where a strict one would move every hit:
// a lint of a 5,000-line file looks up every statement); requires loadSqlParser() to have resolved.
// A tree parsed elsewhere (buildLintDocument parses every statement to cut the file) is offered
// until its statement is analysed, so a statement is parsed once from the file to its rules;
// offered trees are few and short-lived (a tree kept alive is copied by every young-generation GC).

import { parseStatementsSync } from '../../sql/parse';
import { statementSource, type StatementSource } from '../ast/statement-source';
import type { RuleFinding } from '../rule';
import { extractEffects, type SchemaEffect } from '../schema-state/effects';
import type { Dependency } from './rule-memo';

export interface MemoRun {
  deps: Dependency[];
  findings: { rule: string; finding: RuleFinding }[];
}

export interface StatementAnalysis {
  /** Parsed as exactly one statement. */
  ok: boolean;
  kind?: string;
  effects: SchemaEffect[];
  /** Rule results for the contexts this text was last checked in (newest first, at most MEMO_RUNS). */
  runs: MemoRun[];
}

export interface ParsedTree {
  kind: string;
  node: Record<string, unknown>;
  src: StatementSource;
}

const CACHE_LIMIT = 40_000;
export const MEMO_RUNS = 2;
/** Entries used since the last turnover, and the generation before it. */
let young = new Map<string, StatementAnalysis>();
let old = new Map<string, StatementAnalysis>();

function store(text: string, analysis: StatementAnalysis): void {
  young.set(text, analysis);
  if (young.size >= CACHE_LIMIT / 2) {
    old = young;
    young = new Map();
  }
}

/**
 * The newest `limit` to 2 × `limit` trees by text: two generations, the older dropped when the
 * newer fills. (Evicting a Map's oldest key one at a time makes each lookup of the oldest walk
 * over the keys deleted before it.)
 */
class RecentTrees {
  private young = new Map<string, ParsedTree>();
  private old = new Map<string, ParsedTree>();

  constructor(private readonly limit: number) {}

  get(text: string): ParsedTree | undefined {
    return this.young.get(text) ?? this.old.get(text);
  }

  set(text: string, tree: ParsedTree): void {
    this.young.set(text, tree);
    if (this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  delete(text: string): void {
    this.young.delete(text);
    this.old.delete(text);
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }
}

/** The last trees parsed, so rules that run right after an analysis do not parse again. */
const recentTrees = new RecentTrees(64);
/** Trees parsed by buildLintDocument, until the analysis takes them: a migration file's statements between its cut and its replay. */
const offeredTrees = new RecentTrees(128);

function remember(text: string, tree: ParsedTree): void {
  recentTrees.set(text, tree);
}

/**
 * A tree whose token source is made when first read (an analysis found in the cache needs none);
 * `byteBase`: where the statement starts in the text the tree was parsed from.
 */
function parsedTree(text: string, kind: string, node: Record<string, unknown>, byteBase = 0): ParsedTree {
  let src: StatementSource | undefined;
  return {
    kind,
    node,
    get src() {
      return (src ??= statementSource(text, byteBase));
    },
  };
}

function parseOne(text: string): ParsedTree | undefined {
  const r = parseStatementsSync(text);
  if (!r.ok || r.statements.length !== 1) return undefined;
  const s = r.statements[0];
  if (!s) return undefined;
  return parsedTree(text, s.kind, s.node);
}

/**
 * The parse tree of `text` as parseStatementsSync(text) gives it when that is exactly one
 * statement — or as part of a longer text that starts `byteBase` UTF-8 bytes before it (the tree's
 * locations count from there) — kept for analyzeStatement and treeOf.
 */
export function offerTree(text: string, kind: string, node: Record<string, unknown>, byteBase = 0): void {
  offeredTrees.set(text, parsedTree(text, kind, node, byteBase));
}

/**
 * The analysis of one statement's text (first token to last token, without `;`); `keep`: cache
 * it for the next analysis of the same text (a one-off lint has no use for that).
 * @example analyzeStatement('create index i on t (a)').effects[0].op === 'create-index'
 */
export function analyzeStatement(text: string, keep = true): StatementAnalysis {
  const offered = offeredTrees.get(text);
  if (offered) {
    offeredTrees.delete(text);
    // the rules may still want it, even when the analysis is known
    remember(text, offered);
  }
  const hit = young.get(text);
  if (hit) return hit;
  const older = old.get(text);
  if (older) {
    old.delete(text);
    store(text, older);
    return older;
  }
  const recent = recentTrees.get(text);
  const tree = recent ?? parseOne(text);
  let analysis: StatementAnalysis;
  if (!tree) analysis = { ok: false, effects: [], runs: [] };
  else {
    let effects: SchemaEffect[];
    try {
      effects = extractEffects(tree.src, tree.kind, tree.node);
    } catch {
      // A tree shape this code does not expect (a newer parser): no effects rather than a crash.
      effects = [];
    }
    analysis = { ok: true, kind: tree.kind, effects, runs: [] };
    remember(text, tree);
  }
  if (keep) store(text, analysis);
  return analysis;
}

/** The parse tree of an analysed statement's text (parsed again unless it was just parsed). */
export function treeOf(text: string): ParsedTree | undefined {
  const t = recentTrees.get(text);
  if (t) return t;
  const tree = parseOne(text);
  if (tree) remember(text, tree);
  return tree;
}

/** Entries cached (for tests and the server's stats). */
export function statementCacheSize(): number {
  return young.size + old.size;
}

/** Empties the caches (tests that measure cold runs). */
export function clearStatementCache(): void {
  young = new Map();
  old = new Map();
  recentTrees.clear();
  offeredTrees.clear();
}
