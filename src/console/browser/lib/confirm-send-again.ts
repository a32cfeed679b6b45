/**
 * "Send again" on a delivery that already succeeded asks first: the receiver answered 2xx, and
 * it gets the same webhook-id again, so it may rightly drop the copy as a duplicate.
 */
import { ask, byId } from './common';

/** Resolves true when the administrator confirms, false on Cancel (or Escape). */
export function confirmSendAgain(answer: string): Promise<boolean> {
  const dialog = byId('send-again-dialog', HTMLDialogElement);
  // The row's last answer ("HTTP 200"): the server judged it a success, so it is not judged again here.
  byId('send-again-answer', HTMLElement).textContent = answer.startsWith('HTTP ') ? answer : 'a 2xx status';
  return ask(dialog).then((answer) => answer === 'send');
}
