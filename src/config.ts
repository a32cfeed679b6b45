/**
 * Typed configuration read from the Worker's environment. Parsed once per isolate and
 * environment object, so a bad value fails loudly instead of silently using a default.
 */
import { MAX_TEMPLATE_BYTES } from './domain/automation-rules';
import { DEFAULT_MAX_BODY_BYTES } from './domain/template';
import { DEFAULT_AUTO_DISABLE_AFTER_HOURS } from './domain/automation-health';
import { parseSelfHost, type SelfHost, type TargetUrlPolicy } from './domain/target-url';
import type { Env } from './env';

export const PRODUCT_NAME = 'HTTP-Notifier';
export const PRODUCT_VERSION = '1.0.0';

export interface Config {
  operatorToken: string | undefined;
  secretsKey: string | undefined;
  /** Seconds to wait before each retry; its length + 1 is the number of attempts. */
  retrySchedule: readonly number[];
  deliveryTimeoutMs: number;
  allowLoopbackTargets: boolean;
  /** The service's own host names (SELF_HOSTNAMES): never a webhook's target. */
  selfHosts: readonly SelfHost[];
  retentionDays: number;
  /** How long an event that matched no automation is kept (UNMATCHED_EVENT_RETENTION_HOURS). */
  unmatchedEventRetentionHours: number;
  /** How long every attempt must have failed before an automation is turned off (AUTO_DISABLE_AFTER_HOURS). */
  autoDisableAfterMs: number;
  /** Cap on a rendered notification body, in bytes of UTF-8. */
  maxBodyBytes: number;
}

export const DEFAULT_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000] as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parseSchedule(raw: string | undefined): number[] {
  if (raw === undefined || raw.trim() === '') return [...DEFAULT_RETRY_SCHEDULE];
  const parts = raw.split(',').map((part) => part.trim());
  const seconds = parts.map(Number);
  if (seconds.some((s, i) => parts[i] === '' || !Number.isInteger(s) || s < 0 || s > 43_200)) {
    // A queue message can be delayed by at most 12 hours.
    throw new ConfigError('RETRY_SCHEDULE must be comma-separated whole seconds between 0 and 43200');
  }
  return seconds;
}

function parsePositiveInt(name: string, raw: string | undefined, fallback: number, max: number, min = 1): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max}`);
  }
  return value;
}

function parseSelfHosts(raw: string | undefined): SelfHost[] {
  const entries = (raw ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  return entries.map((entry) => {
    const host = parseSelfHost(entry);
    if (!host) throw new ConfigError(`SELF_HOSTNAMES: "${entry}" is not a host name (write notifier.example.com or notifier.example.com:8443, no scheme or path)`);
    return host;
  });
}

/**
 * At least the template limit, so a template always renders with empty values; at most
 * 8 MiB, so rendering (which can briefly hold a few times the cap) stays well inside a
 * Worker's 128 MB of memory.
 */
const MAX_BODY_BYTES_RANGE = { min: MAX_TEMPLATE_BYTES, max: 8 * 1024 * 1024 } as const;

const cache = new WeakMap<object, Config>();

export function getConfig(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    config = {
      operatorToken: env.OPERATOR_TOKEN || undefined,
      secretsKey: env.SECRETS_KEY || undefined,
      retrySchedule: parseSchedule(env.RETRY_SCHEDULE),
      deliveryTimeoutMs: parsePositiveInt('DELIVERY_TIMEOUT_MS', env.DELIVERY_TIMEOUT_MS, 15_000, 120_000),
      allowLoopbackTargets: env.ALLOW_LOOPBACK_TARGETS === 'true',
      selfHosts: parseSelfHosts(env.SELF_HOSTNAMES),
      retentionDays: parsePositiveInt('RETENTION_DAYS', env.RETENTION_DAYS, 30, 3650),
      unmatchedEventRetentionHours: parsePositiveInt('UNMATCHED_EVENT_RETENTION_HOURS', env.UNMATCHED_EVENT_RETENTION_HOURS, 72, 87_600),
      autoDisableAfterMs: parsePositiveInt('AUTO_DISABLE_AFTER_HOURS', env.AUTO_DISABLE_AFTER_HOURS, DEFAULT_AUTO_DISABLE_AFTER_HOURS, 8760) * 3_600_000,
      maxBodyBytes: parsePositiveInt('MAX_BODY_BYTES', env.MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES, MAX_BODY_BYTES_RANGE.max, MAX_BODY_BYTES_RANGE.min),
    };
    cache.set(env, config);
  }
  return config;
}

/** The policy every URL the service fetches is checked against before sending (and, with the request's origin, when saved). */
export function targetPolicyOf(config: Config): TargetUrlPolicy {
  return { allowLoopback: config.allowLoopbackTargets, selfHosts: config.selfHosts };
}
