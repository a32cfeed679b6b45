#!/usr/bin/env node
/**
 * `npm run demo`: a signed, verified webhook within a minute of cloning.
 *
 * Needs `npm start` (the service) and `npm run receiver` (the local receiver) running; it finds
 * them where they recorded their addresses (scripts/local-urls.mjs), else on :8787 and :8788.
 * As the operator (OPERATOR_TOKEN from .dev.vars) it creates the account "demo" with an admin
 * and an events key and switches HTTP Notifier on; as the admin it makes sure an "An inbound
 * call ends" automation posts the product's sample body to the receiver; it tells the receiver
 * the signing secret of every task of the account that posts to it, so each one's webhooks are
 * checked; then it fires sample events and prints where to look. Safe to run again: it reuses
 * the account, the automation and its keys (kept in .wrangler/demo-keys.json while they work),
 * and fires new events.
 *
 * Other addresses: npm run demo -- --notifier http://127.0.0.1:9000 --receiver http://127.0.0.1:9001
 * (or --port 9000 for the service on that port; NOTIFIER_URL and RECEIVER_URL work too).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
// Node 24 runs the TypeScript module directly (type stripping): one copy of the sample body.
import { SAMPLE_BODY } from '../src/catalog/sample-body.ts';
import { optionValue, recordedUrl, ROOT as root } from './local-urls.mjs';

const args = process.argv.slice(2);
const portFlag = optionValue(args, 'port');
const NOTIFIER = (optionValue(args, 'notifier') ?? (portFlag ? `http://127.0.0.1:${portFlag}` : undefined) ?? process.env.NOTIFIER_URL ??
  recordedUrl('notifier') ?? 'http://127.0.0.1:8787').replace(/\/$/, '');
const RECEIVER = (optionValue(args, 'receiver') ?? process.env.RECEIVER_URL ?? recordedUrl('receiver') ?? 'http://127.0.0.1:8788').replace(/\/$/, '');
/** Keys the demo made, per service address, so a second run uses them instead of making more. */
const KEYS_FILE = join(root, '.wrangler', 'demo-keys.json');
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

function savedKeys() {
  try {
    return JSON.parse(readFileSync(KEYS_FILE, 'utf8'));
  } catch {
    return {};
  }
}

/** Whether both saved keys still work here: the admin key reads, the events key gets past authentication. */
async function keysWork(keys) {
  if (!keys?.admin || !keys?.events) return false;
  const admin = await api('GET', '/v1/automations?limit=1', keys.admin);
  const events = await api('POST', '/v1/events', keys.events, {}); // no event: 422 once the key is accepted
  return admin.status === 200 && events.status === 422;
}

async function setUpAccount(operator) {
  const created = await api('POST', '/v1/accounts', operator, { id: ACCOUNT_ID, name: 'Demo contact center' });
  if (created.status === 401) fail('The operator token was refused: is .dev.vars the one `npm start` is using?');
  expectStatus(created, [201, 409], 'Creating the demo account');
  expectStatus(await api('PUT', `/v1/accounts/${ACCOUNT_ID}/http-notifier`, operator, { enabled: true }), [200], 'Enabling HTTP Notifier');
  const saved = savedKeys();
  if (await keysWork(saved[NOTIFIER])) return { ...saved[NOTIFIER], reused: true };
  const newKey = async (role) =>
    expectStatus(await api('POST', `/v1/accounts/${ACCOUNT_ID}/api-keys`, operator, { role, name: `npm run demo (${role})` }), [201], `Creating the ${role} key`).key;
  const keys = { admin: await newKey('admin'), events: await newKey('events') };
  mkdirSync(dirname(KEYS_FILE), { recursive: true });
  writeFileSync(KEYS_FILE, `${JSON.stringify({ ...saved, [NOTIFIER]: keys }, null, 2)}\n`, { mode: 0o600 });
  return { ...keys, reused: false };
}

/**
 * Tells the receiver the signing secret of every task of the account that posts to it (by the
 * path it posts to), so each task's webhooks show "signature verified" there, not just the demo's.
 */
async function teachReceiver(admin) {
  const tasks = expectStatus(await api('GET', '/v1/automations?limit=200', admin), [200], 'Listing automations').data
    .filter((automation) => automation.url.startsWith(`${RECEIVER}/`));
  for (const task of tasks) {
    const { signing_secret } = expectStatus(await api('GET', `/v1/automations/${task.id}/secret`, admin), [200], 'Reading a signing secret');
    const response = await fetch(`${RECEIVER}/_receiver/secrets`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: new URL(task.url).pathname, secret: signing_secret }),
    });
    if (!response.ok) fail(`The receiver did not take a signing secret: HTTP ${response.status} ${await response.text()}`);
  }
  return tasks.length;
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
const taught = await teachReceiver(keys.admin);
console.log(`The receiver checks the signatures of ${taught === 1 ? 'the task' : `all ${taught} tasks`} posting to it.`);
const eventIds = await fireEvents(keys);
console.log(`Fired ${eventIds.length} sample events; deliveries:`);
console.log((await awaitDeliveries(keys.admin, eventIds)).join('\n'));
console.log(`
Admin API key (sign in to the console with it)${keys.reused ? ', the one the last run made' : ''}:
  ${keys.admin}
Events API key (for POST /v1/events):
  ${keys.events}
${keys.reused ? '' : `(Kept in ${KEYS_FILE.slice(root.length + 1)} so the next run uses them again.)\n`}
Admin console:   ${NOTIFIER}/console
Receiver, every task's signatures checked:  ${RECEIVER}/
  or with this task's secret in the address:  ${RECEIVER}/?secret=${encodeURIComponent(automation.secret)}`);
