import { describe, expect, it } from 'vitest';
import { ConfigError, getConfig } from '../src/config';
import type { Env } from '../src/env';

const configOf = (vars: Record<string, string>) => getConfig(vars as unknown as Env);

describe('MAX_BODY_BYTES', () => {
  it('defaults to 1 MiB and accepts whole numbers from 64 KiB to 8 MiB', () => {
    expect(configOf({}).maxBodyBytes).toBe(1_048_576);
    expect(configOf({ MAX_BODY_BYTES: '65536' }).maxBodyBytes).toBe(65_536);
    expect(configOf({ MAX_BODY_BYTES: '8388608' }).maxBodyBytes).toBe(8_388_608);
  });

  it('refuses anything else loudly', () => {
    for (const value of ['65535', '8388609', '100000.5', 'lots', '-1']) {
      expect(() => configOf({ MAX_BODY_BYTES: value }), value).toThrow(ConfigError);
    }
    expect(() => configOf({ MAX_BODY_BYTES: '1' })).toThrow('MAX_BODY_BYTES must be a whole number between 65536 and 8388608');
  });
});

describe('UNMATCHED_EVENT_RETENTION_HOURS', () => {
  it('defaults to 72 hours and accepts whole hours from 1 to 87600 (ten years)', () => {
    expect(configOf({}).unmatchedEventRetentionHours).toBe(72);
    expect(configOf({ UNMATCHED_EVENT_RETENTION_HOURS: '1' }).unmatchedEventRetentionHours).toBe(1);
    expect(configOf({ UNMATCHED_EVENT_RETENTION_HOURS: '720' }).unmatchedEventRetentionHours).toBe(720);
  });

  it('refuses anything else loudly', () => {
    for (const value of ['0', '87601', '1.5', 'soon', '-1']) {
      expect(() => configOf({ UNMATCHED_EVENT_RETENTION_HOURS: value }), value).toThrow(ConfigError);
    }
  });
});

describe('SELF_HOSTNAMES', () => {
  it('is empty by default and takes comma-separated host names, each with an optional port', () => {
    expect(configOf({}).selfHosts).toEqual([]);
    expect(configOf({ SELF_HOSTNAMES: ' Notifier.Example.com , hooks.example.net:8443,' }).selfHosts).toEqual([
      { hostname: 'notifier.example.com', port: null },
      { hostname: 'hooks.example.net', port: 8443 },
    ]);
  });

  it('refuses an entry that is not a host name loudly', () => {
    expect(() => configOf({ SELF_HOSTNAMES: 'notifier.example.com,https://notifier.example.com/' })).toThrow(
      'SELF_HOSTNAMES: "https://notifier.example.com/" is not a host name',
    );
  });
});
