/**
 * Where events go among an account's partitions, computed with the Worker's routing functions
 * (src/domain/partitions.ts partitionKeyOf / partitionOf on src/domain/business-keys.ts
 * businessKeysOf, as src/plane/planes.ts places an event), bundled for Node at run time.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildBenchWorker } from './build.mjs';
import { benchDir } from './paths.mjs';

/** Bundles and loads the routing functions (into `outDir`). */
export async function loadRouting(outDir) {
  const file = await buildBenchWorker(join(benchDir, 'lib', 'routing-functions.ts'), join(outDir, 'routing.mjs'));
  const { businessKeysOf, partitionKeyOf, partitionOf } = await import(pathToFileURL(file).href);
  /**
   * Events per partition for event data `events` over `count` partitions. Events are posted
   * without ids (the API mints them); every event here has a call id, which places it first.
   */
  const spread = (events, count) => {
    const perPartition = new Array(count).fill(0);
    for (const data of events) perPartition[partitionOf(partitionKeyOf(businessKeysOf(data), 'evt_unplaced'), count)]++;
    return perPartition;
  };
  return { spread };
}

/** The busiest partition's share of all events. */
export const busiestShare = (perPartition) => Math.max(...perPartition) / perPartition.reduce((a, b) => a + b, 0);
