/**
 * What turning a task off does to its deliveries, said before and after (the settings page's
 * switch and the editor's "On" box). The API cancels, as the task is turned off, every
 * delivery of it still waiting to be sent or retried (src/plane/account-plane.ts,
 * automationsChanged); one being sent at that moment finishes its attempt and is not retried.
 * Test sends are left alone. Cancelled deliveries stay in the log and can be sent again once
 * the task is back on.
 */
import type { Stats } from '../../../http/schemas';
import { api, el, type Children } from './common';

/** How many of the task's deliveries wait to be sent or retried; null when that cannot be read. */
export async function waitingCount(automationId: string): Promise<number | null> {
  const result = await api<Stats>('GET', '/v1/automations/' + encodeURIComponent(automationId) + '/stats');
  return result.ok ? result.data.counts.open : null;
}

const deliveries = (n: number) => (n === 1 ? '1 delivery' : n + ' deliveries');

/** The warning before turning off: "3 deliveries waiting to be sent or retried will be cancelled." */
export function waitingWarning(count: number | null): string {
  if (count === null) return 'Deliveries waiting to be sent or retried will be cancelled.';
  return deliveries(count) + ' waiting to be sent or retried will be cancelled.';
}

/** The rest of what turning off means, beside the warning. */
export const TURN_OFF_DETAILS =
  'A delivery being sent at this moment finishes that attempt and is not retried. Cancelled deliveries stay in the ' +
  'delivery log; once the task is on again, “Send again” sends one.';

/**
 * What happened, from the counts before and after: the difference was cancelled; what is
 * still open was being sent at that moment.
 */
export function turnedOffReport(automationId: string, before: number | null, after: number | null): Children {
  if (before === null || after === null) return ['Turned off. Deliveries that were waiting to be sent or retried are cancelled.'];
  const cancelled = Math.max(0, before - after);
  if (cancelled === 0 && after === 0) return ['Turned off. Nothing was waiting to be sent.'];
  const said = ['Turned off.'];
  if (cancelled > 0) said.push((cancelled === 1 ? '1 waiting delivery was' : cancelled + ' waiting deliveries were') + ' cancelled.');
  if (after > 0) {
    said.push((after === 1 ? '1 delivery being sent at that moment finishes its attempt and is'
      : after + ' deliveries being sent at that moment finish their attempt and are') + ' not retried.');
  }
  const log = '/console/deliveries?automation=' + encodeURIComponent(automationId) + '&status=cancelled';
  return [said.join(' '), cancelled > 0 && [' ', el('a', { href: log }, 'Show cancelled deliveries')]];
}

/**
 * The editor's "On" box: unticking it on a saved task that is on says, beside the box, what
 * saving will cancel. `turningOff()` tells the save whether it turns the task off.
 */
export function watchOnBox(automationId: string, box: HTMLInputElement, note: HTMLElement): { turningOff(): boolean; saved(enabled: boolean): void } {
  let savedOn = box.checked;
  const turningOff = () => savedOn && !box.checked;
  box.addEventListener('change', async () => {
    note.textContent = '';
    if (!turningOff()) return;
    const waiting = await waitingCount(automationId);
    // With nothing waiting, turning off cancels nothing: there is nothing to warn of.
    if (turningOff() && waiting !== 0) note.textContent = 'Saving turns this task off. ' + waitingWarning(waiting) + ' ' + TURN_OFF_DETAILS;
  });
  return {
    turningOff,
    saved(enabled) { savedOn = enabled; note.textContent = ''; },
  };
}
