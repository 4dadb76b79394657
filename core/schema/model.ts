// The schema model's types live in protocol/schema-model.ts (they cross process boundaries:
// `pglc schema show --json`, the ER diagram webview); this module re-exports them for core and
// adds what only core needs.

import type { SchemaModel } from '../../protocol/schema-model';

export type * from '../../protocol/schema-model';

/** A model with nothing in it (what an empty database looks like before `public`). */
export function emptyModel(): SchemaModel {
  return {
    format: 1,
    privileges: true,
    owners: false,
    schemas: [],
    extensions: [],
    types: [],
    sequences: [],
    tables: [],
    views: [],
    indexes: [],
    functions: [],
    triggers: [],
    policies: [],
    defaultPrivileges: [],
    dependencies: {},
  };
}
