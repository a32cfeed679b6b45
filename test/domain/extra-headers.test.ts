import { describe, expect, it } from 'vitest';
import { validateExtraHeaders } from '../../src/domain/extra-headers';

const one = (name: string, value: unknown = 'v') => validateExtraHeaders({ [name]: value });

describe('validateExtraHeaders: accepted', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['empty object', {}],
    ['Authorization', { Authorization: 'Bearer abc.def-ghi' }],
    ['Cookie', { Cookie: 'session=abc; theme=dark' }],
    ['custom headers', { 'X-Api-Key': 'k', 'X-Tenant': 'acme', Accept: 'application/json' }],
    ['every token character', { "!#$%&'*+.^_`|~09AZaz-": 'v' }],
    ['empty value', { 'X-Empty': '' }],
    ['inner spaces and tabs', { 'X-Text': 'a b\tc' }],
    ['visible ASCII', { 'X-Ascii': '!"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~' }],
    ['name of 256 characters', { ['X'.repeat(256)]: 'v' }],
    ['value of 4096 characters', { 'X-Long': 'a'.repeat(4096) }],
    ['20 headers', Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X-H${i}`, 'v']))],
    ['null-prototype object', Object.assign(Object.create(null) as object, { 'X-A': 'b' })],
    ['webhook without dash', { Webhooks: 'v', 'X-Webhook-Id': 'v', Proxy: 'v', Hosts: 'v' }],
  ])('%s', (_label, headers) => {
    expect(validateExtraHeaders(headers)).toEqual([]);
  });
});

describe('validateExtraHeaders: shape', () => {
  const shape = [{ path: 'headers', message: 'headers must be an object mapping header names to string values' }];
  it.each([
    ['string', 'Authorization: x'],
    ['number', 42],
    ['boolean', true],
    ['array', [['Authorization', 'x']]],
    ['Map', new Map([['Authorization', 'x']])],
    ['Date', new Date()],
    ['class instance', new (class Headersish { a = 'b'; })()],
    ['Headers', new Headers({ a: 'b' })],
  ])('refuses a %s', (_label, headers) => {
    expect(validateExtraHeaders(headers)).toEqual(shape);
  });

  it.each([
    ['number', 1],
    ['boolean', true],
    ['null', null],
    ['undefined', undefined],
    ['array', ['a']],
    ['object', { a: 1 }],
  ])('refuses a %s value', (_label, value) => {
    // Not via one(): its default parameter would turn undefined into 'v'.
    expect(validateExtraHeaders({ 'X-A': value })).toEqual([
      { path: 'headers.X-A', message: 'value of header "X-A" must be a string' },
    ]);
  });

  it('refuses more than 20 headers', () => {
    const headers = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v']));
    expect(validateExtraHeaders(headers)).toEqual([
      { path: 'headers', message: 'at most 20 extra headers are allowed (got 21)' },
    ]);
  });

  it('reports every problem at once', () => {
    expect(validateExtraHeaders({ Host: 'x', 'X-A': 1, 'Bad Name': 'v\n' })).toEqual([
      { path: 'headers.Host', message: 'header name "Host" is set by HTTP Notifier and cannot be overridden' },
      { path: 'headers.X-A', message: 'value of header "X-A" must be a string' },
      { path: 'headers.Bad Name', message: 'header name "Bad Name" is not a valid HTTP header name (only letters, digits and !#$%&\'*+-.^_`|~ are allowed)' },
      { path: 'headers.Bad Name', message: 'value of header "Bad Name" must not contain CR, LF or NUL characters' },
    ]);
  });
});

describe('validateExtraHeaders: names', () => {
  it('refuses an empty name', () => {
    expect(one('')).toEqual([{ path: 'headers.', message: 'header name must not be empty' }]);
  });

  it('refuses a name over 256 characters without echoing it', () => {
    const name = 'X'.repeat(257);
    expect(one(name)).toEqual([{ path: `headers.${name}`, message: 'header name is longer than 256 characters' }]);
  });

  it.each(['X Foo', 'X:Foo', 'X-Foo:', '(X)', 'X/Y', 'X@Y', 'X,Y', 'X;Y', 'X=Y', 'X"Y', 'X[Y]', 'X{Y}', 'X\\Y', 'X?Y', 'X\tY', 'X\r\nY', 'X\0Y', 'Ünicode', 'X-É'])(
    'refuses non-token name %j',
    (name) => {
      expect(one(name)).toEqual([
        {
          path: `headers.${name}`,
          message: `header name ${JSON.stringify(name)} is not a valid HTTP header name (only letters, digits and !#$%&'*+-.^_\`|~ are allowed)`,
        },
      ]);
    },
  );

  it('escapes control characters when quoting a name', () => {
    const [problem] = one('X\r\nInjected: 1');
    expect(problem?.message).toContain('"X\\r\\nInjected: 1"');
    expect(problem?.message).not.toMatch(/[\r\n]/);
  });

  it.each(['Host', 'host', 'Content-Type', 'CONTENT-LENGTH', 'Content-Encoding', 'User-Agent', 'webhook-id', 'Webhook-Timestamp', 'WEBHOOK-SIGNATURE', 'Webhook-Anything'])(
    'refuses %s as set by the product',
    (name) => {
      expect(one(name)).toEqual([
        { path: `headers.${name}`, message: `header name "${name}" is set by HTTP Notifier and cannot be overridden` },
      ]);
    },
  );

  it.each(['Connection', 'Keep-Alive', 'Transfer-Encoding', 'TE', 'Trailer', 'Upgrade', 'Expect'])(
    'refuses %s as hop-by-hop',
    (name) => {
      expect(one(name)).toEqual([
        { path: `headers.${name}`, message: `header name "${name}" is a hop-by-hop (connection-control) header and cannot be set` },
      ]);
    },
  );

  it.each(['Proxy-Authorization', 'Proxy-Connection', 'proxy-authenticate', 'Proxy-Anything'])(
    'refuses %s as reserved for proxies',
    (name) => {
      expect(one(name)).toEqual([
        { path: `headers.${name}`, message: `header name "${name}" is reserved for proxies and cannot be set` },
      ]);
    },
  );

  it('refuses __proto__, which a plain object cannot hold as a key', () => {
    const problem = [{ path: 'headers.__proto__', message: 'header name "__proto__" cannot be used (it cannot be stored as a header map key)' }];
    // As a JSON request body arrives: JSON.parse makes it an own key.
    expect(validateExtraHeaders(JSON.parse('{"__proto__": "x"}'))).toEqual(problem);
    expect(one('__proto__')).toEqual(problem);
  });

  it.each(['constructor', 'prototype', 'toString', 'hasOwnProperty', '__PROTO__', '__defineGetter__'])(
    'accepts %s: an ordinary object key that round-trips',
    (name) => {
      expect(one(name)).toEqual([]);
      expect(Object.keys(JSON.parse(JSON.stringify({ [name]: 'v' })))).toEqual([name]);
    },
  );

  it.each([
    ['X-A', 'x-a'],
    ['Authorization', 'AUTHORIZATION'],
    ['x-tenant', 'X-Tenant'],
  ])('refuses %s and %s as duplicates', (first, second) => {
    expect(validateExtraHeaders({ [first]: '1', [second]: '2' })).toEqual([
      {
        path: `headers.${second}`,
        message: `header name "${second}" duplicates "${first}" (header names are case-insensitive)`,
      },
    ]);
  });

  it('reports each later duplicate against the first spelling', () => {
    expect(validateExtraHeaders({ 'X-A': '1', 'x-a': '2', 'X-a': '3' }).map((p) => p.message)).toEqual([
      'header name "x-a" duplicates "X-A" (header names are case-insensitive)',
      'header name "X-a" duplicates "X-A" (header names are case-insensitive)',
    ]);
  });
});

describe('validateExtraHeaders: values', () => {
  it('refuses a value over 4096 characters', () => {
    expect(one('X-Long', 'a'.repeat(4097))).toEqual([
      { path: 'headers.X-Long', message: 'value of header "X-Long" is longer than 4096 characters' },
    ]);
  });

  it.each([
    ['CR', 'a\rb'],
    ['LF', 'a\nb'],
    ['CRLF injection', 'x\r\nX-Injected: 1'],
    ['NUL', 'a\0b'],
    ['trailing LF', 'abc\n'],
  ])('refuses %s', (_label, value) => {
    expect(one('X-A', value)).toEqual([
      { path: 'headers.X-A', message: 'value of header "X-A" must not contain CR, LF or NUL characters' },
    ]);
  });

  it.each([
    ['SOH', 'a\x01b'],
    ['BS', 'a\bb'],
    ['VT', 'a\vb'],
    ['FF', 'a\fb'],
    ['ESC', 'a\x1bb'],
    ['US', 'a\x1fb'],
    ['DEL', 'a\x7fb'],
  ])('refuses control character %s', (_label, value) => {
    expect(one('X-A', value)).toEqual([
      { path: 'headers.X-A', message: 'value of header "X-A" must not contain control characters (tab is allowed)' },
    ]);
  });

  it.each([
    ['Latin-1', 'café'],
    ['C1 control', 'a\u0085b'],
    ['euro sign', '€5'],
    ['emoji', 'ok 👍'],
    ['line separator', 'a\u2028b'],
  ])('refuses non-ASCII (%s)', (_label, value) => {
    expect(one('X-A', value)).toEqual([
      { path: 'headers.X-A', message: 'value of header "X-A" must contain only ASCII characters' },
    ]);
  });

  it.each([
    ['leading space', ' Bearer x'],
    ['trailing space', 'Bearer x '],
    ['leading tab', '\tBearer x'],
    ['trailing tab', 'Bearer x\t'],
    ['only spaces', '   '],
  ])('refuses %s', (_label, value) => {
    expect(one('Authorization', value)).toEqual([
      {
        path: 'headers.Authorization',
        message: 'value of header "Authorization" must not start or end with spaces or tabs',
      },
    ]);
  });
});
