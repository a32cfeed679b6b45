/**
 * The object remembers the ids of the URLs attempts were sent to (schema v14), but only ids its
 * transactions committed: a rolled-back insert frees its id, and a later URL may take it.
 */
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/domain/delivery-effects';
import type { Env } from '../../src/env';
import { planeFor } from '../../src/plane/client';
import { PlaneRuntime } from '../../src/plane/runtime';
import { insertDelivery } from '../../src/plane/store/deliveries';
import { getAttempts } from '../../src/plane/store/delivery-log';
import { insertEvent } from '../../src/plane/store/events';

const at = Date.parse('2030-02-01T10:00:00.000Z');

const attemptTo = (deliveryId: string, url: string): Effect => ({
  kind: 'insert_attempt',
  attempt: {
    deliveryId, attempt: 1, startedAt: at, durationMs: 5, statusCode: 200, error: null, responseBody: 'ok',
    request: { method: 'POST', url, headers: { 'content-type': 'application/json' }, body: '{}', bodyTruncated: false },
  },
});

describe('URLs sent to, stored once', () => {
  it('an id from a transaction that rolled back is never used again for its URL', async () => {
    const key = `sent-urls-${crypto.randomUUID()}`;
    await runInDurableObject(planeFor(env, key), async (_instance, state) => {
      const sql = state.storage.sql;
      const rt = new PlaneRuntime(state, env as unknown as Env);
      rt.bind(key);
      insertEvent(sql, { id: 'evt_1', type: 'inbound_call_ended', occurredAt: at, data: '{}', isTest: false, receivedAt: at });
      for (const id of ['dlv_a', 'dlv_b', 'dlv_c']) insertDelivery(sql, { id, automationId: 'aut_1', eventId: 'evt_1', destination: 'https://a.example', isTest: false, now: at });

      await expect(rt.transact((apply) => {
        apply([attemptTo('dlv_a', 'https://a.example/hook')]);
        throw new Error('rolled back');
      })).rejects.toThrow('rolled back');
      expect(sql.exec('SELECT count(*) AS n FROM sent_urls').one().n).toBe(0);
      // Another URL takes the id the rolled-back insert had; the first URL then gets its own.
      await rt.transact((apply) => apply([attemptTo('dlv_b', 'https://b.example/hook')]));
      await rt.transact((apply) => apply([attemptTo('dlv_c', 'https://a.example/hook')]));
      expect(getAttempts(sql, 'dlv_b')[0]!.request!.url).toBe('https://b.example/hook');
      expect(getAttempts(sql, 'dlv_c')[0]!.request!.url).toBe('https://a.example/hook');
      expect(sql.exec('SELECT url FROM sent_urls ORDER BY id').toArray()).toEqual([{ url: 'https://b.example/hook' }, { url: 'https://a.example/hook' }]);
      expect(getAttempts(sql, 'dlv_a')).toEqual([]);
    });
  });
});
