/**
 * 7. Memory, while one consumer invocation handles a full batch (max_batch_size) of ~64 KiB
 * bodies: the Worker isolate's peak V8 heap (read through the inspector), against the
 * 128 MB a Worker may use, and the growth of the whole workerd process's RSS; plus
 * workerd's peak RSS over the run, against its idle size after start.
 */
import { figure } from '../lib/report.mjs';
import { callEndedData, SAMPLE_BODY } from '../lib/fixtures.mjs';
import { connectToWorker } from '../lib/inspector.mjs';
import { readMemory, startSampler, toMiB } from '../lib/memory.mjs';
import { sleep } from '../lib/stats.mjs';
import { accountWithAutomations } from './shared.mjs';

/** Workers may use 128 MB (decimal) per isolate; expressed in MiB like the other figures. */
const WORKER_MEMORY_LIMIT_MIB = toMiB(128e6);
const BODY_BYTES = 64 * 1024;

/**
 * A JSON body just under the 64 KiB template limit: a list of call records, each the sample
 * body's fields (so about a sixth of the text is placeholders), distinct per automation so
 * that each one is compiled and cached on its own.
 */
export function largeBody(variant) {
  const record = JSON.parse(SAMPLE_BODY).data;
  const item = JSON.stringify({ automation: `m-${variant}`, ...record });
  const items = [];
  let size = 12;
  while (size + item.length + 1 < BODY_BYTES - 64) {
    items.push(item);
    size += item.length + 1;
  }
  return `{"calls":[${items.join(',')}]}`;
}

export async function memoryFigures(ctx) {
  const { sink, workerdPid } = ctx;
  const batchSize = ctx.config.deliveryConsumer.maxBatchSize;
  const templateBytes = Buffer.byteLength(largeBody(0));
  // One destination: its automations let a whole batch be in flight there at once, so the
  // account object dispatches all of them together and one consumer invocation takes them.
  const account = await accountWithAutomations(ctx, 'bench-memory', batchSize, largeBody, { max_concurrency: batchSize });

  // Let earlier work settle, then take the resting sizes just before the batch.
  await sleep(ctx.profile.settleMs);
  const isolate = await connectToWorker(ctx.inspectorUrl, ctx.config.name);
  const before = await readMemory(workerdPid);
  const heapBefore = await isolate.heapUsed();
  const sampler = startSampler(workerdPid, 5);
  let heapPeak = heapBefore;
  let sampling = true;
  const heapSampling = (async () => {
    // One poll at a time (about 0.2 ms each), bounded by the drain timeout below.
    while (sampling) {
      heapPeak = Math.max(heapPeak, await isolate.heapUsed());
      await sleep(2);
    }
  })();
  const posted = await ctx.api.postEvent(account, callEndedData(5_000_000, 'memory-batch'));
  if (posted.status !== 202 || posted.body.deliveries !== batchSize) throw new Error(`expected ${batchSize} deliveries, got ${JSON.stringify(posted.body)}`);
  const arrived = await sink.waitFor(account.bucket, batchSize, ctx.profile.drainTimeoutMs);
  await sleep(200); // the consumer records outcomes after the last answer
  sampling = false;
  await heapSampling;
  isolate.close();
  const { peak, samples } = sampler.stop();
  const batchMs = Math.max(...sink.arrivals(account.bucket).map((a) => a.t)) - posted.started;
  const bodyBytes = sink.arrivals(account.bucket)[0]?.bytes ?? 0;

  const deltaMb = before && peak ? toMiB(peak - before.rss) : NaN;
  const heapPeakMb = toMiB(heapPeak);
  const batch = `${batchSize} × ${Math.round(templateBytes / 1024)} KiB templates (${Math.round(bodyBytes / 1024)} KiB rendered)`;
  return {
    details: { workerdPid, idleRss: ctx.idleMemory, before, batchPeakRss: peak, samples, heapBefore, heapPeak, arrived, batchMs, templateBytes, bodyBytes, batchSize },
    figures: [
      figure({
        id: '7', measure: `Worker isolate heap peak, one consumer batch: ${batch}`, value: heapPeakMb, unit: 'MiB',
        baseline: WORKER_MEMORY_LIMIT_MIB, baselineLabel: 'Worker limit, 128 MB', goal: '< limit', met: heapPeakMb < WORKER_MEMORY_LIMIT_MIB,
      }),
      figure({
        id: '7', measure: 'workerd RSS growth during that batch (whole process: Worker, account object, D1, Queues)', value: deltaMb, unit: 'MiB',
        baseline: WORKER_MEMORY_LIMIT_MIB, baselineLabel: 'Worker limit, 128 MB',
      }),
    ],
  };
}

/** Called once every section has run: VmHWM is the kernel's own record of the peak. */
export async function runPeakFigure(ctx) {
  const end = await readMemory(ctx.workerdPid);
  const runPeakMb = end ? toMiB(Math.max(end.hwm, ctx.runSampler.peak)) : NaN;
  const idleMb = ctx.idleMemory ? toMiB(ctx.idleMemory.rss) : NaN;
  return figure({ id: '7', measure: 'workerd peak RSS over the run (all workers, account objects, D1, queues)', value: runPeakMb, unit: 'MiB', baseline: idleMb, baselineLabel: 'idle after start' });
}
