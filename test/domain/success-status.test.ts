import { describe, expect, it } from 'vitest';
import { isSuccessStatus } from '../../src/domain/success-status';

describe('isSuccessStatus', () => {
  it('is every 2xx and nothing else', () => {
    expect([200, 201, 202, 204, 299].map(isSuccessStatus)).toEqual([true, true, true, true, true]);
    expect([0, 100, 199, 300, 304, 410, 500].map(isSuccessStatus)).toEqual([false, false, false, false, false, false, false]);
  });
});
