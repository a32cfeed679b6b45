/**
 * Validation of the extra HTTP headers an administrator attaches to a webhook target
 * (typically `Authorization` for their receiver). Returns every problem at once so a form can
 * show them all; an empty list means the headers are acceptable.
 */

export interface HeaderProblem {
  /** Where the problem is, e.g. `headers` or `headers.X-Foo`. */
  path: string;
  message: string;
}

export const MAX_EXTRA_HEADERS = 20;
export const MAX_HEADER_NAME_LENGTH = 256;
export const MAX_HEADER_VALUE_LENGTH = 4096;

/**
 * A valid token that a plain JavaScript object cannot hold as a key: assigning it sets the
 * object's prototype instead, so schema parsers and copies drop it without a word and the header
 * would vanish between save and send. (`constructor`, `prototype` and the like are ordinary keys
 * and round-trip.) Exported so the HTTP layer can report it before its parser discards it.
 */
export const UNSTORABLE_HEADER_NAME = '__proto__';
export const UNSTORABLE_HEADER_NAME_PROBLEM = `header name ${JSON.stringify(UNSTORABLE_HEADER_NAME)} cannot be used (it cannot be stored as a header map key)`;

/** RFC 9110 §5.6.2 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Headers whose values HTTP Notifier computes per delivery (body framing, identity, signature). */
const SET_BY_PRODUCT = new Set(['host', 'content-type', 'content-length', 'content-encoding', 'user-agent']);

/**
 * Hop-by-hop and connection-control headers (RFC 9110 §7.6.1, §10.1.1, RFC 9112): they describe
 * one connection, not the message, and letting users set them invites request smuggling.
 */
const CONNECTION_CONTROL = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);

export function validateExtraHeaders(headers: unknown): HeaderProblem[] {
  if (headers === undefined || headers === null) return [];
  if (!isPlainObject(headers)) {
    return [{ path: 'headers', message: 'headers must be an object mapping header names to string values' }];
  }

  const problems: HeaderProblem[] = [];
  const entries = Object.entries(headers);
  if (entries.length > MAX_EXTRA_HEADERS) {
    problems.push({
      path: 'headers',
      message: `at most ${MAX_EXTRA_HEADERS} extra headers are allowed (got ${entries.length})`,
    });
  }

  // Lower-cased name -> name as first written, to point duplicates at the original.
  const seen = new Map<string, string>();
  for (const [name, value] of entries) {
    const path = `headers.${name}`;
    const nameProblem = checkName(name);
    if (nameProblem) {
      problems.push({ path, message: nameProblem });
    } else {
      const first = seen.get(name.toLowerCase());
      if (first !== undefined) {
        problems.push({
          path,
          message: `header name ${quote(name)} duplicates ${quote(first)} (header names are case-insensitive)`,
        });
      } else {
        seen.set(name.toLowerCase(), name);
      }
    }
    const valueProblem = checkValue(name, value);
    if (valueProblem) problems.push({ path, message: valueProblem });
  }
  return problems;
}

function checkName(name: string): string | null {
  if (name === '') return 'header name must not be empty';
  // Not echoed: a multi-kilobyte name would swamp the message.
  if (name.length > MAX_HEADER_NAME_LENGTH) return `header name is longer than ${MAX_HEADER_NAME_LENGTH} characters`;
  if (!TOKEN.test(name)) {
    return `header name ${quote(name)} is not a valid HTTP header name (only letters, digits and !#$%&'*+-.^_\`|~ are allowed)`;
  }
  if (name === UNSTORABLE_HEADER_NAME) return UNSTORABLE_HEADER_NAME_PROBLEM;
  const lower = name.toLowerCase();
  if (SET_BY_PRODUCT.has(lower) || lower.startsWith('webhook-')) {
    return `header name ${quote(name)} is set by HTTP Notifier and cannot be overridden`;
  }
  if (CONNECTION_CONTROL.has(lower)) {
    return `header name ${quote(name)} is a hop-by-hop (connection-control) header and cannot be set`;
  }
  if (lower.startsWith('proxy-')) {
    return `header name ${quote(name)} is reserved for proxies and cannot be set`;
  }
  return null;
}

function checkValue(name: string, value: unknown): string | null {
  const label = `value of header ${quote(name.length > MAX_HEADER_NAME_LENGTH ? name.slice(0, 40) + '…' : name)}`;
  if (typeof value !== 'string') return `${label} must be a string`;
  if (value.length > MAX_HEADER_VALUE_LENGTH) return `${label} is longer than ${MAX_HEADER_VALUE_LENGTH} characters`;
  // CR/LF would split the header into new ones (header injection); NUL truncates in many stacks.
  if (/[\r\n\0]/.test(value)) return `${label} must not contain CR, LF or NUL characters`;
  if (/[\x01-\x08\x0b-\x1f\x7f]/.test(value)) return `${label} must not contain control characters (tab is allowed)`;
  // fetch() rejects characters above U+00FF and sends U+0080-U+00FF as Latin-1 bytes that
  // receivers decode inconsistently, so only ASCII is portable.
  if (/[^\x00-\x7f]/.test(value)) return `${label} must contain only ASCII characters`;
  // fetch() would silently strip surrounding whitespace, so the receiver would not see the
  // value that was saved; refuse rather than trim behind the user's back.
  if (/^[ \t]|[ \t]$/.test(value)) return `${label} must not start or end with spaces or tabs`;
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** JSON quoting escapes control characters, so hostile names cannot garble the message. */
function quote(text: string): string {
  return JSON.stringify(text);
}
