// Reads the extension's settings (shape and defaults in protocol/settings.ts), per resource, in
// one place. Invariant: nothing else in client/ calls getConfiguration('pglc').

import * as vscode from 'vscode';
import { DEFAULT_SETTINGS, SETTINGS_SECTION, type PglcSettings } from '../protocol/settings';

export function readSettings(resource?: vscode.Uri): PglcSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION, resource);
  return {
    cliPath: (c.get<string>('cliPath') ?? DEFAULT_SETTINGS.cliPath).trim(),
    refreshOnSave: c.get<boolean>('refreshOnSave') ?? DEFAULT_SETTINGS.refreshOnSave,
    backupWarningHours: c.get<number>('backupWarningHours') ?? DEFAULT_SETTINGS.backupWarningHours,
    showDrift: c.get<boolean>('showDrift') ?? DEFAULT_SETTINGS.showDrift,
    lintFacts: c.get<boolean>('lintFacts') ?? DEFAULT_SETTINGS.lintFacts,
  };
}
