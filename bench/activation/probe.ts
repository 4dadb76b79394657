// Runs inside a fresh extension host (loaded as the extensionTestsPath by bench/activation/run.ts):
// waits for the extension to activate by itself (workspaceContains:pglc.toml) and prints the
// duration its activate() measured around itself (PglcExtensionApi.activationMs) as one marked
// JSON line. Invariant: measures only; never fails the host for a slow number (run.ts judges).

/** The part of the extension's API read here (client/api.ts PglcExtensionApi.activationMs). */
interface ActivationApi {
  activationMs: number;
}

/** The part of the `vscode` API used here (the bench is type-checked without the editor's types). */
interface VsCode {
  extensions: { getExtension(id: string): { isActive: boolean; exports: ActivationApi } | undefined };
}

const EXTENSION_ID = 'postgres-lifecycle.postgres-lifecycle';
const MARKER = process.env.PGLC_EXTENSION_TEST_MARKER ?? '';

export async function run(): Promise<void> {
  const vscode = require('vscode') as VsCode;
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
  const deadline = Date.now() + 30_000;
  while (!ext.isActive) {
    if (Date.now() > deadline) throw new Error('the extension did not activate within 30 s');
    await new Promise((r) => setTimeout(r, 10)); // poll interval, bounded by the deadline
  }
  console.log(`${MARKER}${JSON.stringify({ activationMs: ext.exports.activationMs })}`);
}
