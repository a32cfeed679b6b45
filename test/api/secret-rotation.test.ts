import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { openSecret } from '../../src/crypto/secret-box';
import { call, createAccount, createAutomation, expectError, OPERATOR, type TestAccount } from '../helpers';

const HOUR = 3_600_000;

const rotate = (account: TestAccount, id: string, body?: unknown) =>
  call(`/v1/automations/${id}/secret/rotate`, { method: 'POST', token: account.admin, body });

async function storedRow(id: string) {
  return (await env.DB.prepare('SELECT secret_ciphertext, previous_secrets FROM automations WHERE id = ?1').bind(id).first<{
    secret_ciphertext: string;
    previous_secrets: string;
  }>())!;
}

describe('POST /v1/automations/{id}/secret/rotate', () => {
  it('replaces the secret; the previous one stays valid for 24 hours by default and is listed by its expiry only', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const before = await call(`/v1/automations/${automation.id}`, { token: account.admin });
    expect(before.body.previous_secrets).toEqual([]);
    const original = await storedRow(automation.id);

    const start = Date.now();
    const rotated = await rotate(account, automation.id);
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(rotated.body).toEqual({
      signing_secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      previous_valid_until: expect.any(String),
      previous_secrets: [{ valid_until: rotated.body.previous_valid_until }],
    });
    expect(rotated.body.signing_secret).not.toBe(automation.signing_secret);
    const until = Date.parse(rotated.body.previous_valid_until);
    expect(until - start).toBeGreaterThanOrEqual(24 * HOUR);
    expect(until - Date.now()).toBeLessThanOrEqual(24 * HOUR);

    // GET …/secret returns the new one; the automation shows when the previous one stops, never its value.
    expect((await call(`/v1/automations/${automation.id}/secret`, { token: account.admin })).body).toEqual({ signing_secret: rotated.body.signing_secret });
    const after = await call(`/v1/automations/${automation.id}`, { token: account.admin });
    expect(after.body.previous_secrets).toEqual([{ valid_until: rotated.body.previous_valid_until }]);
    expect(JSON.stringify(after.body)).not.toContain(automation.signing_secret.slice('whsec_'.length));
    // A rotation is a change: the ETag moves on, and the response carries the new one.
    expect(after.headers.get('etag')).toBe(rotated.headers.get('etag'));
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));

    // At rest both are sealed, bound to the automation: the old ciphertext moved into previous_secrets.
    const stored = await storedRow(automation.id);
    expect(JSON.stringify(stored)).not.toContain(automation.signing_secret.slice('whsec_'.length));
    expect(JSON.stringify(stored)).not.toContain(rotated.body.signing_secret.slice('whsec_'.length));
    const previous = JSON.parse(stored.previous_secrets) as { ciphertext: string; valid_until: number }[];
    expect(previous).toEqual([{ ciphertext: original.secret_ciphertext, valid_until: until }]);
    expect(await openSecret(env.SECRETS_KEY!, previous[0]!.ciphertext, automation.id)).toBe(automation.signing_secret);
    await expect(openSecret(env.SECRETS_KEY!, previous[0]!.ciphertext, 'aut_other')).rejects.toThrow();
    expect(await openSecret(env.SECRETS_KEY!, stored.secret_ciphertext, automation.id)).toBe(rotated.body.signing_secret);
  });

  it('takes the overlap in whole hours from 0 (the previous one stops at once) to 168', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const start = Date.now();
    const now = await rotate(account, automation.id, { previous_valid_for_hours: 0 });
    expect(now.status).toBe(200);
    expect(Date.parse(now.body.previous_valid_until)).toBeGreaterThanOrEqual(start);
    expect(Date.parse(now.body.previous_valid_until)).toBeLessThanOrEqual(Date.now());
    expect(now.body.previous_secrets).toEqual([]);
    expect(JSON.parse((await storedRow(automation.id)).previous_secrets)).toEqual([]);
    expect((await call(`/v1/automations/${automation.id}`, { token: account.admin })).body.previous_secrets).toEqual([]);

    const week = await rotate(account, automation.id, { previous_valid_for_hours: 168 });
    expect(Date.parse(week.body.previous_valid_until) - start).toBeGreaterThanOrEqual(168 * HOUR);
    expect(Date.parse(week.body.previous_valid_until) - Date.now()).toBeLessThanOrEqual(168 * HOUR);
    const hour = await rotate(account, automation.id, { previous_valid_for_hours: 1 });
    // Most recently rotated out first.
    expect(hour.body.previous_secrets).toEqual([{ valid_until: hour.body.previous_valid_until }, { valid_until: week.body.previous_valid_until }]);
  });

  it('keeps at most 3 previous secrets: a fourth rotation drops the one rotated out longest ago', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const outgoing: string[] = [];
    const answers = [];
    for (let i = 0; i < 4; i++) {
      outgoing.push((await storedRow(automation.id)).secret_ciphertext);
      answers.push(await rotate(account, automation.id, { previous_valid_for_hours: 168 - i }));
    }
    expect(answers[2]!.body.previous_secrets).toHaveLength(3);
    expect(answers[3]!.body.previous_secrets).toEqual([answers[3], answers[2], answers[1]].map((a) => ({ valid_until: a!.body.previous_valid_until })));
    const stored = JSON.parse((await storedRow(automation.id)).previous_secrets) as { ciphertext: string }[];
    expect(stored.map((s) => s.ciphertext)).toEqual([outgoing[3], outgoing[2], outgoing[1]]);
  });

  it('forgets previous secrets that have expired when it rotates again', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const first = await rotate(account, automation.id, { previous_valid_for_hours: 1 });
    // An hour and a second later (the Worker's clock moved, not the stored expiry).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.parse(first.body.previous_valid_until) + 1_000);
      expect((await call(`/v1/automations/${automation.id}`, { token: account.admin })).body.previous_secrets).toEqual([]);
      const again = await rotate(account, automation.id, { previous_valid_for_hours: 2 });
      expect(again.body.previous_secrets).toEqual([{ valid_until: again.body.previous_valid_until }]);
      expect(JSON.parse((await storedRow(automation.id)).previous_secrets)).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    ['a negative overlap', { previous_valid_for_hours: -1 }, 'previous_valid_for_hours'],
    ['an overlap over 168 hours', { previous_valid_for_hours: 169 }, 'previous_valid_for_hours'],
    ['a fractional overlap', { previous_valid_for_hours: 1.5 }, 'previous_valid_for_hours'],
    ['an overlap as a string', { previous_valid_for_hours: '24' }, 'previous_valid_for_hours'],
    ['a null overlap', { previous_valid_for_hours: null }, 'previous_valid_for_hours'],
    ['an unknown field', { previous_valid_for_hours: 24, keep_old: true }, '(body)', /keep_old/],
    ['an array body', [24], '(body)', /object/],
  ])('refuses %s with 422 and changes nothing', async (_label, body, path, message = /./) => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const before = await storedRow(automation.id);
    const error = expectError(await rotate(account, automation.id, body), 422, 'validation_failed');
    expect(error.details).toContainEqual({ path, message: expect.stringMatching(message) });
    expect(await storedRow(automation.id)).toEqual(before);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const result = await call(`/v1/automations/${automation.id}/secret/rotate`, { token: account.admin, rawBody: '{"previous_valid_for_hours": ' });
    expectError(result, 400, 'invalid_json');
  });

  it('is 404 for another account’s automation and for unknown ids, 403 for events keys, 401 without a key', async () => {
    const account = await createAccount();
    const other = await createAccount();
    const automation = await createAutomation(account);
    const before = await storedRow(automation.id);
    expectError(await rotate(other, automation.id, {}), 404, 'not_found');
    expectError(await rotate(account, 'aut_missing', {}), 404, 'not_found');
    expectError(await call(`/v1/automations/${automation.id}/secret/rotate`, { token: account.events, body: {} }), 403, 'forbidden');
    expectError(await call(`/v1/automations/${automation.id}/secret/rotate`, { token: null, body: {} }), 401, 'unauthorized');
    expect(await storedRow(automation.id)).toEqual(before);
  });

  it('is 403 integration_disabled while the integration is off', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const before = await storedRow(automation.id);
    expect((await call(`/v1/accounts/${account.id}/http-notifier`, { method: 'PUT', token: OPERATOR, body: { enabled: false } })).status).toBe(200);
    expectError(await rotate(account, automation.id, {}), 403, 'integration_disabled');
    expect(await storedRow(automation.id)).toEqual(before);
  });

  it('two rotations at once both succeed, one after the other: the first’s new secret is the second’s previous one', async () => {
    const account = await createAccount();
    const automation = await createAutomation(account);
    const [a, b] = await Promise.all([rotate(account, automation.id, {}), rotate(account, automation.id, {})]);
    expect([a!.status, b!.status]).toEqual([200, 200]);
    const stored = await storedRow(automation.id);
    const current = await openSecret(env.SECRETS_KEY!, stored.secret_ciphertext, automation.id);
    const previous = await Promise.all(
      (JSON.parse(stored.previous_secrets) as { ciphertext: string }[]).map((s) => openSecret(env.SECRETS_KEY!, s.ciphertext, automation.id)),
    );
    const [winner, loser] = current === a!.body.signing_secret ? [a!, b!] : [b!, a!];
    expect(current).toBe(winner.body.signing_secret);
    expect(previous).toEqual([loser.body.signing_secret, automation.signing_secret]);
  });
});
