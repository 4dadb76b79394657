// Messages of the restore confirmation panel. Invariant: the panel only asks; the host decides —
// it checks the typed database name and the connections acknowledgement again, and the CLI
// checks the name a third time (--confirm).

import type { RestorePlan, RestoreResult } from '../restore';
import type { WebviewErrorMessage, WebviewReadyMessage } from '../webview';

/** What the panel shows: the plan to confirm, the run in progress, or how it ended. */
export type RestorePanelPhase = 'confirm' | 'running' | 'done' | 'failed' | 'cancelled';

export interface RestorePanelStateMessage {
  type: 'state';
  phase: RestorePanelPhase;
  /** Saved by the panel, so a reloaded panel can ask the host for a fresh plan. */
  input: RestorePanelInput;
  plan: RestorePlan;
  /** running: the CLI's latest progress line. */
  progress?: string;
  result?: RestoreResult;
  error?: { what: string; why: string; fix: string };
  /** confirm: why the last confirmation was not accepted (the host's own check). */
  rejected?: string;
}

export type RestorePanelToWebview = RestorePanelStateMessage | WebviewErrorMessage;

export interface RestoreConfirmMessage {
  type: 'confirm';
  /** The database name as typed (required on protected targets). */
  typedName: string;
  /** The user agreed that open sessions of the target are closed at the swap. */
  closeConnections: boolean;
}

export interface RestoreCancelMessage {
  type: 'cancel';
}

export type RestorePanelToHost = WebviewReadyMessage | RestoreConfirmMessage | RestoreCancelMessage;

/** What the panel saves to come back after a reload: which restore it was about. */
export interface RestorePanelInput {
  backupId: string;
  environment: string;
  /** Extra pglc arguments of the restore (e.g. --table …). */
  args: string[];
}

/**
 * The host's check of a confirmation: undefined when it may run, else why not.
 * @example confirmationProblem(plan, { type: 'confirm', typedName: 'shop', closeConnections: true })
 */
export function confirmationProblem(plan: RestorePlan, m: RestoreConfirmMessage): string | undefined {
  if (plan.confirmation === 'typed-name' && m.typedName !== plan.target.database) {
    return `Type the database name exactly (${plan.target.database}) to restore into protected ${plan.target.environment}.`;
  }
  if (plan.target.connections.length > 0 && plan.swap && !m.closeConnections) {
    return `${plan.target.connections.length} session(s) are connected to ${plan.target.database}: agree that they are closed at the swap.`;
  }
  return undefined;
}
