// The ids of the "Postgres Lifecycle" activity-bar container and its views.
// Invariant: these strings equal the ids in package.json `contributes.viewsContainers` / `views`
// (test/extension checks both agree).

export const VIEW_CONTAINER_ID = 'pglc';

export const VIEW_IDS = {
  migrations: 'pglc.migrations',
  environments: 'pglc.environments',
  backups: 'pglc.backups',
  branches: 'pglc.branches',
} as const;

export type ViewName = keyof typeof VIEW_IDS;
