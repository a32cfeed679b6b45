#!/usr/bin/env node
/**
 * `npm run demo`: a signed, verified webhook within a minute of cloning.
 *
 * Needs `npm start` (the service on :8787) and `npm run receiver` (the local receiver on
 * :8788) running. As the operator (OPERATOR_TOKEN from .dev.vars) it creates the account
 * "demo" with an admin and an events key and switches HTTP Notifier on; as the admin it makes
 * sure an "An inbound call ends" automation posts the product's sample body to the receiver;
 * then it fires sample events and prints where to look. Safe to run again: it reuses the
 * account and the automation, and makes fresh keys and events.
 *
 * Other addresses: NOTIFIER_URL=http://... RECEIVER_URL=http://... npm run demo
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Node 24 runs the TypeScript module directly (type stripping): one copy of the sample body.
import { SAMPLE_BODY } from '../src/catalog/sample-body.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NOTIFIER = (process.env.NOTIFIER_URL ?? 'http://127.0.0.1:8787').replace(/\/$/, '');
const RECEIVER = (process.env.RECEIVER_URL ?? 'http://127.0.0.1:8788').replace(/\/$/, '');
const ACCOUNT_ID = 'demo';
const TRIGGER = 'inbound_call_ended';
const HOOK_URL = `${RECEIVER}/webhooks/demo`;
const EVENT_COUNT = 3;



function fail(message) {
  console.error(`\n✗ ${message}`);
  process.exit(1);
}

/** OPERATOR_TOKEN from the environment, else .dev.vars (which `npm start` creates), else its example. */
function operatorToken() {
  if (process.env.OPERATOR_TOKEN) return process.env.OPERATOR_TOKEN;
  for (const name of ['.dev.vars', '.dev.vars.example']) {
    const file = join(root, name);
    if (!existsSync(file)) continue;
    const line = readFileSync(file, 'utf8').split(/\r?\n/).find((l) => /^\s*OPERATOR_TOKEN\s*=/.test(l));
    if (line) return line.slice(line.indexOf('=') + 1).trim().replace(/^["']|["']$/g, '');
  }
  fail('No OPERATOR_TOKEN: set it in .dev.vars (npm start creates one) or in the environment.');
}

async function api(method, path, token, body) {
  let response;
  try {
    response = await fetch(`${NOTIFIER}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    fail(`Cannot reach HTTP Notifier at ${NOTIFIER}. Start it with "npm start".`);
  }
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

function expectStatus(result, statuses, what) {
  if (!statuses.includes(result.status)) fail(`${what}: HTTP ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

async function ensureRunning(url, name, command) {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3000) });
    if (response.ok) return;
  } catch {
    // reported below
  }
  fail(`${name} is not answering at ${url}. Start it in another terminal with "${command}", then run "npm run demo" again.`);
}

async function setUpAccount(operator) {
  const created = await api('POST', '/v1/accounts', operator, { id: ACCOUNT_ID, name: 'Demo contact center' });
  if (created.status === 401) fail('The operator token was refused: is .dev.vars the one `npm start` is using?');
  expectStatus(created, [201, 409], 'Creating the demo account');
  expectStatus(await api('PUT', `/v1/accounts/${ACCOUNT_ID}/http-notifier`, operator, { enabled: true }), [200], 'Enabling HTTP Notifier');
  const newKey = async (role) =>
    expectStatus(await api('POST', `/v1/accounts/${ACCOUNT_ID}/api-keys`, operator, { role, name: `npm run demo (${role})` }), [201], `Creating the ${role} key`).key;
  return { admin: await newKey('admin'), events: await newKey('events') };
}

/** The demo automation: reused (switched on, sample body restored) when it already exists. */
async function setUpAutomation(admin) {
  const list = expectStatus(await api('GET', `/v1/automations?trigger=${TRIGGER}&limit=200`, admin), [200], 'Listing automations');
  const existing = list.data.find((automation) => automation.url === HOOK_URL);
  const fields = { name: 'Demo: call summary to the local receiver', format: 'json', body: SAMPLE_BODY, enabled: true };
  const result = existing
    ? await api('PATCH', `/v1/automations/${existing.id}`, admin, fields)
    : await api('POST', '/v1/automations', admin, { ...fields, trigger: TRIGGER, url: HOOK_URL });
  if (result.status === 422 && result.body.error.details.some((d) => d.path === 'url')) {
    fail(`The receiver URL was refused (${result.body.error.details[0].message}). Local targets need ALLOW_LOOPBACK_TARGETS=true in .dev.vars.`);
  }
  const automation = expectStatus(result, [200, 201], 'Saving the demo automation');
  const { signing_secret } = expectStatus(await api('GET', `/v1/automations/${automation.id}/secret`, admin), [200], 'Reading the signing secret');
  return { id: automation.id, secret: signing_secret, reused: Boolean(existing) };
}

async function fireEvents(keys) {
  const triggers = expectStatus(await api('GET', '/v1/triggers', keys.admin), [200], 'Reading the triggers').data;
  const examples = Object.fromEntries(triggers.find((t) => t.id === TRIGGER).fields.map((f) => [f.name, f.example]));
  const run = Date.now().toString(36);
  const eventIds = [];
  for (let i = 1; i <= EVENT_COUNT; i++) {
    const id = `demo-${run}-${i}`;
    const data = { ...examples, call_id: `${examples.call_id.slice(0, 24)}${run}${i}`, duration: String(60 + i * 17) };
    expectStatus(await api('POST', '/v1/events', keys.events, { id, type: TRIGGER, data }), [202], `Posting event ${id}`);
    eventIds.push(id);
  }
  return eventIds;
}

/** Waits (up to 30 s) for each event's delivery to finish; returns "id: status" lines. */
async function awaitDeliveries(admin, eventIds) {
  const deadline = Date.now() + 30_000;
  const outcome = new Map();
  while (Date.now() < deadline && outcome.size < eventIds.length) {
    for (const id of eventIds.filter((e) => !outcome.has(e))) {
      const page = expectStatus(await api('GET', `/v1/deliveries?event_id=${encodeURIComponent(id)}`, admin), [200], 'Reading deliveries');
      const delivery = page.data[0];
      if (delivery && ['succeeded', 'failed', 'cancelled'].includes(delivery.status)) {
        outcome.set(id, `${delivery.status}${delivery.last_status_code ? ` (HTTP ${delivery.last_status_code})` : ''}${delivery.last_error ? `: ${delivery.last_error}` : ''}`);
      }
    }
    if (outcome.size < eventIds.length) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return eventIds.map((id) => `  ${id}: ${outcome.get(id) ?? 'still pending (see the delivery log)'}`);
}

await ensureRunning(NOTIFIER, 'HTTP Notifier', 'npm start');
await ensureRunning(RECEIVER, 'The local receiver', 'npm run receiver');
const keys = await setUpAccount(operatorToken());
const automation = await setUpAutomation(keys.admin);
console.log(`Account "${ACCOUNT_ID}" is enabled; automation ${automation.id} ${automation.reused ? 'reused' : 'created'} (${TRIGGER} → ${HOOK_URL}).`);
const eventIds = await fireEvents(keys);
console.log(`Fired ${eventIds.length} sample events; deliveries:`);
console.log((await awaitDeliveries(keys.admin, eventIds)).join('\n'));
console.log(`
Admin API key (sign in to the console with it; shown only now):
  ${keys.admin}
Events API key (for POST /v1/events):
  ${keys.events}

Admin console:   ${NOTIFIER}/console
Receiver, with signatures checked against the automation's secret:
  ${RECEIVER}/?secret=${encodeURIComponent(automation.secret)}`);
