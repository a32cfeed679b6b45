/**
 * Auth to the destination and the CloudEvents envelope, as a real receiver and a real token
 * endpoint (test/global-setup.ts) see them: Basic and Bearer headers as received, the token
 * endpoint's form POST, the token kept in the account object for every consumer until 60 s
 * before it expires (moved with the object's clock), a 401 answered with a new token and the
 * attempt sent again at once, token endpoint failures, and the ce-* headers.
 */
import { env } from 'cloudflare:workers';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { call, createAccount, createAutomation, postEvent, sinkRequests, sinkUrl, unique, waitForDelivery, waitForSink, type TestAccount } from '../helpers';
import { attempts, deliver, manualClock, row, seedDeliveries } from './support';

const BODY = '{"call": "{{call_id}}", "agent": "{{agent_id}}"}';
const CLIENT = { client_id: 'client 7', client_secret: 'oauth-s3cret:value', scope: 'hooks.write' };

const tokenUrl = (bucket: string, query = '') => `${env.SINK_URL}/token/${bucket}${query ? `?${query}` : ''}`;
const tokenRequests = async (bucket: string) => (await sinkRequests(bucket)).filter((r) => r.path.startsWith('/token/'));
const hookRequests = async (bucket: string) => (await sinkRequests(bucket)).filter((r) => r.path.startsWith('/hook/'));

async function oauthAutomation(account: TestAccount, tokenBucket: string, hookBucket: string, tokenQuery = '', hookQuery = '') {
  return createAutomation(account, {
    url: sinkUrl(hookBucket, hookQuery), body: BODY,
    auth: { type: 'oauth2_client_credentials', token_url: tokenUrl(tokenBucket, tokenQuery), ...CLIENT },
  });
}

/** One delivery, as its own consumer batch; resolves once its attempt is reported. */
async function deliverOne(account: TestAccount, data: Record<string, unknown> = { call_id: 'CA1', agent_id: 'AG1' }) {
  const [id] = await seedDeliveries(account, data);
  await deliver([id!]);
  return id!;
}

async function shownAttempts(account: TestAccount, id: string) {
  return (await call(`/v1/deliveries/${id}`, { token: account.admin })).body.attempts as {
    status_code: number | null; error: string | null; request: { headers: Record<string, string> } | null;
  }[];
}

describe('auth to the destination', () => {
  it('Basic: the receiver gets Authorization: Basic of user:password; the stored request shows it masked', async () => {
    const account = await createAccount();
    const bucket = unique('basic');
    await createAutomation(account, { url: sinkUrl(bucket), body: BODY, auth: { type: 'basic', username: 'hooks', password: 'pässword:1' } });
    const id = await deliverOne(account);
    const [received] = await waitForSink(bucket);
    const expected = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode('hooks:pässword:1')))}`;
    expect(received!.headers.authorization).toBe(expected);
    const [attempt] = await shownAttempts(account, id);
    expect(attempt!.status_code).toBe(200);
    expect(attempt!.request!.headers.authorization).toBe('Basic ********');
    expect(JSON.stringify(attempt)).not.toContain(expected.slice(6));
  });

  it('OAuth2: a form POST with the client credentials; the token goes as Bearer and is kept for every consumer until 60 s before it expires', async () => {
    const account = await createAccount();
    const clock = await manualClock(account.id);
    const tokens = unique('tokens');
    const hooks = unique('hooks');
    await oauthAutomation(account, tokens, hooks, 'expires_in=600');

    const first = await deliverOne(account);
    const [asked] = await tokenRequests(tokens);
    expect(asked!.method).toBe('POST');
    expect(asked!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    // RFC 6749 §2.3.1: id and secret form-encoded, then HTTP Basic.
    expect(asked!.headers.authorization).toBe(`Basic ${btoa('client+7:oauth-s3cret%3Avalue')}`);
    expect(Object.fromEntries(new URLSearchParams(asked!.body))).toEqual({ grant_type: 'client_credentials', scope: 'hooks.write' });
    const [received] = await waitForSink(hooks);
    expect(received!.path.startsWith('/hook/')).toBe(true);
    expect(received!.headers.authorization).toBe(`Bearer tok-${tokens}-1`);
    expect((await shownAttempts(account, first))[0]!.request!.headers.authorization).toBe('Bearer ********');

    // Other consumer batches use the kept token, until 60 s before expires_in by the object's clock.
    await deliverOne(account);
    clock.advance(600_000 - 61_000);
    await deliverOne(account);
    expect(await tokenRequests(tokens)).toHaveLength(1);
    clock.advance(2_000);
    await deliverOne(account);
    expect(await tokenRequests(tokens)).toHaveLength(2);
    expect((await hookRequests(hooks)).map((r) => r.headers.authorization)).toEqual([
      `Bearer tok-${tokens}-1`, `Bearer tok-${tokens}-1`, `Bearer tok-${tokens}-1`, `Bearer tok-${tokens}-2`,
    ]);
  });

  it('OAuth2: a 401 for the kept token gets a new one and sends the attempt again at once, once', async () => {
    const account = await createAccount();
    const tokens = unique('tokens');
    const hooks = unique('hooks');
    const automation = await oauthAutomation(account, tokens, hooks);
    await deliverOne(account);
    // The receiver now refuses that token, as after a revocation.
    const patched = await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { url: sinkUrl(hooks, `reject_token=tok-${tokens}-1`) } });
    expect(patched.status).toBe(200);
    const id = await deliverOne(account);
    const sent = (await hookRequests(hooks)).slice(1);
    expect(sent.map((r) => r.headers.authorization)).toEqual([`Bearer tok-${tokens}-1`, `Bearer tok-${tokens}-2`]);
    expect(sent[0]!.headers['webhook-id']).toBe(id);
    expect(sent[1]!.headers['webhook-id']).toBe(id);
    // One attempt, which succeeded with the new token.
    expect(await row(id, account.id)).toMatchObject({ status: 'succeeded', attempt_count: 1 });
    expect((await attempts(id, account.id)).map((a) => a.status_code)).toEqual([200]);
    expect(await tokenRequests(tokens)).toHaveLength(2);

    // Once only: a receiver refusing every token fails the attempt with its 401 after one new token.
    const refused = await call(`/v1/automations/${automation.id}`, { method: 'PATCH', token: account.admin, body: { url: sinkUrl(unique('h'), 'status=401') } });
    expect(refused.status).toBe(200);
    const failing = await deliverOne(account);
    expect(await row(failing, account.id)).toMatchObject({ status: 'retrying', last_status_code: 401 });
    expect(await tokenRequests(tokens)).toHaveLength(3);
  });

  it('a failing token endpoint fails the attempt, naming it and its answer; nothing reaches the target; retried on schedule', async () => {
    const account = await createAccount();
    const hooks = unique('hooks');
    const cases: [string, RegExp][] = [
      ['answer=%3Chtml%3Eoops%3C%2Fhtml%3E', /answered 200 with a body that is not JSON: "<html>oops<\/html>"/],
      ['answer=%7B%22token_type%22%3A%22Bearer%22%7D', /answered 200 without a usable access_token/],
      ['status=401&answer=%7B%22error%22%3A%22invalid_client%22%7D', /answered 401: "\{\\"error\\":\\"invalid_client\\"\}"/],
      ['body_size=70000', /answered 200 with a body over 64 KiB/],
      ['delay_ms=2500', /timed out after 1500 ms/],
    ];
    for (const [query, problem] of cases) {
      const tokens = unique('tokens');
      const automation = await oauthAutomation(account, tokens, hooks, query);
      const id = await deliverOne(account);
      const stored = await row(id, account.id);
      expect(stored, query).toMatchObject({ status: 'retrying', last_status_code: null });
      expect(stored!.next_attempt_at).not.toBeNull();
      expect(stored!.last_error).toContain(`token endpoint ${env.SINK_URL}/token/${tokens}`);
      expect(stored!.last_error).toMatch(problem);
      expect((await shownAttempts(account, id))[0]!.request).toBeNull();
      expect(await tokenRequests(tokens)).toHaveLength(1);
      await call(`/v1/automations/${automation.id}`, { method: 'DELETE', token: account.admin });
    }
    expect(await hookRequests(hooks)).toEqual([]);
  });
});

describe('the CloudEvents envelope', () => {
  it('adds the ce-* headers of the binary mode; body, Standard Webhooks headers and signature stay', async () => {
    const account = await createAccount();
    const bucket = unique('ce');
    const automation = await createAutomation(account, { url: sinkUrl(bucket), body: BODY, envelope: 'cloudevents', headers: { 'x-tenant': 'acme' } });
    const occurred = '2031-05-04T10:11:12.345Z';
    const posted = await postEvent(account, { type: 'inbound_call_ended', occurred_at: occurred, data: { call_id: 'CA77', agent_id: 'AG3' } });
    expect(posted.status).toBe(202);
    const [received] = await waitForSink(bucket);
    const h = received!.headers;
    expect(h).toMatchObject({
      'ce-specversion': '1.0',
      'ce-id': h['webhook-id'],
      'ce-type': 'com.http-notifier.inbound_call_ended',
      'ce-source': `/accounts/${account.id}`,
      'ce-time': occurred,
      'ce-subject': 'CA77',
      'content-type': 'application/json',
      'x-tenant': 'acme',
    });
    expect(JSON.parse(received!.body)).toEqual({ call: 'CA77', agent: 'AG3' });
    expect(() => new Webhook(automation.signing_secret).verify(received!.body, h)).not.toThrow();
    const list = await call(`/v1/deliveries?automation_id=${automation.id}`, { token: account.admin });
    await waitForDelivery(account, list.body.data[0].id, ['succeeded']);

    // Without the envelope: no ce-* header.
    const plain = unique('plain');
    await createAutomation(account, { url: sinkUrl(plain), body: BODY, trigger: 'inbound_call_ended' });
    await postEvent(account, { type: 'inbound_call_ended', data: { call_id: 'CA78' } });
    const [other] = await waitForSink(plain);
    expect(Object.keys(other!.headers).filter((name) => name.startsWith('ce-'))).toEqual([]);
  });
});
