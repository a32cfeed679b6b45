/**
 * The XML 1.0 grammar, checked by saxes (a conforming, well-kept streaming parser that runs
 * anywhere JavaScript does). The lenient validator and xml-wellformed.ts see to the errors they
 * word best; this catches the rest of what makes a document not well-formed: characters
 * outside XML's `Char` (U+0001, U+000C, U+FFFE…), `<` in an attribute value, `]]>` in text,
 * `--` in a comment, a processing instruction named `xml` (in any case) anywhere but the
 * start, and an XML declaration without its version or with a standalone other than yes/no.
 * It is also the check every rendered XML body passes before it is sent.
 */
import { SaxesParser } from 'saxes';
import { isLoneSurrogateAt } from './problems';
import type { WellFormednessOptions, XmlWellFormednessError } from './xml-wellformed';

/** What saxes says about the one root element, left to the rendered samples when sections may choose it. */
const ROOT_RULES = ['document must contain a root element', 'documents may contain only one root', 'text data outside of root node'];

export function xmlGrammarError(xml: string, options: WellFormednessOptions): XmlWellFormednessError | undefined {
  const parser = new SaxesParser({ position: true });
  let found: XmlWellFormednessError | undefined;
  parser.on('error', (error) => {
    if (found) return;
    // saxes words its errors "line:column: message."; positions are restated in our own counting.
    const said = error.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '');
    if (!options.singleRoot && ROOT_RULES.includes(said)) return;
    // Its position is just past the character it stopped at (for "]]>", the '>': point at its start).
    const back = said === 'the string "]]>" is disallowed in char data' ? 3 : 1;
    const offset = Math.min(Math.max(parser.position - back, 0), xml.length);
    // A lone surrogate is not text at all: validateTemplate reports it, where it is, for any format.
    if (said === 'disallowed character' && isLoneSurrogateAt(xml, offset)) return;
    found = { offset, message: explain(xml, offset, said) };
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    found ??= { offset: 0, message: `the XML could not be checked (${error instanceof Error ? error.message : String(error)})` };
  }
  return found;
}

/** saxes' terse words, with what to write instead where we can tell. */
function explain(xml: string, offset: number, said: string): string {
  const code = xml.codePointAt(offset) ?? 0;
  // A low surrogate read on its own means the character began one unit earlier.
  const character = code >= 0xdc00 && code <= 0xdfff ? (xml.codePointAt(offset - 1) ?? code) : code;
  switch (said) {
    case 'disallowed character':
      if (character === 0x3c) return "'<' cannot appear in an attribute value: write it as &lt;";
      return `character U+${character.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML (not even as a character reference)`;
    case 'the string "]]>" is disallowed in char data':
      return "']]>' cannot appear in text (it ends a CDATA section): write ']]&gt;'";
    case 'malformed comment':
      return "a comment cannot contain '--' or end with '--->'";
    case 'the XML declaration must appear at the start of the document':
    case 'an XML declaration must be at the start of the document':
      return "a processing instruction named 'xml' (in any case) is the XML declaration, which may only open the document";
    case 'XML declaration must contain a version':
    case 'expected one of version':
      return 'the XML declaration must give its version first, e.g. <?xml version="1.0" encoding="UTF-8"?>';
    case 'standalone value must match "yes" or "no"':
      return 'standalone in the XML declaration must be "yes" or "no"';
    default:
      return said;
  }
}
