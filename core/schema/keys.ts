// Stable identities of schema objects: `table:"public"."users"`, `column:"public"."users"."id"`,
// `function:"public"."touch"(integer)`. The diff matches objects by key, the dependency graph is
// keyed by them and defects name objects by them.
// Invariant: a key is a pure function of an object's kind and names (never an OID), and two
// different objects never share one (names are quoted, so dots inside names cannot collide).

import { quoteIdent } from '../sql/quote';

export type ObjectKind =
  | 'schema'
  | 'extension'
  | 'type'
  | 'sequence'
  | 'table'
  | 'column'
  | 'constraint'
  | 'index'
  | 'view'
  | 'function'
  | 'trigger'
  | 'policy'
  | 'default-privileges';

function key(kind: ObjectKind, parts: string[], suffix = ''): string {
  return `${kind}:${parts.map(quoteIdent).join('.')}${suffix}`;
}

export const keys = {
  schema: (name: string) => key('schema', [name]),
  extension: (name: string) => key('extension', [name]),
  type: (schema: string, name: string) => key('type', [schema, name]),
  sequence: (schema: string, name: string) => key('sequence', [schema, name]),
  table: (schema: string, name: string) => key('table', [schema, name]),
  column: (schema: string, table: string, column: string) => key('column', [schema, table, column]),
  constraint: (schema: string, table: string, name: string) => key('constraint', [schema, table, name]),
  index: (schema: string, name: string) => key('index', [schema, name]),
  view: (schema: string, name: string) => key('view', [schema, name]),
  function: (schema: string, name: string, argTypes: string) => key('function', [schema, name], `(${argTypes})`),
  trigger: (schema: string, table: string, name: string) => key('trigger', [schema, table, name]),
  policy: (schema: string, table: string, name: string) => key('policy', [schema, table, name]),
  defaultPrivileges: (role: string | undefined, schema: string | undefined, objectType: string) =>
    key('default-privileges', [role ?? '', schema ?? '', objectType]),
};

/** The kind part of a key. @example kindOf('table:"public"."t"') === 'table' */
export function kindOf(k: string): ObjectKind {
  return k.slice(0, k.indexOf(':')) as ObjectKind;
}

/**
 * A key as people read it: `table public.users`, `function public.touch(integer)`.
 * @example displayKey('column:"public"."users"."id"') === 'column public.users.id'
 */
export function displayKey(k: string): string {
  const i = k.indexOf(':');
  const kind = k.slice(0, i);
  let rest = k.slice(i + 1);
  let suffix = '';
  const paren = kind === 'function' ? rest.indexOf('"(') : -1;
  if (paren >= 0) {
    suffix = rest.slice(paren + 1);
    rest = rest.slice(0, paren + 1);
  }
  const parts: string[] = [];
  const re = /"((?:[^"]|"")*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest))) parts.push((m[1] ?? '').replace(/""/g, '"'));
  const shown = kind === 'default-privileges'
    ? `for ${parts[0] || 'the migrating role'}${parts[1] ? ` in schema ${parts[1]}` : ''} on ${parts[2]}`
    : parts.filter((p) => p !== '').join('.');
  return `${kind.replace('-', ' ')} ${shown}${suffix}`;
}
