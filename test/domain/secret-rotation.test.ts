import { describe, expect, it } from 'vitest';
import { decodePreviousSecrets, encodePreviousSecrets, liveSecrets, MAX_PREVIOUS_SECRETS, rotate } from '../../src/domain/secret-rotation';

const HOUR = 3_600_000;
const NOW = 1_700_000_000_000;

describe('rotate', () => {
  it('keeps the outgoing secret for the overlap, most recently rotated out first', () => {
    const first = rotate([], 'c0', 24, NOW);
    expect(first).toEqual({ previous: [{ ciphertext: 'c0', validUntil: NOW + 24 * HOUR }], previousValidUntil: NOW + 24 * HOUR });
    const second = rotate(first.previous, 'c1', 1, NOW + HOUR / 2);
    expect(second.previous.map((s) => s.ciphertext)).toEqual(['c1', 'c0']);
  });

  it('with 0 hours the outgoing secret is not kept, and its validity ends now', () => {
    const kept = [{ ciphertext: 'c0', validUntil: NOW + HOUR }];
    expect(rotate(kept, 'c1', 0, NOW)).toEqual({ previous: kept, previousValidUntil: NOW });
  });

  it('forgets expired secrets and drops the oldest beyond the limit', () => {
    const previous = [
      { ciphertext: 'c3', validUntil: NOW + 3 * HOUR },
      { ciphertext: 'c2', validUntil: NOW }, // expires exactly now: no longer live
      { ciphertext: 'c1', validUntil: NOW + 5 * HOUR },
      { ciphertext: 'c0', validUntil: NOW + 9 * HOUR },
    ];
    expect(MAX_PREVIOUS_SECRETS).toBe(3);
    expect(rotate(previous, 'c4', 2, NOW).previous.map((s) => s.ciphertext)).toEqual(['c4', 'c3', 'c1']);
  });
});

describe('liveSecrets', () => {
  it('keeps those whose validity has not ended', () => {
    const list = [{ ciphertext: 'a', validUntil: NOW + 1 }, { ciphertext: 'b', validUntil: NOW }];
    expect(liveSecrets(list, NOW)).toEqual([list[0]]);
  });
});

describe('stored form', () => {
  it('round-trips', () => {
    const list = [{ ciphertext: 'v1.x.y', validUntil: NOW }];
    expect(encodePreviousSecrets(list)).toBe(`[{"ciphertext":"v1.x.y","valid_until":${NOW}}]`);
    expect(decodePreviousSecrets(encodePreviousSecrets(list))).toEqual(list);
  });

  it.each([['not JSON', '{'], ['an object', '{}'], ['null', 'null'], ['bad entries', '[1, null, {"ciphertext": 2, "valid_until": 1}, {"ciphertext": "c"}]']])(
    'reads %s as no previous secrets',
    (_label, stored) => expect(decodePreviousSecrets(stored)).toEqual([]),
  );
});
