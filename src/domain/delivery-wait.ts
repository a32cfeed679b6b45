/**
 * Why an open delivery is waiting, read from its row's scheduling columns, so the log can say
 * when it is due and why instead of offering actions that would be refused (a manual retry of
 * an open delivery answers 409). Finished deliveries wait for nothing.
 */
import type { DeliveryStatus, WaitReason } from './vocabulary';

export interface WaitState {
  status: DeliveryStatus;
  attemptCount: number;
  /** Set while a consumer holds the delivery (it is being sent). */
  leaseUntil: number | null;
  /** Set while a queue message may claim it. */
  dispatchToken: string | null;
  /** Per-call ordering: the earlier delivery of the same call it waits for. */
  waitingFor: string | null;
}

export function waitReason(d: WaitState): WaitReason | null {
  if (d.status !== 'pending' && d.status !== 'retrying') return null;
  if (d.leaseUntil !== null) return 'sending';
  if (d.dispatchToken !== null) return 'queued';
  if (d.waitingFor !== null) return 'ordering';
  return d.status === 'retrying' || d.attemptCount > 0 ? 'retry' : 'scheduled';
}
