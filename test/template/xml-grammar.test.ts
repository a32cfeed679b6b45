/**
 * What the XML 1.0 grammar refuses and a lenient validator let through: each is refused when
 * saved, with its line and column, and a body that only breaks once rendered is never sent.
 */
import { describe, expect, it } from 'vitest';
import { compileTemplate, RenderedXmlNotWellFormed, validateTemplate } from '../../src/domain/template';
import { CALL_FIELDS } from './fixtures';

function expectRefused(body: string, line: number, column: number, detail: string): void {
  const problems = validateTemplate(body, 'xml', CALL_FIELDS);
  expect(problems, JSON.stringify(body)).toEqual([{ line, column, placeholder: undefined, message: `XML syntax error at line ${line}, column ${column}: ${detail}` }]);
}

describe('XML templates: the XML 1.0 grammar', () => {
  it("refuses '<' in an attribute value", () => {
    expectRefused('<a b="<"/>', 1, 7, "'<' cannot appear in an attribute value: write it as &lt;");
    expectRefused("<call>\n  <agent id='{{agent_id}} <'/>\n</call>", 2, 27, "'<' cannot appear in an attribute value: write it as &lt;");
  });

  it("refuses ']]>' in text, written or completed by an empty value", () => {
    expectRefused('<a>]]></a>', 1, 4, "']]>' cannot appear in text (it ends a CDATA section): write ']]&gt;'");
    expect(validateTemplate('<a>]]{{call_id}}></a>', 'xml', CALL_FIELDS)).toEqual([{
      message: "with all fields empty, the rendered XML is not well-formed (output line 1, column 4: ']]>' cannot appear in text (it ends a CDATA section): " +
        "write ']]&gt;'): each section {{#field}}...{{/field}} must enclose whole elements",
    }]);
    expect(validateTemplate('<a>]]&gt; ]]<![CDATA[>]]></a>', 'xml', CALL_FIELDS)).toEqual([]);
  });

  it("refuses characters outside XML's Char, written as they are", () => {
    expectRefused('<a>\u0001</a>', 1, 4, 'character U+0001 is not allowed in XML (not even as a character reference)');
    expectRefused('<a>\n x\u000C</a>', 2, 3, 'character U+000C is not allowed in XML (not even as a character reference)');
    expectRefused('<a b="\uFFFE"/>', 1, 7, 'character U+FFFE is not allowed in XML (not even as a character reference)');
    expect(validateTemplate('<a b="\t">é😀\uFFFD\r\n</a>', 'xml', CALL_FIELDS)).toEqual([]);
  });

  it("refuses '--' inside a comment and a comment ending '--->'", () => {
    expectRefused('<a><!-- a -- b --></a>', 1, 13, "a comment cannot contain '--' or end with '--->'");
    expectRefused('<a><!-- a ---></a>', 1, 13, "a comment cannot contain '--' or end with '--->'");
    expect(validateTemplate('<a><!-- a - b --></a>', 'xml', CALL_FIELDS)).toEqual([]);
  });

  it("refuses a processing instruction named 'xml' in any case anywhere but the start", () => {
    const said = "a processing instruction named 'xml' (in any case) is the XML declaration, which may only open the document";
    expectRefused('<a><?XmL x?></a>', 1, 12, said);
    // The lenient validator knows this one, in its own words.
    expectRefused(' <?xml version="1.0"?><a/>', 1, 7, 'XML declaration allowed only at the start of the document');
    expectRefused('<a/>\n<?xml version="1.0"?>', 2, 6, said);
    expect(validateTemplate('\uFEFF<?xml version="1.0"?><?xml-stylesheet href="a"?><a><?pi x?></a>', 'xml', CALL_FIELDS)).toEqual([]);
  });

  it('refuses an XML declaration without version or with a standalone other than yes or no', () => {
    expectRefused('<?xml encoding="UTF-8"?><a/>', 1, 15, 'the XML declaration must give its version first, e.g. <?xml version="1.0" encoding="UTF-8"?>');
    expectRefused('<?xml version="1.0" standalone="maybe"?><a/>', 1, 38, 'standalone in the XML declaration must be "yes" or "no"');
    expect(validateTemplate('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a/>', 'xml', CALL_FIELDS)).toEqual([]);
  });
});

describe('XML bodies: checked again once rendered', () => {
  it("refuses a body a value completes into ']]>', saying where, instead of sending it", () => {
    const template = compileTemplate('<call>\n  <id>{{call_id}}></id>\n</call>', 'xml');
    expect(template.render({ call_id: 'CA]' })).toBe('<call>\n  <id>CA]&gt;</id>\n</call>'.replace('&gt;', '>'));
    const render = () => template.render({ call_id: 'CA]]' });
    expect(render).toThrow(RenderedXmlNotWellFormed);
    expect(render).toThrow("the rendered XML is not well-formed (line 2, column 9: ']]>' cannot appear in text (it ends a CDATA section): write ']]&gt;')");
  });

  it('refuses a mix of sections taken and skipped that the saved checks (all taken, all skipped) could not see', () => {
    const body = '<r>{{#call_id}}<x>{{/call_id}}{{#agent_id}}</x>{{/agent_id}}</r>';
    expect(validateTemplate(body, 'xml', CALL_FIELDS)).toEqual([]);
    const template = compileTemplate(body, 'xml');
    expect(template.render({ call_id: 'c', agent_id: 'a' })).toBe('<r><x></x></r>');
    expect(() => template.render({ call_id: 'c' })).toThrow('the rendered XML is not well-formed (line 1, column 10: unexpected close tag)');
  });
});
