/**
 * The checks every request body passes before its route runs, kept here so that a route that
 * checks parts of its body on its own (an event batch checks each event as POST /v1/events
 * would) gives exactly the errors the whole-request checks give.
 */
import type { z } from '@hono/zod-openapi';
import { ApiError, type ErrorDetail } from '../errors';

/** Request bodies: 256 KiB, except an event batch's. */
export const MAX_BODY_BYTES = 256 * 1024;

export const EVENT_BATCH_PATH = '/v1/events/batch';
/** An event batch: up to 500 events and 1 MiB in all. */
export const MAX_BATCH_EVENTS = 500;
export const MAX_BATCH_BODY_BYTES = 1024 * 1024;

export interface BodyLimit {
  maxSize: number;
  /** The 413 for a body over it. */
  tooLarge: () => ApiError;
}

export const REQUEST_BODY: BodyLimit = {
  maxSize: MAX_BODY_BYTES,
  tooLarge: () => new ApiError('payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES / 1024} KiB`),
};

export const BATCH_BODY: BodyLimit = {
  maxSize: MAX_BATCH_BODY_BYTES,
  tooLarge: () => new ApiError('payload_too_large', `An event batch is limited to ${MAX_BATCH_BODY_BYTES / 1024 / 1024} MiB`),
};

/**
 * A schema's issues as the error envelope's details: one per problem, its path the field's
 * (prefixed with the part of the request, such as `query`, unless it is the JSON body), or
 * `(body)` for the body as a whole.
 */
export function validationDetails(issues: readonly z.core.$ZodIssue[], target = 'json'): ErrorDetail[] {
  return issues.map((issue) => ({
    path: [target === 'json' ? '' : target, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
}
