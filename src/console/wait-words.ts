/**
 * What the delivery log says about an open delivery instead of offering "Send again" (which the
 * API refuses while a delivery is scheduled): why it waits, in words. The table hands these to
 * its page script (a data attribute), so live updates say the same as the server did.
 */
import type { WaitReason } from '../domain/vocabulary';

export const WAIT_WORDS: Readonly<Record<WaitReason, string>> = {
  sending: 'Being sent now.',
  queued: 'Handed to the queue: it goes out in moments.',
  ordering: 'Waits for an earlier delivery of the same call to finish (per-call ordering).',
  retry: 'An attempt failed: it is retried when due.',
  scheduled: 'Waiting for its first send: the destination may be paused, paced or busy.',
};
