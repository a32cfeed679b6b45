import { describe, expect, it } from 'vitest';
import { businessKeyProblems, businessKeysOf, MAX_KEY_LENGTH } from '../../src/domain/business-keys';
import { ORDERING_HOLD_MS, orderingKeyName, orderOf } from '../../src/domain/ordering';

describe('business keys', () => {
  it('takes the call, contact, interaction and agent ids from event data, as text', () => {
    expect(businessKeysOf({ call_id: 'CA42', contact_id: 7, interaction_id: ' IN-1 ', agent_id: null, other: 'x' })).toEqual({
      call_id: 'CA42', contact_id: '7', interaction_id: 'IN-1', agent_id: null,
    });
  });

  it('ignores what is not an id: objects, empty text, overlong text, non-objects', () => {
    expect(businessKeysOf({ call_id: { a: 1 }, contact_id: '', agent_id: 'x'.repeat(MAX_KEY_LENGTH + 1), interaction_id: true })).toEqual({
      call_id: null, contact_id: null, interaction_id: null, agent_id: null,
    });
    expect(businessKeysOf(null)).toEqual({ call_id: null, contact_id: null, interaction_id: null, agent_id: null });
    expect(businessKeysOf(['CA42'])).toEqual({ call_id: null, contact_id: null, interaction_id: null, agent_id: null });
  });

  it('orders call triggers by call, contact triggers by contact, agent triggers by agent', () => {
    expect(orderingKeyName('inbound_call_ended')).toBe('call_id');
    expect(orderingKeyName('contact_updated')).toBe('contact_id');
    expect(orderingKeyName('agent_status_changed')).toBe('agent_id');
    expect(orderingKeyName('no_such_trigger')).toBeNull();
  });

  it('orders a delivery by its key and event time, held back for the reordering window; without a key it goes at once', () => {
    const keys = businessKeysOf({ call_id: 'CA42' });
    expect(orderOf('call_id', keys, 5, 100)).toEqual({ order: { key: 'CA42', at: 5 }, dueAt: 100 + ORDERING_HOLD_MS });
    expect(orderOf('agent_id', keys, 5, 100)).toEqual({ dueAt: 100 });
    expect(orderOf(null, keys, 5, 100)).toEqual({ dueAt: 100 });
  });
});

describe('businessKeyProblems', () => {
  it('names each key longer than 128 characters (trimmed); numbers and other fields are never too long', () => {
    expect(businessKeyProblems({ call_id: 'c'.repeat(128), contact_id: ` ${'k'.repeat(128)} `, agent_id: 1e300, contact_name: 'n'.repeat(500) })).toEqual([]);
    expect(businessKeyProblems({ call_id: 'c'.repeat(129), agent_id: 'a'.repeat(300) }).map((p) => p.key)).toEqual(['call_id', 'agent_id']);
  });
});
