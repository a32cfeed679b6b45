/** A small client for the Worker's API over one keep-alive agent (low, steady overhead for timing). */
import http from 'node:http';
import { SAMPLE_BODY, TRIGGER } from './fixtures.mjs';
import { OPERATOR_TOKEN } from './runtime.mjs';

export function createApi(baseUrl) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const { hostname, port } = new URL(baseUrl);

  function request(method, path, token, body) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      const req = http.request({ agent, hostname, port, method, path, headers }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode, body: text ? JSON.parse(text) : null });
        });
        res.on('error', reject);
      });
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  async function expectStatus(promise, status, what) {
    const result = await promise;
    if (result.status !== status) throw new Error(`${what}: expected ${status}, got ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  const createdAccounts = [];
  return {
    request,
    /** Ids of the accounts created through this client, in order. */
    createdAccounts,
    /** An account with HTTP Notifier on, and its admin and events keys. */
    async createAccount(id) {
      await expectStatus(request('POST', '/v1/accounts', OPERATOR_TOKEN, { id, name: `Bench ${id}` }), 201, 'create account');
      await expectStatus(request('PUT', `/v1/accounts/${id}/http-notifier`, OPERATOR_TOKEN, { enabled: true }), 200, 'enable');
      const admin = await expectStatus(request('POST', `/v1/accounts/${id}/api-keys`, OPERATOR_TOKEN, { role: 'admin' }), 201, 'admin key');
      const events = await expectStatus(request('POST', `/v1/accounts/${id}/api-keys`, OPERATOR_TOKEN, { role: 'events' }), 201, 'events key');
      createdAccounts.push(id);
      return { id, admin: admin.key, events: events.key };
    },
    /** `options`: other automation fields, e.g. `max_concurrency`. */
    async createAutomation(account, url, body = SAMPLE_BODY, options = {}) {
      return expectStatus(
        request('POST', '/v1/automations', account.admin, { name: 'bench', trigger: TRIGGER, url, format: 'json', body, ...options }),
        201,
        'create automation',
      );
    },
    /** Deleting an automation cancels its waiting deliveries (the account object is told at once). */
    async deleteAutomation(account, id) {
      return expectStatus(request('DELETE', `/v1/automations/${id}`, account.admin), 204, 'delete automation');
    },
    /** Turns an automation on or off (off: events still match its trigger, nothing is delivered). */
    async setAutomationEnabled(account, id, enabled) {
      return expectStatus(request('PATCH', `/v1/automations/${id}`, account.admin, { enabled }), 200, 'turn automation on or off');
    },
    /** Spreads the account's data plane over `partitions` account objects (operator; raise only). */
    async setPartitions(accountId, partitions) {
      return expectStatus(request('PATCH', `/v1/accounts/${accountId}`, OPERATOR_TOKEN, { partitions }), 200, 'set partitions');
    },
    /** Posts events of the trigger with these data as one batch (`POST /v1/events/batch`); throws unless each was accepted. */
    async postBatch(account, dataList) {
      const events = dataList.map((data) => ({ type: TRIGGER, data }));
      const body = await expectStatus(request('POST', '/v1/events/batch', account.events, { events }), 200, 'post batch');
      const refused = body.results.filter((r) => r.status !== 'accepted');
      if (refused.length > 0) throw new Error(`batch: ${refused.length} of ${events.length} not accepted, e.g. ${JSON.stringify(refused[0])}`);
      return body.results;
    },
    /** Posts an event; returns the status, the response and the latency in ms. */
    async postEvent(account, data) {
      const started = performance.now();
      const result = await request('POST', '/v1/events', account.events, { type: TRIGGER, data });
      return { ...result, started, latencyMs: performance.now() - started };
    },
    close: () => agent.destroy(),
  };
}
