/**
 * The target URL policy for a URL saved through the API: the configured one, plus the origin
 * the request itself came in on — whatever name the service is reached by is its own, even one
 * missing from SELF_HOSTNAMES. Every URL the service will fetch is checked with this when saved
 * (an automation's target, the operations webhook) and with the configured policy when sent.
 */
import type { Context } from 'hono';
import { getConfig, targetPolicyOf } from '../config';
import { selfHostOf, type TargetUrlPolicy } from '../domain/target-url';
import type { AppEnv } from './context';

export function targetPolicy(c: Context<AppEnv>): TargetUrlPolicy {
  const policy = targetPolicyOf(getConfig(c.env));
  return { ...policy, selfHosts: [...policy.selfHosts, selfHostOf(new URL(c.req.url))] };
}
