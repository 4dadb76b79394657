// The extension's settings: the manifest declares exactly the keys and defaults of
// protocol/settings.ts, and VS Code hands them to the extension with those defaults.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEFAULT_SETTINGS, SETTINGS_SECTION, SETTING_KEYS } from '../../protocol/settings';
import { extension } from './helpers';

interface Manifest {
  contributes: { configuration: { properties: Record<string, { default: unknown }> } };
}

describe('settings', () => {
  it('the manifest declares the keys and defaults of protocol/settings.ts', () => {
    const props = (extension().packageJSON as Manifest).contributes.configuration.properties;
    assert.deepEqual(Object.keys(props).sort(), [...SETTING_KEYS].sort());
    for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) assert.deepEqual(props[`${SETTINGS_SECTION}.${key}`]?.default, value, key);
  });

  it('VS Code reads them with those defaults', () => {
    const c = vscode.workspace.getConfiguration(SETTINGS_SECTION, vscode.workspace.workspaceFolders?.[0]?.uri);
    for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) assert.deepEqual(c.get(key), value, key);
  });
});
