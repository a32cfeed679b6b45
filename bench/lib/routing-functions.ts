/**
 * The Worker's own routing of events to partitions (what src/plane/planes.ts does with an event's
 * data), bundled by bench/lib/routing.mjs for Node, whose loader cannot follow src/'s
 * extensionless imports. Nothing is copied: the bench computes with the functions the Worker runs.
 */
export { businessKeysOf } from '../../src/domain/business-keys';
export { partitionKeyOf, partitionOf } from '../../src/domain/partitions';
