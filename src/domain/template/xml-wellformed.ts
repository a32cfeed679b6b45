/**
 * Well-formedness rules that fast-xml-parser's validator lets through (it is a lenient
 * parser): references to entities XML does not define (`&nbsp;`), character references to
 * characters XML cannot carry (`&#0;`), and documents without exactly one root element
 * (`<a/><b/>`, text after the root, no element at all). Receivers with a conforming XML
 * parser reject all of these, so a template must not produce them.
 *
 * Runs on XML the validator already accepted, so tags are balanced and quotes closed.
 */

export interface XmlWellFormednessError {
  offset: number;
  message: string;
}

export interface WellFormednessOptions {
  /**
   * Check that there is exactly one root element and nothing but markup around it. Off for
   * the markup of a template with sections, which may pick one root among several
   * (`{{#a}}<x/>{{/a}}{{^a}}<y/>{{/a}}`); its rendered samples are checked instead.
   */
  singleRoot: boolean;
}

const PREDEFINED_ENTITIES = new Set(['lt', 'gt', 'amp', 'quot', 'apos']);
const REFERENCE = /&(?:#([0-9]+)|#x([0-9A-Fa-f]+)|([^\s&;<>"'#][^\s&;<>"']*));/y;

export function xmlWellFormednessError(xml: string, options: WellFormednessOptions): XmlWellFormednessError | undefined {
  let depth = 0;
  let rootSeen = false;
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < xml.length) {
    const ch = xml.charAt(i);
    if (ch === '<') {
      if (xml.startsWith('<!--', i)) i = skipPast(xml, '-->', i + 4);
      else if (xml.startsWith('<?', i)) i = skipPast(xml, '?>', i + 2);
      else if (xml.startsWith('<![CDATA[', i)) {
        if (depth === 0 && options.singleRoot) return outsideRoot(i, rootSeen);
        i = skipPast(xml, ']]>', i + 9);
      } else if (xml.startsWith('<!', i)) i = skipPast(xml, '>', i + 2);
      else if (xml.charAt(i + 1) === '/') {
        depth--;
        i = skipPast(xml, '>', i + 2);
      } else {
        if (depth === 0 && rootSeen && options.singleRoot) {
          return { offset: i, message: 'a second root element: an XML document has exactly one root element, so enclose these elements in one' };
        }
        rootSeen ||= depth === 0;
        const tag = startTag(xml, i);
        if ('message' in tag) return tag;
        if (!tag.selfClosing) depth++;
        i = tag.end;
      }
    } else if (depth === 0) {
      if (!isXmlWhitespace(ch) && options.singleRoot) return outsideRoot(i, rootSeen);
      i++;
    } else {
      if (ch === '&') {
        const error = referenceError(xml, i);
        if (error) return error;
      }
      i++;
    }
  }
  if (!rootSeen && options.singleRoot) {
    return { offset: xml.length, message: 'no root element: an XML body is one element enclosing everything, e.g. <event>...</event>' };
  }
  return undefined;
}

/** Reads a start tag from its `<`, checking the references in its attribute values. */
function startTag(xml: string, start: number): { end: number; selfClosing: boolean } | XmlWellFormednessError {
  let i = start + 1;
  while (i < xml.length && xml.charAt(i) !== '>') {
    const quote = xml.charAt(i);
    if (quote === '"' || quote === "'") {
      const close = xml.indexOf(quote, i + 1);
      const valueEnd = close === -1 ? xml.length : close;
      for (let at = xml.indexOf('&', i + 1); at !== -1 && at < valueEnd; at = xml.indexOf('&', at + 1)) {
        const error = referenceError(xml, at);
        if (error) return error;
      }
      i = valueEnd;
    }
    i++;
  }
  return { end: i + 1, selfClosing: xml.charAt(i - 1) === '/' };
}

function referenceError(xml: string, at: number): XmlWellFormednessError | undefined {
  REFERENCE.lastIndex = at;
  const found = REFERENCE.exec(xml);
  if (!found) return { offset: at, message: "'&' must start a reference such as &amp; (write a literal & as &amp;)" };
  const [reference, decimal, hexadecimal, name] = found;
  if (name !== undefined) {
    if (PREDEFINED_ENTITIES.has(name)) return undefined;
    return {
      offset: at,
      message: `undefined entity ${reference}: XML only defines &lt; &gt; &amp; &quot; &apos;; use a numeric character reference such as &#160; for other characters`,
    };
  }
  const code = decimal !== undefined ? Number(decimal) : parseInt(hexadecimal ?? '', 16);
  if (isXmlChar(code)) return undefined;
  return { offset: at, message: `character reference ${reference} names a character XML cannot contain` };
}

/** XML 1.0 `Char`: tab, LF, CR, and U+0020 upwards except surrogates, U+FFFE and U+FFFF. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 || code === 0xa || code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
  );
}

function isXmlWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

function outsideRoot(offset: number, rootSeen: boolean): XmlWellFormednessError {
  return {
    offset,
    message: rootSeen
      ? 'content after the root element: everything must be inside the one root element'
      : 'content before the root element: everything must be inside the one root element',
  };
}

function skipPast(xml: string, terminator: string, from: number): number {
  const at = xml.indexOf(terminator, from);
  return at === -1 ? xml.length : at + terminator.length;
}
