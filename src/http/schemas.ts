/**
 * Request and response schemas: they validate requests and generate /openapi.json, and the
 * types at the end of this file are what clients written in TypeScript read (the console's
 * browser code imports them with `import type`, so no schema reaches the page).
 */
import { z } from '@hono/zod-openapi';
import { ConditionOp, ConditionsSchema, FieldKind, MAX_CONDITION_DEPTH, MAX_CONDITIONS, MAX_LIST_VALUES } from '../domain/conditions';
import { PersonalData } from '../catalog';
import { HealthState, StatsWindow } from '../domain/delivery-stats';
import { DRY_RUN_SAMPLE } from '../domain/dry-run';
import { tooDeepFields, tooDeepReason } from '../domain/template';
import { AuthView } from '../domain/auth-view';
import { MAX_AUTH_FIELD_LENGTH } from '../domain/destination-auth';
import { RedactMode } from '../domain/redaction';
import { MAX_PREVIOUS_SECRETS } from '../domain/secret-rotation';
import { AuthType, BodyFormat, DeliveryStatus, Envelope, Ordering, WaitReason } from '../domain/vocabulary';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({ content: { 'application/json': { schema: ErrorSchema } }, description });

/** The error answers a route can give, for the OpenAPI document. */
export const errors = {
  400: errorResponse('The body is not valid JSON (`invalid_json`)'),
  401: errorResponse('Missing or wrong credentials (`unauthorized`)'),
  403: errorResponse('Wrong key role (`forbidden`) or integration off (`integration_disabled`)'),
  404: errorResponse('Not found in this account (`not_found`)'),
  409: errorResponse('Conflicts with the current state (`conflict`)'),
  412: errorResponse('If-Match names a version that is no longer current (`precondition_failed`)'),
  413: errorResponse('Body over the size limit (`payload_too_large`)'),
  422: errorResponse('Validation failed (`validation_failed`), with details per field'),
};

export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  body: { content: { 'application/json': { schema } }, required },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/**
 * A string of well-formed Unicode. JSON may spell a lone UTF-16 surrogate ("\ud800"), which
 * D1 would store as U+FFFD: the text saved would not be the text sent, so it is refused.
 * (With the u flag, a surrogate pair is one code point and does not match the class.)
 */
export const Text = () =>
  z.string().refine((text) => !/[\uD800-\uDFFF]/u.test(text), {
    message: 'contains a lone UTF-16 surrogate (\\uD800–\\uDFFF without its pair); send valid Unicode text',
  });

/** Client-chosen ids (accounts, events): safe in URLs and logs. */
export const ExternalId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'use letters, digits, "_", ".", ":" or "-", starting with a letter or digit');

export const IdParam = <K extends string>(name: K) =>
  z.object({ [name]: z.string().min(1).max(128).openapi({ param: { name, in: 'path' } }) } as Record<K, z.ZodString>);

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ param: { name: 'limit', in: 'query' }, example: 50 }),
  cursor: z.string().min(1).max(128).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() }).openapi(name);

export const AccountSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    http_notifier_enabled: z.boolean(),
    partitions: z.int().openapi({
      description: 'Account objects its data plane is spread over (1–64; only the operator sets it, and only ever raises it)',
    }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Account');

export const TriggerSchema = z
  .object({
    id: z.string(),
    label: z.string(),
    description: z.string(),
    fields: z.array(z.object({
      name: z.string(),
      type: z.string(),
      description: z.string(),
      example: z.string(),
      // Built here from the domain's values: a schema made before zod was extended has no .openapi().
      kind: z.enum(FieldKind.options).openapi({ description: 'How conditions read the field (numbers also when sent as numeric text; booleans also as "true"/"false")' }),
      condition_ops: z.array(ConditionOp).openapi({ description: 'The condition operators that fit the field' }),
      personal_data: z.enum(PersonalData.options).nullable().openapi({ description: 'The kind of personal data the field carries (from its type), if a phone number or e-mail address' }),
    })),
    schema_url: z.string().openapi({ description: "The trigger's fields as a JSON Schema (draft 2020-12): GET /v1/triggers/{id}/schema" }),
  })
  .openapi('Trigger');

export const TriggerListSchema = z.object({ data: z.array(TriggerSchema) }).openapi('TriggerList');

const timeNote = 'an ISO 8601 time';

/** Why the system turned an automation off, as data (the words in `disabled_reason` are written from it). */
export const DisabledCauseSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('gone'), at: z.string().openapi({ description: timeNote }), delivery_id: z.string() })
      .openapi({ description: 'The endpoint answered 410 Gone, at `at`, to this delivery' }),
    z.object({ kind: z.literal('failing'), since: z.string().openapi({ description: timeNote }), hours: z.int() })
      .openapi({ description: 'Every attempt had failed since `since`, for `hours` hours' }),
    z.object({ kind: z.literal('loop'), at: z.string().openapi({ description: timeNote }), event_id: z.string(), echoes: z.int() })
      .openapi({ description: 'Its webhooks came back as events of its own trigger: `echoes` of them within a minute, the last one `event_id`, at `at`' }),
    z.object({ kind: z.literal('text'), text: z.string() }).openapi({
      description: 'A reason recorded as text before reasons were kept as data, in words not recognised when they were converted: the text as it was',
    }),
  ])
  .openapi('DisabledCause');

/** An automation's conditions, as requests send them and answers show them. */
export const CONDITIONS_DESCRIPTION =
    `Which events of the trigger are delivered (null: every one): a group {"all": [...]} or {"any": [...]} of conditions {"field", "op", "value"?} `
    + `and nested groups, at most ${MAX_CONDITION_DEPTH} deep with ${MAX_CONDITIONS} conditions in all. Ops: eq, ne, in, not_in (a list of up to `
    + `${MAX_LIST_VALUES}), gt, gte, lt, lte (numbers; an event's numeric text such as "90" compares as a number), exists, not_exists, contains, `
    + 'starts_with (case-sensitive). Booleans compare with eq/ne ("true" equals true). A field the event lacks fails every op but not_exists and ne. '
    + 'Each field must be one of the trigger\'s and each op and value must fit its type (GET /v1/triggers gives kind and condition_ops).';
const conditionsExample = { all: [{ field: 'duration', op: 'gt', value: 60 }, { field: 'in_business_hours', op: 'eq', value: true }] };
/** The domain's schema, cloned here because a schema made before zod was extended has no .openapi(). */
export const ConditionsBody = ConditionsSchema.clone().openapi({ description: CONDITIONS_DESCRIPTION, example: conditionsExample });
export const ConditionsField = ConditionsSchema.nullable().openapi({ description: CONDITIONS_DESCRIPTION, example: conditionsExample });

export const AutomationSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    trigger: z.string(),
    action: z.literal('http_post'),
    url: z.string(),
    format: BodyFormat,
    body: z.string(),
    headers: z.record(z.string(), z.string()),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable().openapi({ description: 'Why the system turned it off, in words (written from disabled_cause); null while on' }),
    // A union with null, not .nullable(): that would make the shared DisabledCause component nullable too.
    disabled_cause: z.union([DisabledCauseSchema, z.null()]).openapi({ description: 'Why the system turned it off, as data; null while on' }),
    max_concurrency: z.int(),
    rate_limit_per_second: z.int().nullable(),
    ordering: Ordering,
    max_age_seconds: z.int().nullable().openapi({
      description: 'A delivery not succeeded this many seconds after its event’s occurred_at ends `expired` and is never sent after that; null: no limit',
    }),
    failing_since: z.string().nullable().openapi({ description: 'Set once every attempt has been failing for 24 hours; null while healthy' }),
    previous_secrets: z.array(z.object({ valid_until: z.string() })).openapi({
      description: 'Secrets rotated out that still sign every webhook alongside the current one, until valid_until (their values are not shown)',
    }),
    redact: z.record(z.string(), RedactMode),
    conditions: ConditionsField,
    auth: z.union([AuthView, z.null()]).openapi({
      description: 'How webhooks authenticate to the target (Basic, or OAuth2 client credentials); never with its password or client_secret',
    }),
    envelope: Envelope,
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Automation');

const authField = (description: string) => Text().max(MAX_AUTH_FIELD_LENGTH).openapi({ description });
const BasicAuthInput = z
  .object({
    type: z.literal(AuthType.enum.basic),
    username: authField('The user-id (no ":")'),
    password: authField('Sealed at rest and never shown; leave it out of a PATCH to keep the stored one').optional(),
  })
  .strict();
const OAuthAuthInput = z
  .object({
    type: z.literal(AuthType.enum.oauth2_client_credentials),
    token_url: Text().trim().min(1).max(2048).openapi({ description: 'The token endpoint: https, and the same SSRF policy as the target' }),
    client_id: authField('The client id, sent to the token endpoint with HTTP Basic'),
    client_secret: authField('Sealed at rest and never shown; leave it out of a PATCH to keep the stored one (same token_url)').optional(),
    scope: authField('Optional scope to ask for').nullable().optional(),
    audience: authField('Optional audience to ask for (not in RFC 6749; Auth0 and others use it)').nullable().optional(),
  })
  .strict();
/** `auth` as posted (POST and PATCH): the secret may be left out of a PATCH to keep the stored one. */
export const AuthInputSchema = z.discriminatedUnion('type', [BasicAuthInput, OAuthAuthInput]).nullable().openapi({
  description: 'How each webhook authenticates to the target: Authorization: Basic, or a Bearer token from an OAuth2 token endpoint '
    + '(client credentials grant, RFC 6749 §4.4); null: none. GET shows it without password or client_secret',
});

export const SigningSecretSchema = z.object({ signing_secret: z.string() }).openapi('SigningSecret');

export const RotatedSecretSchema = z
  .object({
    signing_secret: z.string().openapi({ description: 'The new secret: it signs every webhook from now on' }),
    previous_valid_until: z.string().openapi({
      description: 'When the replaced secret stops signing (the time of the rotation when previous_valid_for_hours is 0)',
    }),
    previous_secrets: z.array(z.object({ valid_until: z.string() })).openapi({
      description: `Every secret rotated out that still signs, most recent first (at most ${MAX_PREVIOUS_SECRETS})`,
    }),
  })
  .openapi('RotatedSecret');

export const PreviewSchema = z.object({ content_type: z.string(), body: z.string() }).openapi('Preview');

export const TestSendSchema = z.object({ delivery_id: z.string() }).openapi('TestSend');

export const DeliverySchema = z
  .object({
    id: z.string(),
    automation_id: z.string(),
    event_id: z.string(),
    is_test: z.boolean(),
    replay: z.boolean().openapi({ description: 'Created by replaying a stored event (POST /v1/events/{id}/replay)' }),
    backfill: z.boolean().openapi({ description: 'Created by a backfill of past events (POST /v1/automations/{id}/backfill)' }),
    status: DeliveryStatus,
    attempt_count: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: z.string().nullable(),
    waiting: WaitReason.nullable().openapi({
      description: 'Why an open delivery waits: sending (a request is out now), queued (handed to a queue), ordering (an earlier ' +
        'delivery of its call goes first), retry (an attempt failed; next_attempt_at is the retry), scheduled (its first send is due ' +
        'at next_attempt_at: a paused, paced or busy destination may hold it). Null once finished.',
    }),
    sent_url: z.string().nullable().openapi({ description: 'The URL its latest attempt was sent to (the task may point elsewhere now); null before any was sent' }),
    expires_at: z.string().nullable().openapi({ description: 'Never sent at or after this time (its event’s occurred_at + the automation’s max_age_seconds); null: no limit' }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Delivery');

export const AttemptSchema = z
  .object({
    attempt: z.number().int(),
    started_at: z.string(),
    duration_ms: z.number().int(),
    status_code: z.number().int().nullable(),
    error: z.string().nullable(),
    response_body: z.string().nullable().openapi({ description: 'First 1 KiB of the answer' }),
    request: z
      .object({
        url: z.string(),
        headers: z.record(z.string(), z.string()).openapi({ description: 'The headers as sent, webhook-signature included' }),
        body: z.string().openapi({ description: 'The body as sent (redacted fields never in it), at most 64 KiB of UTF-8' }),
        body_truncated: z.boolean().openapi({ description: 'The body was longer than 64 KiB and only its start is kept' }),
      })
      .nullable()
      .openapi({ description: 'The request this attempt sent; null when it failed before sending (refused target, unrenderable body)' }),
  })
  .openapi('Attempt');

export const DeliveryDetailSchema = DeliverySchema.extend({ attempts: z.array(AttemptSchema) }).openapi('DeliveryDetail');

export const ReplayedSchema = z.object({ event_id: z.string(), deliveries: z.int(), delivery_ids: z.array(z.string()) }).openapi('Replayed');

export const RecoveredSchema = z
  .object({
    recovered: z.int().openapi({ description: 'Failed deliveries sent again by this call, oldest first' }),
    more: z.boolean().openapi({ description: 'More failed deliveries are left in the window: call again with since = next_since' }),
    next_since: z.string().nullable(),
  })
  .openapi('Recovered');

export const BackfilledSchema = z
  .object({
    backfilled: z.int().openapi({ description: 'Stored events made into deliveries (marked backfill) by this call, oldest first' }),
    more: z.boolean().openapi({ description: 'More events are left in the window: call again with since = next_since' }),
    next_since: z.string().nullable(),
  })
  .openapi('Backfilled');

export const SimulationListSchema = z
  .object({
    data: z.array(z.object({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      triggers: z.array(z.string()).openapi({ description: 'The trigger of each event, in the order they happen' }),
    })),
  })
  .openapi('SimulationList');

export const SimulationSchema = z
  .object({
    scenario: z.string(),
    call_id: z.string().nullable().openapi({ description: 'The fresh call id every event of the call carries (find them with GET /v1/deliveries?call_id=…); null for an agent’s shift' }),
    agent_id: z.string().openapi({ description: 'The fresh agent id the events carry (an agent’s shift is found by it)' }),
    events: z.array(z.object({ event_id: z.string(), type: z.string() })).openapi({ description: 'The events, in the order they are sent' }),
    deliveries: z.array(z.object({ delivery_id: z.string(), event_id: z.string(), automation_id: z.string() }))
      .openapi({ description: 'The test deliveries made, one per event and automation that receives it' }),
  })
  .openapi('Simulation');

export const RetriedSchema = z
  .object({
    retried: z.int().openapi({ description: 'Deliveries sent again by this call (same webhook-id, fresh retry schedule), oldest first' }),
    skipped: z.int().openapi({ description: 'Matching deliveries left as they are: their automated task is off or deleted, or they expired (never sent late)' }),
    more: z.boolean().openapi({ description: 'More matching deliveries are left beyond this call’s limit: call again with since = next_since' }),
    next_since: z.string().nullable(),
  })
  .openapi('Retried');

const OutcomeCounts = {
  succeeded: z.number().int().openapi({ description: 'Deliveries created in the window (or point) that have succeeded' }),
  failed: z.number().int().openapi({ description: 'Deliveries created in the window (or point) that are failed now: what the log lists with status=failed and since=from; a failure sent again leaves this count' }),
  cancelled: z.number().int(),
  expired: z.number().int().openapi({ description: 'Not succeeded by the event’s occurred_at + the automation’s max_age_seconds, so never sent after that' }),
  retried: z.number().int().openapi({ description: 'Attempts that failed and were scheduled to be tried again' }),
  filtered: z.number().int().openapi({ description: "Events of the trigger that the automation's conditions filtered out: no delivery was made of them" }),
};

export const StatsSchema = z
  .object({
    window: StatsWindow,
    zone: z.string().openapi({ description: 'The time zone the 7-day view’s calendar days are in (the `tz` asked for, or UTC)' }),
    from: z.string(),
    to: z.string(),
    state: HealthState.openapi({
      description: 'failing: attempts failed and none succeeded (or, for an automation, every attempt has failed since `failing_since`); degraded: something failed or is retrying; ok: deliveries succeeded; idle: nothing happened',
    }),
    success_rate: z.number().nullable().openapi({ description: 'succeeded / (succeeded + failed + expired + retrying now); null when all four are 0' }),
    failing_since: z.string().nullable().optional().openapi({
      description: 'Automation stats only: the first failed attempt of the failure streak it is in (every attempt since has failed), however long ago; null when its latest attempt succeeded or none was made',
    }),
    counts: z.object({
      ...OutcomeCounts,
      open: z.number().int().openapi({ description: 'Deliveries pending or retrying now' }),
      retrying: z.number().int().openapi({ description: 'Deliveries whose last attempt failed and that wait to be tried again now' }),
    }),
    attempts: z.object({ total: z.number().int(), failed: z.number().int() }),
    latency_ms: z
      .object({ p50: z.number().nullable(), p95: z.number().nullable() })
      .openapi({ description: 'Estimated from a histogram (bounds 100, 250, 500, 1000, 2500, 5000, 10000, 30000 ms): the bound of the bucket holding the quantile' }),
    series: z.object({
      bucket: z.enum(['hour', 'day']),
      points: z.array(z.object({ start: z.string(), ...OutcomeCounts })).openapi({
        description: '24 hours for 24h; for 7d the reader’s 7 calendar days (in `zone`) ending today, oldest first, each starting at its local midnight',
      }),
    }),
  })
  .openapi('Stats');

export const ConditionsDryRunResultSchema = z
  .object({
    examined: z.int().openapi({ description: 'Stored events of the trigger examined, the most recent first (fewer than limit when fewer are stored)' }),
    matched: z.int().openapi({ description: 'How many of them the conditions match' }),
    sample_event_ids: z.array(z.string()).openapi({ description: `Ids of up to ${DRY_RUN_SAMPLE} matching events, the most recent first` }),
  })
  .openapi('ConditionsDryRunResult');

/**
 * Event data: field name → value. Values are rendered as text, so a value too deeply nested to
 * render is refused here, naming its field (events, previews and test sends alike).
 */
export const EventDataSchema = z.record(z.string().max(128), z.unknown()).superRefine((data, ctx) => {
  for (const field of tooDeepFields(data)) ctx.addIssue({ code: 'custom', path: [field], message: `cannot be rendered: ${tooDeepReason}` });
});

export const OperationsWebhookSchema = z
  .object({
    url: z.string().nullable(),
    signing_secret: z.string().nullable().openapi({ description: 'Signs the operations webhooks (Standard Webhooks, like automations)' }),
  })
  .openapi('OperationsWebhook');

/*
 * The answers as TypeScript types, inferred from the schemas above: a change to a schema changes
 * what the console's browser code is checked against (`npm run typecheck`).
 */
export type ApiError = z.infer<typeof ErrorSchema>['error'];
export type Trigger = z.infer<typeof TriggerSchema>;
export type TriggerField = Trigger['fields'][number];
export type TriggerList = z.infer<typeof TriggerListSchema>;
export type Automation = z.infer<typeof AutomationSchema>;
export type DisabledCause = z.infer<typeof DisabledCauseSchema>;
export type AuthInput = z.infer<typeof AuthInputSchema>;
export type SigningSecret = z.infer<typeof SigningSecretSchema>;
export type RotatedSecret = z.infer<typeof RotatedSecretSchema>;
export type Preview = z.infer<typeof PreviewSchema>;
export type TestSend = z.infer<typeof TestSendSchema>;
export type Delivery = z.infer<typeof DeliverySchema>;
export type Attempt = z.infer<typeof AttemptSchema>;
export type SentRequest = NonNullable<Attempt['request']>;
export type DeliveryDetail = z.infer<typeof DeliveryDetailSchema>;
export type Replayed = z.infer<typeof ReplayedSchema>;
export type Recovered = z.infer<typeof RecoveredSchema>;
export type Backfilled = z.infer<typeof BackfilledSchema>;
export type Simulation = z.infer<typeof SimulationSchema>;
export type Retried = z.infer<typeof RetriedSchema>;
export type Stats = z.infer<typeof StatsSchema>;
export type OperationsWebhook = z.infer<typeof OperationsWebhookSchema>;
export type ConditionsDryRunResult = z.infer<typeof ConditionsDryRunResultSchema>;
