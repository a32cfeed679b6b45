import { describe, expect, it } from 'vitest';
import { findTrigger } from '../../src/catalog';
import { checkRedactions, MAX_REDACTIONS, RedactMode, redactedTemplateValues, redactText, type Redactions } from '../../src/domain/redaction';

describe('redactText', () => {
  it('last4 keeps the last 4 characters and masks the rest with "*", one per character', () => {
    expect(redactText('+351961918192', 'last4')).toBe('*********8192');
    expect(redactText('jane.doe@example.com', 'last4')).toBe('****************.com');
    expect(redactText('12345', 'last4')).toBe('*2345');
  });

  it('last4 masks a value of 4 characters or fewer whole (keeping "the last 4" would keep all of it)', () => {
    expect(redactText('1234', 'last4')).toBe('****');
    expect(redactText('abc', 'last4')).toBe('***');
    expect(redactText('x', 'last4')).toBe('*');
    expect(redactText('', 'last4')).toBe('');
  });

  it('last4 counts code points, not UTF-16 units: no half surrogate pair is kept or masked', () => {
    // Each emoji is 2 UTF-16 units; 6 code points in all.
    expect(redactText('😀😀ab😀c', 'last4')).toBe('**ab😀c');
    expect(redactText('𝒜𝒝𝒞𝒟𝒠', 'last4')).toBe('*𝒝𝒞𝒟𝒠');
    expect(redactText('ünïcødé', 'last4')).toBe('***cødé');
    const masked = redactText('😀😀😀😀😀😀', 'last4');
    expect(masked).toBe('**😀😀😀😀');
    expect(masked).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('hide sends empty text whatever the value', () => {
    expect(redactText('+351961918192', 'hide')).toBe('');
    expect(redactText('', 'hide')).toBe('');
  });
});

describe('redactedTemplateValues', () => {
  it('redacts only the named fields, after converting each value to the text it renders as', () => {
    const values = redactedTemplateValues(
      { contact_phone_number: '+351961918192', contact_email: 'jane@example.com', call_id: 'CA42', total_duration: 135, proactive: false, tags: ['a', 'b'] },
      { contact_phone_number: 'last4', contact_email: 'hide', total_duration: 'last4', proactive: 'last4', tags: 'last4' },
    );
    expect({ ...values }).toEqual({
      contact_phone_number: '*********8192',
      contact_email: '',
      call_id: 'CA42',
      total_duration: '***', // the number 135 renders as "135": 3 characters, masked whole
      proactive: '*alse',
      tags: '*****"b"]', // the array renders as its JSON text, ["a","b"] (9 characters)
    });
  });

  it('a large number is masked by its digits', () => {
    expect(redactedTemplateValues({ n: 351961918192 }, { n: 'last4' }).n).toBe('********8192');
  });

  it('null renders as empty text, so there is nothing to mask; a missing field stays missing', () => {
    const values = redactedTemplateValues({ contact_email: null }, { contact_email: 'last4', contact_phone_number: 'last4' });
    expect(values.contact_email).toBe('');
    expect(Object.hasOwn(values, 'contact_phone_number')).toBe(false);
  });

  it('no redactions: the values are the plain template values', () => {
    expect({ ...redactedTemplateValues({ a: 'x', b: 2 }, {}) }).toEqual({ a: 'x', b: '2' });
  });

  it('a redaction named like an inherited property touches nothing', () => {
    const inherited = JSON.parse('{"toString": "hide", "constructor": "last4", "__proto__": "hide"}') as Redactions;
    const values = redactedTemplateValues({ a: 'secret-value' }, inherited);
    expect({ ...values }).toEqual({ a: 'secret-value' });
  });
});

describe('checkRedactions', () => {
  const trigger = findTrigger('inbound_call_ended')!;

  it('accepts fields of the trigger', () => {
    expect(checkRedactions({ contact_phone_number: 'last4', contact_email: 'hide' }, trigger)).toEqual([]);
    expect(checkRedactions({}, trigger)).toEqual([]);
  });

  it('names each unknown field with its path', () => {
    expect(checkRedactions({ contact_email: 'hide', caller_ssn: 'hide', phone: 'last4' }, trigger)).toEqual([
      { path: 'redact.caller_ssn', message: expect.stringContaining('"caller_ssn" is not a field of the trigger "inbound_call_ended"') },
      { path: 'redact.phone', message: expect.stringContaining('"phone" is not a field') },
    ]);
    // agent_logged_in has no contact fields.
    expect(checkRedactions({ contact_email: 'hide' }, findTrigger('agent_logged_in')!)).toEqual([
      { path: 'redact.contact_email', message: expect.stringContaining('agent_logged_in') },
    ]);
  });

  it(`refuses more than ${MAX_REDACTIONS} entries with one problem`, () => {
    const many = Object.fromEntries(Array.from({ length: MAX_REDACTIONS + 1 }, (_, i) => [`f${i}`, 'hide' as const]));
    expect(checkRedactions(many, trigger)).toEqual([{ path: 'redact', message: expect.stringContaining(`at most ${MAX_REDACTIONS}`) }]);
  });

  it('the modes are last4 and hide', () => {
    expect(RedactMode.options).toEqual(['last4', 'hide']);
  });
});
