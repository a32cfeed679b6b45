import { afterEach, describe, expect, it, vi } from 'vitest';
import { logEvent } from '../../src/observability/log';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('logEvent', () => {
  it('writes one JSON line through console.log: msg first, then the fields as given', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    logEvent('destination paused', { account_id: 'acc_1', destination: 'https://example.com', until: 1_700_000_000_000, probing: false, reason: null });
    expect(log).toHaveBeenCalledTimes(1);
    const [line, ...more] = log.mock.calls[0]!;
    expect(more).toEqual([]);
    expect(typeof line).toBe('string');
    expect(line as string).not.toContain('\n');
    expect(Object.entries(JSON.parse(line as string))).toEqual([
      ['msg', 'destination paused'], ['account_id', 'acc_1'], ['destination', 'https://example.com'], ['until', 1_700_000_000_000], ['probing', false], ['reason', null],
    ]);
  });

  it('keeps msg naming the line even when a field has that name', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    logEvent('automation disabled', { msg: 'something else', automation_id: 'aut_1' });
    expect(JSON.parse(log.mock.calls[0]![0] as string)).toEqual({ msg: 'automation disabled', automation_id: 'aut_1' });
  });

  it('writes warnings and errors through console.warn and console.error, still one line', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    logEvent('w', { n: 1 }, 'warn');
    logEvent('e', { n: 2 }, 'error');
    expect(log).not.toHaveBeenCalled();
    expect(warn.mock.calls).toEqual([['{"msg":"w","n":1}']]);
    expect(error.mock.calls).toEqual([['{"msg":"e","n":2}']]);
  });
});
