// The restore confirmation panel: the plan (backup, target with its environment's colour, what
// is replaced table by table, the steps, what is not atomic, warnings, open connections), a
// typed-name field on protected targets and a Restore button that stays disabled until the
// confirmation is complete; then the progress and the outcome.
// Invariants: data only from host messages, rendered as text nodes (dom.ts); the button state is a
// convenience — the host checks the same rule again (confirmationProblem) and the CLI checks the
// name a third time; the typed text is not saved in the panel state (only which restore it is).

import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { confirmationProblem, type RestorePanelInput, type RestorePanelStateMessage, type RestorePanelToHost, type RestorePanelToWebview } from '../../protocol/webviews/restore-confirm';
import type { RestorePlan, RestoreResult } from '../../protocol/restore';
import { connectToHost } from '../shared/host';
import { h, replaceChildren } from '../shared/dom';

interface SavedState {
  input: RestorePanelInput;
}

const host = connectToHost<RestorePanelToWebview, RestorePanelToHost, SavedState>();
const app = document.getElementById('app')!;

host.onMessage((m) => {
  if (m.type === 'error') {
    replaceChildren(app, h('h1', {}, 'Restore'), h('p', { class: 'error', role: 'alert' }, m.what), h('p', {}, m.why), h('p', { class: 'muted' }, m.fix));
    return;
  }
  host.saveState({ input: m.input });
  render(m);
});
host.post({ type: 'ready' });

function render(m: RestorePanelStateMessage): void {
  const { plan } = m;
  replaceChildren(app, header(plan), ...summary(plan), ...phaseView(m));
  if (m.phase === 'confirm') document.getElementById('typed-name')?.focus();
}

function header(plan: RestorePlan): HTMLElement {
  const t = plan.target;
  const badge = h('span', { class: 'env-badge', 'data-protected': t.protected ? 'true' : undefined }, t.environment, t.protected ? ' · protected' : '');
  if (t.color && /^(#[0-9a-f]{3,8}|[a-z]{3,20})$/i.test(t.color)) badge.style.setProperty('--env-color', t.color);
  return h('header', { class: 'title' },
    h('h1', {}, `Restore ${plan.backup.id}`),
    h('p', {}, 'into ', badge, ' ', h('code', {}, t.database), h('span', { class: 'muted' }, ` on ${t.server}`)),
  );
}

function summary(plan: RestorePlan): HTMLElement[] {
  const b = plan.backup;
  const t = plan.target;
  const out: HTMLElement[] = [
    h('section', { 'aria-label': 'Backup and target' }, h('table', {},
      row('Mode', plan.mode === 'full' ? 'Whole database (new copy, checked, then swapped in)' : plan.mode),
      row('Backup', `${b.environment}/${b.database} · created ${b.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} · ${bytes(b.size)}${b.encrypted ? ' · encrypted' : ''} · PostgreSQL ${b.serverVersion}`),
      row('Checked', b.checks.join('; ')),
      row('Target', t.exists ? `${t.database}: ${t.tables} tables${t.sizeBytes !== undefined ? `, ${bytes(t.sizeBytes)}` : ''} (PostgreSQL ${t.serverVersion})` : `${t.database} does not exist yet: it is created`),
      row('Pre-restore backup', `${plan.preRestoreBackup.taken ? 'Yes' : 'No'} — ${plan.preRestoreBackup.reason}`),
      row('Estimated time', duration(plan.estimatedMs)),
    )),
  ];
  const changed = plan.tables.filter((x) => x.action !== 'keep');
  if (changed.length) {
    out.push(h('h2', {}, 'Tables'), h('table', { class: 'tables' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Table'), h('th', {}, 'What happens'), h('th', { class: 'num' }, 'Rows now'), h('th', { class: 'num' }, 'Rows in backup'))),
      h('tbody', {}, ...changed.map((x) => h('tr', {},
        h('td', {}, h('code', {}, `${x.schema}.${x.name}`)),
        h('td', { class: x.action === 'remove' ? 'warn' : undefined }, ACTIONS[x.action] ?? x.action, ...(x.notes?.length ? [h('div', { class: 'muted' }, x.notes.join('; '))] : [])),
        h('td', { class: 'num' }, x.currentRows === undefined ? '—' : `~${x.currentRows.toLocaleString()}`),
        h('td', { class: 'num' }, x.backupRows === undefined ? '—' : `${x.backupRowsExact ? '' : '~'}${x.backupRows.toLocaleString()}`),
      ))),
    ));
  }
  out.push(h('h2', {}, 'Steps'), h('ol', {}, ...plan.steps.map((s) => h('li', {}, s))));
  if (plan.nonAtomic.length) out.push(h('h2', {}, 'Not atomic'), h('ul', {}, ...plan.nonAtomic.map((s) => h('li', {}, s))));
  if (plan.warnings.length) {
    out.push(h('h2', {}, 'Warnings'), h('ul', { class: 'warnings' },
      ...plan.warnings.map((w) => h('li', { class: 'warn' }, w)),
    ));
  }
  if (t.connections.length) {
    out.push(h('h2', {}, `Open connections to ${t.database} (${t.connections.length})`), h('table', {},
      ...t.connections.slice(0, 20).map((c) => h('tr', {}, h('td', {}, c.application || `pid ${c.pid}`), h('td', {}, c.user), h('td', { class: 'muted' }, c.client ?? ''), h('td', { class: 'muted' }, c.state ?? ''))),
    ));
  }
  return out;
}

const ACTIONS: Record<string, string> = {
  replace: 'replaced by the backup\'s',
  create: 'created from the backup',
  remove: 'gone (not in the backup; kept in the replaced database)',
  skip: 'skipped',
};

function phaseView(m: RestorePanelStateMessage): HTMLElement[] {
  switch (m.phase) {
    case 'confirm':
      return [confirmForm(m)];
    case 'running':
      return [h('section', { class: 'running', role: 'status' }, h('vscode-progress-ring', {}), h('span', {}, m.progress ?? 'Restoring…'))];
    case 'done':
      return [doneView(m.result!)];
    case 'cancelled':
      return [h('p', { class: 'muted', role: 'status' }, 'Not restored: nothing was changed.')];
    case 'failed':
      return [h('section', { class: 'failed', role: 'alert' }, h('h2', { class: 'error' }, m.error?.what ?? 'The restore failed'), h('p', {}, m.error?.why ?? ''), h('p', { class: 'muted' }, m.error?.fix ?? ''))];
  }
}

function confirmForm(m: RestorePanelStateMessage): HTMLElement {
  const plan = m.plan;
  const typedNeeded = plan.confirmation === 'typed-name';
  const needsAck = plan.target.connections.length > 0 && Boolean(plan.swap);
  const field = h('vscode-textfield', { id: 'typed-name', placeholder: plan.target.database, 'aria-label': `Type ${plan.target.database} to confirm` }) as HTMLElement & { value: string };
  const ack = h('vscode-checkbox', { id: 'close-connections', label: `Close the ${plan.target.connections.length} open connection(s) at the swap` }) as HTMLElement & { checked: boolean };
  const button = h('vscode-button', { id: 'restore', disabled: true }, typedNeeded ? `Restore into ${plan.target.environment}` : 'Restore') as HTMLElement & { disabled: boolean };
  const cancel = h('vscode-button', { id: 'cancel', secondary: true }, 'Cancel');
  const hint = h('p', { id: 'hint', class: 'muted', 'aria-live': 'polite' });
  const message = () => ({ type: 'confirm' as const, typedName: typedNeeded ? field.value ?? '' : plan.target.database, closeConnections: needsAck ? Boolean(ack.checked) : true });
  const update = () => {
    const problem = confirmationProblem(plan, message());
    button.disabled = problem !== undefined;
    replaceChildren(hint, problem ?? 'Ready: nothing changes until you press Restore.');
  };
  const submit = () => {
    if (confirmationProblem(plan, message()) === undefined) host.post(message());
  };
  field.addEventListener('input', update);
  field.addEventListener('keydown', (e: KeyboardEvent) => {
    if (e.key === 'Enter') submit();
  });
  ack.addEventListener('change', update);
  button.addEventListener('click', submit);
  cancel.addEventListener('click', () => host.post({ type: 'cancel' }));
  const form = h('section', { class: 'confirm', 'aria-label': 'Confirm the restore' },
    typedNeeded ? h('p', {}, `${plan.target.environment} is protected. Type the database name `, h('code', {}, plan.target.database), ' to restore into it.') : false,
    typedNeeded ? field : false,
    needsAck ? ack : false,
    m.rejected ? h('p', { class: 'error', role: 'alert' }, m.rejected) : false,
    hint,
    h('div', { class: 'buttons' }, button, cancel),
  );
  queueMicrotask(update);
  return form;
}

function doneView(r: RestoreResult): HTMLElement {
  const d = r.done!;
  return h('section', { class: 'done', role: 'status' },
    h('h2', { class: 'ok' }, `Restored in ${duration(d.durationMs)}: ${d.tablesRestored} tables, ${d.rowsRestored.toLocaleString()} rows`),
    h('ul', {}, ...d.checks.map((c) => h('li', {}, c))),
    d.preRestoreBackup ? h('p', {}, 'Pre-restore backup: ', h('code', {}, d.preRestoreBackup.id)) : false,
    d.oldDatabase ? h('p', {}, 'The replaced database is kept as ', h('code', {}, d.oldDatabase), ' — "Undo Last Restore" brings it back.') : false,
    h('p', { class: 'muted' }, 'Undo: ', h('code', {}, d.undo)),
    ...(d.warnings.length ? [h('ul', {}, ...d.warnings.map((w) => h('li', { class: 'warn' }, w)))] : []),
  );
}

function row(label: string, value: string): HTMLElement {
  return h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, value));
}

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 && i > 0 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
