import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { compileTemplate, validateTemplate, type TemplateProblem } from '../../src/domain/template';
import { CALL_FIELDS, HOSTILE_VALUES } from './fixtures';

function xmlProblems(body: string): TemplateProblem[] {
  return validateTemplate(body, 'xml', CALL_FIELDS);
}

function renderXml(body: string, values: Readonly<Record<string, string>>): string {
  return compileTemplate(body, 'xml').render(values);
}

function expectXmlSyntaxError(body: string, line: number, column: number, detail: RegExp): void {
  const problems = xmlProblems(body);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatchObject({ line, column });
  expect(problems[0]?.message).toMatch(new RegExp(`^XML syntax error at line ${line}, column ${column}: `));
  expect(problems[0]?.message).toMatch(detail);
}

const CALL_XML = `<?xml version="1.0" encoding="UTF-8"?>
<call id="{{call_id}}">
  <agent>{{agent_id}}</agent>
  <phone>{{contact_phone_number}}</phone>
  {{#in_business_hours}}<hours>{{in_business_hours}}</hours>{{/in_business_hours}}
</call>`;

describe('XML templates: well-formedness', () => {
  it('accepts a well-formed template', () => {
    expect(xmlProblems(CALL_XML)).toEqual([]);
  });

  it('reports a mismatched closing tag with line and column', () => {
    expectXmlSyntaxError('<call>\n  <agent>{{agent_id}}</call>\n</call>', 2, 22, /Expected closing tag 'agent' \(opened at line 2, column 3\)/);
  });

  it('reports an unclosed element', () => {
    expectXmlSyntaxError('<call>\n  <agent>{{agent_id}}</agent>', 1, 1, /Unclosed tag 'call'/);
  });

  it('reports a bare ampersand and an unquoted attribute', () => {
    expectXmlSyntaxError('<call>\n  a & b\n</call>', 2, 5, /char '&' is not expected/);
    expectXmlSyntaxError('<call id={{call_id}}/>', 1, 7, /without value/);
  });

  it('reports several root elements and text outside the root', () => {
    expectXmlSyntaxError('<a></a>\n<b></b>', 2, 3, /Multiple possible root nodes/);
    expectXmlSyntaxError('{{call_id}}<a/>', 1, 1, /char '\{' is not expected/);
    expectXmlSyntaxError('', 1, 1, /Start tag expected/);
  });

  it('refuses entities XML does not define and character references to characters it cannot carry', () => {
    expectXmlSyntaxError('<r>&nbsp;{{call_id}}</r>', 1, 4, /undefined entity &nbsp;: XML only defines &lt; &gt; &amp; &quot; &apos;/);
    expectXmlSyntaxError('<r>\n  ok &amp; &lt;&gt;&quot;&apos;&#65;&#x1F600; &x;</r>', 2, 47, /undefined entity &x;/);
    expectXmlSyntaxError('<r a="&copy;"/>', 1, 7, /undefined entity &copy;/);
    for (const reference of ['&#0;', '&#x1F;', '&#xD800;', '&#xFFFE;', '&#x110000;', '&#99999999999999999999;']) {
      expectXmlSyntaxError(`<r>${reference}</r>`, 1, 4, /names a character XML cannot contain/);
    }
    expect(xmlProblems('<r a="&#9;&#xA;&#13;&#x20;&#xD7FF;&#xE000;&#xFFFD;&#x10000;&#x10FFFF;">&#160;</r>')).toEqual([]);
    // References in comments, CDATA and processing instructions are not references.
    expect(xmlProblems('<r><!-- &nbsp; --><![CDATA[&nbsp;]]><?pi &nbsp;?></r>')).toEqual([]);
  });

  it('requires exactly one root element and nothing but markup around it', () => {
    expectXmlSyntaxError('<a/><b/>', 1, 5, /a second root element/);
    expectXmlSyntaxError('<a/>\n<b>{{call_id}}</b>', 2, 1, /a second root element/);
    expectXmlSyntaxError('<a></a>text', 1, 8, /Extra text at the end/);
    expectXmlSyntaxError('<a/>text', 1, 5, /content after the root element/);
    expectXmlSyntaxError('<a/>\n{{call_id}}', 2, 1, /content after the root element/);
    expectXmlSyntaxError('<a/>&amp;', 1, 5, /content after the root element/);
    expectXmlSyntaxError('<?xml version="1.0"?>\n<!-- only a comment -->', 1, 1, /Start tag expected/);
    // A prolog, comments, processing instructions and whitespace around the root are fine.
    expect(xmlProblems('\ufeff<?xml version="1.0"?>\n<!-- c --><?pi x?>\n<a/>\n<!-- c --> <?pi y?>\n')).toEqual([]);
  });

  it('lets sections choose the root element, and checks the rendered samples for a single root', () => {
    expect(xmlProblems('{{#call_id}}<a/>{{/call_id}}{{^call_id}}<b/>{{/call_id}}')).toEqual([]);
    const twoRoots = xmlProblems('{{#call_id}}<a/>{{/call_id}}<b/>');
    expect(twoRoots).toHaveLength(1);
    expect(twoRoots[0]?.message).toMatch(/^with all fields set, the rendered XML is not well-formed \(output line 1, column 5: a second root element/);
    expect(xmlProblems('<a/>{{#call_id}}{{call_id}}{{/call_id}}')[0]?.message).toMatch(/^with all fields set, .*content after the root element/);
  });

  it('counts \\r\\n and lone \\r as line breaks in XML positions too', () => {
    expectXmlSyntaxError('<a>\r\n<b></a>', 2, 4, /Expected closing tag 'b' \(opened at line 2, column 1\)/);
    expectXmlSyntaxError('<a>\r<b></a>', 2, 4, /Expected closing tag 'b' \(opened at line 2, column 1\)/);
  });

  it('refuses placeholders as element or attribute names', () => {
    expect(xmlProblems('<{{agent_id}}>x</{{agent_id}}>')[0]?.message).toMatch(/^XML syntax error at line 1, column \d+: Tag '\{\{agent_id\}\}' is an invalid name/);
    expect(xmlProblems('<a {{agent_id}}="1"/>')[0]?.message).toMatch(/^XML syntax error at line 1, column 4: /);
  });

  it('refuses placeholders inside comments, CDATA and processing instructions', () => {
    const cases: [string, RegExp][] = [
      ['<a><!-- {{agent_id}} --></a>', /placeholder \{\{agent_id\}\} is inside an XML comment/],
      ['<a><![CDATA[{{agent_id}}]]></a>', /placeholder \{\{agent_id\}\} is inside a CDATA section/],
      ['<?pi {{#agent_id}}x{{/agent_id}}?><a/>', /placeholder \{\{#agent_id\}\} is inside a processing instruction/],
    ];
    for (const [body, message] of cases) {
      const problems = xmlProblems(body);
      expect(problems, body).toHaveLength(1);
      expect(problems[0]?.message).toMatch(message);
      expect(problems[0]?.placeholder).toBe('agent_id');
    }
  });

  it('rejects sections that only break the XML once rendered with all fields empty', () => {
    const problems = xmlProblems('<call>\n  {{#agent_id}}<agent>{{/agent_id}}</agent>\n</call>');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^with all fields empty, the rendered XML is not well-formed .*must enclose whole elements/);
    expect(problems[0]?.line).toBeUndefined();
  });

  it('rejects sections that only break the XML once rendered with all fields set', () => {
    const problems = xmlProblems('<call>{{^agent_id}}<agent>{{/agent_id}}</agent></call>');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^with all fields set, the rendered XML is not well-formed/);
  });

  it('accepts sections around the root element, around attributes and mustache comments anywhere', () => {
    const body = '{{! <not-markup> }}{{#call_id}}<call {{#agent_id}}agent="{{agent_id}}"{{/agent_id}}>{{call_id}}</call>{{/call_id}}{{^call_id}}<none/>{{/call_id}}';
    expect(xmlProblems(body)).toEqual([]);
    expect(renderXml(body, { call_id: 'c1', agent_id: 'a&1' })).toBe('<call agent="a&amp;1">c1</call>');
    expect(renderXml(body, { call_id: 'c1' })).toBe('<call >c1</call>');
    expect(renderXml(body, {})).toBe('<none/>');
  });

  it('accepts the {{&name}} and {{{name}}} forms in text and attributes', () => {
    expect(xmlProblems('<a b="{{&agent_id}}" c="{{{agent_id}}}">{{&agent_id}}{{{agent_id}}}</a>')).toEqual([]);
  });

  it('reports unknown placeholders along with syntax errors', () => {
    const problems = xmlProblems('<a>{{nope}}</b>');
    expect(problems.map((problem) => problem.placeholder)).toEqual([undefined, 'nope']);
    expect(problems[0]?.message).toMatch(/^XML syntax error at line 1, column 12: /);
  });
});

describe('XML templates: rendering escapes every value', () => {
  const body = '<r a="{{agent_id}}" b=\'{{{agent_id}}}\' c="{{&agent_id}}">{{agent_id}}|{{{agent_id}}}|{{&agent_id}}|{{#agent_id}}{{.}}{{{.}}}{{/agent_id}}</r>';

  it('escapes & < > " \' in all tag forms, in text and attributes', () => {
    const escaped = '&lt;script&gt;&amp;&quot;&apos;';
    expect(renderXml(body, { agent_id: `<script>&"'` })).toBe(
      `<r a="${escaped}" b='${escaped}' c="${escaped}">${escaped}|${escaped}|${escaped}|${escaped}${escaped}</r>`,
    );
  });

  it('keeps the output well-formed whatever the values hold', () => {
    for (const value of HOSTILE_VALUES) {
      const output = renderXml(body, { agent_id: value });
      expect(XMLValidator.validate(output), JSON.stringify(value)).toBe(true);
      expect(output).not.toMatch(/<\/a>|<b>|<script>/);
    }
  });

  it('replaces characters XML 1.0 cannot carry with U+FFFD', () => {
    expect(renderXml('<r>{{agent_id}}</r>', { agent_id: 'a\u0000b\u001fc\ud800d\uffffe😀\tf\ng' })).toBe('<r>a\ufffdb\ufffdc\ufffdd\ufffde😀\tf\ng</r>');
  });

  it('renders missing fields as empty text and keeps literal markup as written', () => {
    expect(renderXml(CALL_XML, { call_id: '1' })).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<call id="1">
  <agent></agent>
  <phone></phone>
  
</call>`);
  });

  it('declares application/xml', () => {
    const compiled = compileTemplate('<a/>', 'xml');
    expect(compiled.contentType).toBe('application/xml');
    expect(compiled.format).toBe('xml');
    expect(compiled.render({})).toBe('<a/>');
  });
});

describe('XML document type declarations', () => {
  it('refuses <!DOCTYPE>, which could carry entities that attack the receiver', () => {
    const problems = validateTemplate('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>', 'xml', new Set());
    expect(problems).toEqual([expect.objectContaining({ line: 2, column: 1, message: expect.stringMatching(/^XML syntax error at line 2, column 1: a <!DOCTYPE> declaration is not allowed/) })]);
  });
});
