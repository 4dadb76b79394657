// Environment passwords in VS Code's SecretStorage (never in settings, files or logs), and how
// they reach the CLI: as PGLC_PASSWORD_<ENV> in the child's environment.
// Invariant: a password is only ever read to build a child process's environment; nothing here
// returns it for display.

import type * as vscode from 'vscode';

/** SecretStorage key of an environment's password. */
export function passwordKey(envName: string): string {
  return `pglc.password.${envName}`;
}

/**
 * The variable the CLI reads a password from (core/config/resolve-environment.ts): upper-case,
 * every non-alphanumeric character as `_`.
 * @example passwordVariable('prod-eu') === 'PGLC_PASSWORD_PROD_EU'
 */
export function passwordVariable(envName: string): string {
  return `PGLC_PASSWORD_${envName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** PGLC_PASSWORD_<ENV> for each of `envNames` that has a stored password. */
export async function passwordEnvironment(secrets: vscode.SecretStorage, envNames: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(
    envNames.map(async (name) => {
      const value = await secrets.get(passwordKey(name));
      if (value) out[passwordVariable(name)] = value;
    }),
  );
  return out;
}

export async function hasPassword(secrets: vscode.SecretStorage, envName: string): Promise<boolean> {
  return Boolean(await secrets.get(passwordKey(envName)));
}
