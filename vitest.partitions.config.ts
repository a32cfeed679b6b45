/**
 * The suites that post events, run again with every account the tests create spread over 4
 * partitions (TEST_PARTITIONS, read by vitest.config.ts and test/helpers.ts): the same
 * assertions show that an account with N partitions behaves as one.
 */
process.env.TEST_PARTITIONS ??= '4';
export default (await import('./vitest.config')).default;
