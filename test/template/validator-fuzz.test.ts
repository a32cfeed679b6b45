/**
 * Hostile inputs straight into the JSON and XML validators. validateTemplate turns any
 * exception into a "could not be checked" problem so a request never crashes; that net
 * must stay unused: every input gets a real answer, and none makes a validator throw.
 */
import { describe, expect, it } from 'vitest';
import { validateJsonTemplate } from '../../src/domain/template/json-template';
import type { TemplateProblem } from '../../src/domain/template/problems';
import { validateXmlTemplate } from '../../src/domain/template/xml-template';
import { CALL_FIELDS, WRAPPED_SAMPLE } from './fixtures';

/** The wording of the fallbacks in validateTemplate and in the XML syntax check. */
const INTERNAL_FAILURE = /could not be checked/;

const VALIDATORS: Record<string, (body: string, fields: ReadonlySet<string>) => TemplateProblem[]> = {
  json: validateJsonTemplate,
  xml: validateXmlTemplate,
};

const XML_SAMPLE = '<?xml version="1.0"?>\n<call id="{{call_id}}">{{#agent_id}}<agent>{{agent_id}}</agent>{{/agent_id}}<!-- c --><n>&amp;&#65;</n></call>';

const PIECES = [
  '{', '}', '[', ']', '"', '\\', '\\u', '\\"', ':', ',', '1', '-0.5e3', 'null', 'true', ' ', '\n', '\r', '\t',
  '{{', '}}', '{{{', '}}}', '{{call_id}}', '{{{agent_id}}}', '{{#call_id}}', '{{/call_id}}', '{{^duration}}', '{{/duration}}',
  '{{.}}', '{{!', '{{> p}}', '{{=<% %>=}}', '{{&call_id}}', '{{nope}}', '{{}}', '#', '/', '^', '>', '=', '!', '&',
  '<', '<a>', '</a>', '<a/>', '<b x="', '" y=\'1\'>', '</b>', '&amp;', '&nbsp;', '&#0;', '&#x1F600;', '&#xD800;', '&#',
  '<!--', '-->', '<![CDATA[', ']]>', '<?pi ', '?>', '<?xml version="1.0"?>', '<!DOCTYPE a>', '<!ENTITY',
  '\u0000', '\u001f', '\ud800', '\udc00', '😀', '\u2028', '\ufeff', 'é', '\uffff', 'call_id',
];

/** Park–Miller generator: a fixed seed makes every run check the same inputs. */
function generator(seed: number) {
  let state = seed;
  const next = (): number => (state = (state * 48271) % 2147483647) / 2147483647;
  return {
    below: (n: number) => Math.floor(next() * n),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T,
  };
}

function hostileInputs(): string[] {
  const random = generator(20240607);
  const inputs: string[] = [];
  for (let round = 0; round < 1500; round++) {
    let body = '';
    for (let length = random.below(40); length > 0; length--) body += random.pick(PIECES);
    inputs.push(body);
  }
  for (const valid of [WRAPPED_SAMPLE, XML_SAMPLE]) {
    for (let round = 0; round < 150; round++) {
      const cut = random.below(valid.length + 1);
      inputs.push(valid.slice(0, cut), valid.slice(cut));
      inputs.push(valid.slice(0, cut) + random.pick(PIECES) + valid.slice(cut));
    }
  }
  // Deep nesting of every construct, from harmless depths to far past any limit.
  for (const depth of [10, 33, 100, 201, 1_000, 3_000]) {
    const open = (text: string) => text.repeat(depth);
    inputs.push(
      open('['),
      `${open('[')}${']'.repeat(depth)}`,
      `["${open('{{#call_id}}')}x${open('{{/call_id}}')}"]`,
      `<r>${open('{{#call_id}}')}x${open('{{/call_id}}')}</r>`,
      `<r>${open('{{^call_id}}')}${open('{{/call_id}}')}</r>`,
      `${open('<a>')}${open('</a>')}`,
      `${open('<a>')}{{call_id}}`,
      `<r>${open('{{#call_id}}<a>')}${open('</a>{{/call_id}}')}</r>`,
      open('{{#call_id}}'),
    );
  }
  return inputs;
}

describe('validators under hostile input', () => {
  it('answer every input with problems or none, never with an internal failure or an exception', () => {
    const failures: string[] = [];
    for (const body of hostileInputs()) {
      for (const [format, validate] of Object.entries(VALIDATORS)) {
        try {
          const internal = validate(body, CALL_FIELDS).find((problem) => INTERNAL_FAILURE.test(problem.message));
          if (internal) failures.push(`${format} ${JSON.stringify(body.slice(0, 200))}: ${internal.message}`);
        } catch (error) {
          failures.push(`${format} ${JSON.stringify(body.slice(0, 200))}: threw ${String(error)}`);
        }
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});
