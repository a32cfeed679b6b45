/**
 * Bench only: the Worker exactly as built (`./index.js`, wrangler's dry-run bundle), with its two
 * Durable Object classes replaced by subclasses that count every call an object receives — each
 * RPC method and the alarm — by object id and method. An object cannot tell where a call came
 * from, so counting where calls arrive, whoever makes them (the API, the queue consumer, a gate
 * waking a partition, the bench's own usage polls), is what measures the requests an object
 * serves; the bench takes differences around what it measures and reads them per method.
 *
 * The counts live in this module, which the Worker and its objects share: workerd runs one
 * isolate per service locally (checked by the bench: an ingest it made must show up). They are
 * read with `POST /__bench/object-requests` `{"planes": [key, …]}`, answered here before the
 * app sees the request; the deployed Worker has no such route. Counting costs one Map update
 * per call.
 */
import worker, { AccountPlane, DestinationGates } from './index.js';
// Written by the bench when it builds (bench/lib/build.mjs countedWorker).
import { COUNTS_PATH, INTERNAL_METHODS } from './counted-config.mjs';

/** `plane:<object id>` or `gate:<object id>` → method → calls */
const counts = new Map();

function tally(id, method) {
  let byMethod = counts.get(id);
  if (!byMethod) counts.set(id, (byMethod = {}));
  byMethod[method] = (byMethod[method] ?? 0) + 1;
}

/**
 * A subclass whose public methods count, then do exactly what the class's do. Private methods
 * (INTERNAL_METHODS, read from the classes' source when the bench builds) are the
 * object calling itself, not requests, and are left alone; so are accessors.
 */
function counted(Base, kind, internal) {
  const Counted = class extends Base {};
  for (const name of Object.getOwnPropertyNames(Base.prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(Base.prototype, name);
    if (name === 'constructor' || internal.includes(name) || typeof descriptor.value !== 'function') continue;
    const method = descriptor.value;
    Object.defineProperty(Counted.prototype, name, {
      ...descriptor,
      value: function (...args) {
        tally(`${kind}:${this.ctx.id.toString()}`, name);
        return method.apply(this, args);
      },
    });
  }
  return Counted;
}

const CountedAccountPlane = counted(AccountPlane, 'plane', INTERNAL_METHODS.AccountPlane);
const CountedDestinationGates = counted(DestinationGates, 'gate', INTERNAL_METHODS.DestinationGates);
export { CountedAccountPlane as AccountPlane, CountedDestinationGates as DestinationGates };

/** Sums method counts over objects. */
function sum(list) {
  const total = {};
  for (const byMethod of list) for (const [method, n] of Object.entries(byMethod)) total[method] = (total[method] ?? 0) + n;
  return total;
}

/**
 * The calls each named account object received so far (by its key), and the calls all gate
 * objects received together (the bench runs one partitioned account's traffic at a time).
 */
async function answerCounts(request, env) {
  const { planes = [] } = await request.json();
  const ofPlane = (key) => counts.get(`plane:${env.ACCOUNT_PLANE.idFromName(key).toString()}`) ?? {};
  const gates = [...counts].filter(([id]) => id.startsWith('gate:')).map(([, byMethod]) => byMethod);
  return Response.json({ planes: Object.fromEntries(planes.map((key) => [key, { ...ofPlane(key) }])), gates: sum(gates) });
}

export default {
  ...worker,
  fetch(request, env, ctx) {
    // A suffix test, not a URL parse: this runs before every request the bench makes.
    if (request.method === 'POST' && request.url.endsWith(COUNTS_PATH)) return answerCounts(request, env);
    return worker.fetch(request, env, ctx);
  },
};
