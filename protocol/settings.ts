// The typed shape of the extension's settings (package.json `contributes.configuration`, section
// `pglc`). Invariant: this file and the manifest declare the same keys with the same defaults
// (test/extension checks it); the client reads them per resource in one place
// (client/settings.ts). The active environment is NOT a setting: it is per-workspace state.
// Secrets never live in settings (passwords go to SecretStorage).

export const SETTINGS_SECTION = 'pglc';

export interface PglcSettings {
  /**
   * The `pglc` to run instead of the CLI bundled with the extension: a `.js`/`.cjs`/`.mjs` file
   * (run with the editor's Node) or an executable; relative paths are from the workspace folder.
   * Empty: the bundled one.
   */
  cliPath: string;
  /** Refresh the Migrations view (and CodeLens) when migration files change on disk. */
  refreshOnSave: boolean;
  /** The backup status bar item turns to the warning colour when the last backup is older than this (hours). */
  backupWarningHours: number;
  /** After each status read, compare the schema with the applied migrations and show drift in the Migrations view. */
  showDrift: boolean;
  /**
   * Read the active environment's table sizes and server version (`pglc db lint:facts`, one
   * catalog query) so schema lint in the editor rates findings by impact.
   */
  lintFacts: boolean;
}

export const DEFAULT_SETTINGS: Readonly<PglcSettings> = {
  cliPath: '',
  refreshOnSave: true,
  backupWarningHours: 26,
  showDrift: true,
  lintFacts: true,
};

/** The keys as VS Code spells them (`pglc.cliPath`, …). */
export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS).map((k) => `${SETTINGS_SECTION}.${k}`);
