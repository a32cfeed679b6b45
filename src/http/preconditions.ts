/**
 * Optimistic concurrency for automations: each response carries the version as a strong ETag,
 * and a change sent with If-Match is refused with 412 when the automation has moved on.
 */
import { ApiError } from '../errors';

export const etagOf = (version: number) => `"v${version}"`;

/**
 * Whether the If-Match header admits the current version. No header admits anything; `*`
 * admits any existing version; otherwise one of the listed tags must equal the current one
 * by strong comparison, so weak tags (W/"…") never match (RFC 9110, 13.1.1).
 */
export function ifMatchAdmits(header: string | undefined, version: number): boolean {
  if (header === undefined || header.trim() === '*') return true;
  const current = etagOf(version);
  return (header.match(/(?:W\/)?"[^"]*"/g) ?? []).some((tag) => tag === current);
}

export const preconditionFailed = () =>
  new ApiError(
    'precondition_failed',
    'The automation has changed since the version named in If-Match; read it again (GET) and retry with its ETag',
  );
