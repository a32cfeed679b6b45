/**
 * What a posted event must pass before it is stored, the same for `POST /v1/events` and for
 * each event of `POST /v1/events/batch`: its schema, then its account (as its sender may post
 * to), then its type. Each check throws the ApiError the single endpoint answers with; a batch
 * catches it and answers it for that event alone.
 */
import { z } from '@hono/zod-openapi';
import { TRIGGER_IDS } from '../catalog';
import { businessKeyProblems } from '../domain/business-keys';
import { overUtf8Bytes } from '../domain/template';
import { newId } from '../crypto/ids';
import { getPartitioning, type KeyPrincipal } from '../db/accounts';
import type { Env } from '../env';
import { ApiError, notFound, validationFailed } from '../errors';
import { AccountPlanes, planesFor, type PostedEvent } from '../plane/planes';
import { REQUEST_BODY, validationDetails } from './request-checks';
import { EventDataSchema, ExternalId } from './schemas';

export const EventInput = z
  .object({
    id: ExternalId.optional().openapi({ description: 'Idempotency key: an id already seen for the account is not delivered again' }),
    type: z.string().openapi({ description: 'A trigger id from GET /v1/triggers', example: 'inbound_call_ended' }),
    occurred_at: z.iso.datetime({ offset: true }).optional(),
    account_id: ExternalId.optional().openapi({ description: 'Required with the operator token; must match the key’s account otherwise' }),
    data: EventDataSchema,
  })
  .strict()
  .superRefine((event, ctx) => {
    for (const { key, message } of businessKeyProblems(event.data)) ctx.addIssue({ code: 'custom', path: ['data', key], message });
  })
  .openapi('Event');

export type EventInput = z.infer<typeof EventInput>;

/**
 * The account an event goes to, given the `account_id` it names (if any), as its sender may
 * post it: the planes of that account, or the error the single endpoint gives.
 */
export type EventAccount = (accountId: string | undefined) => Promise<AccountPlanes>;

/** An events key posts to its own account only. */
export function keyAccount(env: Env, principal: KeyPrincipal): EventAccount {
  const planes = planesFor(env, principal);
  return async (accountId) => {
    if (accountId !== undefined && accountId !== principal.accountId) {
      throw new ApiError('forbidden', 'This key cannot post events for another account');
    }
    return planes;
  };
}

/**
 * The operator names the account in each event. `choose` finds that account's partitioning, or
 * refuses it: the single endpoint reads it from D1 for its one event; a batch keeps to one.
 */
function operatorAccount(choose: (accountId: string) => Promise<AccountPlanes>): EventAccount {
  return async (accountId) => {
    if (!accountId) throw validationFailed([{ path: 'account_id', message: 'required when posting with the operator token' }]);
    return choose(accountId);
  };
}

async function existingAccount(env: Env, accountId: string): Promise<AccountPlanes> {
  const partitioning = await getPartitioning(env.DB, accountId);
  if (!partitioning) throw notFound('Account');
  return new AccountPlanes(env, accountId, partitioning);
}

/** The operator's single event: any account that exists. */
export const operatorEventAccount = (env: Env): EventAccount => operatorAccount((accountId) => existingAccount(env, accountId));

/**
 * The operator's batch: the account of its first event that names one that exists (one D1 read
 * per account named until then); an event naming any other account is refused on its own.
 */
export function operatorBatchAccount(env: Env): EventAccount {
  let chosen: AccountPlanes | null = null;
  const missing = new Set<string>();
  return operatorAccount(async (accountId) => {
    if (chosen) {
      if (accountId === chosen.accountId) return chosen;
      throw new ApiError('forbidden', `A batch posts events of one account: this one names "${accountId}", the batch's is "${chosen.accountId}"`);
    }
    if (missing.has(accountId)) throw notFound('Account');
    try {
      chosen = await existingAccount(env, accountId);
      return chosen;
    } catch (error) {
      if (error instanceof ApiError) missing.add(accountId);
      throw error;
    }
  });
}

const knownTypes = new Set<string>(TRIGGER_IDS);

/** A checked event: where it goes, and what is stored. */
export interface CheckedEvent extends PostedEvent {
  planes: AccountPlanes;
}

/** The checks after the schema, in the single endpoint's order: the account, then the type. */
export async function checkEvent(input: EventInput, account: EventAccount): Promise<CheckedEvent> {
  const planes = await account(input.account_id);
  if (!knownTypes.has(input.type)) {
    throw validationFailed([{ path: 'type', message: `unknown event type "${input.type}"; see GET /v1/triggers for the 25 types` }]);
  }
  const now = Date.now();
  return {
    planes,
    event: {
      id: input.id ?? newId('evt', now),
      type: input.type,
      occurredAt: input.occurred_at ? Date.parse(input.occurred_at) : now,
      data: JSON.stringify(input.data),
      receivedAt: now,
    },
    data: input.data,
  };
}

/**
 * One event of a batch, as the single endpoint's body checks would take it alone: over that
 * endpoint's size limit is its 413, and a schema failure its 422 with paths inside the event.
 */
export function parseEvent(raw: unknown): EventInput {
  if (overUtf8Bytes(JSON.stringify(raw) ?? '', REQUEST_BODY.maxSize)) throw REQUEST_BODY.tooLarge();
  const parsed = EventInput.safeParse(raw);
  if (!parsed.success) throw validationFailed(validationDetails(parsed.error.issues));
  return parsed.data;
}

