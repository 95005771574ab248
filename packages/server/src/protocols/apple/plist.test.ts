import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildPlist,
  DEFAULT_PLIST_LIMITS,
  PlistError,
  type PlistErrorCode,
  type PlistLimits,
  PlistReal,
  type PlistValue,
  type PlistWritable,
  parsePlist,
  parsePlistDict,
} from './plist.js';

/** Hostile inputs must fail fast: every refusal is timed, not only bounded by the test timeout. */
const FAST_MS = 1000;

function expectPlistError(input: Uint8Array | string, code: PlistErrorCode, limits?: Partial<PlistLimits>): PlistError {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const started = performance.now();
  let error: unknown;
  try {
    parsePlist(bytes, limits);
  } catch (caught) {
    error = caught;
  }
  const elapsed = performance.now() - started;
  expect(error, 'parsePlist should have thrown').toBeInstanceOf(PlistError);
  const plistError = error as PlistError;
  expect(plistError.code, plistError.message).toBe(code);
  expect(elapsed).toBeLessThan(FAST_MS);
  return plistError;
}

const xml = (body: string, prolog = '<?xml version="1.0" encoding="UTF-8"?>\n') => Buffer.from(`${prolog}<plist version="1.0">${body}</plist>`, 'utf8');
const APPLE_DOCTYPE = '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">';

// --- a tiny binary plist assembler, for hand-made (and hand-broken) binary plists -------------------

const marker = (type: number, count: number): Buffer => {
  if (count < 15) return Buffer.from([(type << 4) | count]);
  return Buffer.concat([Buffer.from([(type << 4) | 0x0f]), bInt(count)]);
};
function bInt(value: number | bigint, size?: 1 | 2 | 4 | 8 | 16): Buffer {
  const n = BigInt(value);
  const bytes = size ?? (n >= 0n && n < 0x100n ? 1 : n >= 0n && n < 0x10000n ? 2 : n >= 0n && n < 0x100000000n ? 4 : 8);
  const out = Buffer.alloc(1 + bytes);
  out[0] = 0x10 | Math.log2(bytes);
  if (bytes === 16) {
    out.writeBigInt64BE(n >> 64n, 1);
    out.writeBigUInt64BE(BigInt.asUintN(64, n), 9);
  } else if (bytes === 8) out.writeBigInt64BE(n, 1);
  else out.writeUIntBE(Number(n), 1, bytes);
  return out;
}
const bAscii = (text: string) => Buffer.concat([marker(0x5, text.length), Buffer.from(text, 'latin1')]);
const bUtf16 = (text: string) => {
  const body = Buffer.from(text, 'utf16le').swap16();
  return Buffer.concat([marker(0x6, body.length / 2), body]);
};
const bData = (bytes: Uint8Array) => Buffer.concat([marker(0x4, bytes.length), bytes]);
const bReal = (value: number, size: 4 | 8 = 8) => {
  const out = Buffer.alloc(1 + size);
  out[0] = size === 4 ? 0x22 : 0x23;
  if (size === 4) out.writeFloatBE(value, 1);
  else out.writeDoubleBE(value, 1);
  return out;
};
const bDate = (date: Date) => {
  const out = Buffer.alloc(9);
  out[0] = 0x33;
  out.writeDoubleBE(date.getTime() / 1000 - 978_307_200, 1);
  return out;
};
const refs = (list: number[], refSize = 1) => {
  const out = Buffer.alloc(list.length * refSize);
  list.forEach((r, i) => {
    out.writeUIntBE(r, i * refSize, refSize);
  });
  return out;
};
const bArray = (list: number[], refSize = 1) => Buffer.concat([marker(0xa, list.length), refs(list, refSize)]);
const bDict = (keys: number[], values: number[], refSize = 1) => Buffer.concat([marker(0xd, keys.length), refs(keys, refSize), refs(values, refSize)]);

interface Assembly {
  objects: Buffer[];
  top?: number;
  offsetSize?: number;
  refSize?: number;
  objectCount?: bigint;
  topObject?: bigint;
  offsetTableOffset?: bigint;
  /** Replace computed offsets (to point them somewhere wrong). */
  offsets?: number[];
}
function bplist(spec: Assembly): Buffer {
  const offsets: number[] = [];
  let position = 8;
  for (const object of spec.objects) {
    offsets.push(position);
    position += object.length;
  }
  const offsetSize = spec.offsetSize ?? 4;
  const table = Buffer.alloc(spec.objects.length * offsetSize);
  (spec.offsets ?? offsets).forEach((offset, i) => {
    if (offsetSize > 6) table.writeBigUInt64BE(BigInt(offset), i * offsetSize + offsetSize - 8);
    else table.writeUIntBE(offset, i * offsetSize, offsetSize);
  });
  const trailer = Buffer.alloc(32);
  trailer[6] = offsetSize;
  trailer[7] = spec.refSize ?? 1;
  trailer.writeBigUInt64BE(spec.objectCount ?? BigInt(spec.objects.length), 8);
  trailer.writeBigUInt64BE(spec.topObject ?? BigInt(spec.top ?? 0), 16);
  trailer.writeBigUInt64BE(spec.offsetTableOffset ?? BigInt(position), 24);
  return Buffer.concat([Buffer.from('bplist00', 'latin1'), ...spec.objects, table, trailer]);
}

// ---------------------------------------------------------------------------------------------------

describe('buildPlist and parsePlist', () => {
  const sample: PlistValue = {
    CommandUUID: '0b3c2f9e-8a43-4c57-9c1d-3f8a4e0e2a11',
    Command: {
      RequestType: 'DeviceLock',
      Message: 'Return to <IT> & "Facilities" — \'thanks\' 😀',
      PhoneNumber: '+1 555 0100',
    },
    Integers: [0, 1, -1, 255, 65_536, 2 ** 32, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER],
    Reals: [0.5, -1.25, 1e-7, 6.02e23, Math.PI],
    True: true,
    False: false,
    When: new Date('2024-02-29T12:34:56Z'),
    Bytes: Buffer.from([0, 1, 2, 253, 254, 255]),
    Empty: { string: '', data: Buffer.alloc(0), array: [], dict: {} },
    Nested: [[[{ deep: ['x'] }]]],
    Whitespace: '  leading and trailing  \n\tline two\n',
    Controls: 'bell\u0007 carriage\r\nreturn',
    Unicode: 'Ærøskøbing · 東京 · 🚀',
    ArrowKey: 'a > b',
    toString: 'an own key that shadows Object.prototype is just a key',
  };

  it('round-trips every plist type', () => {
    const bytes = buildPlist(sample);
    expect(bytes.subarray(0, 38).toString()).toBe('<?xml version="1.0" encoding="UTF-8"?>');
    expect(bytes.toString()).toContain(APPLE_DOCTYPE);
    expect(parsePlist(bytes)).toEqual(sample);
  });

  it('writes what a reader expects: escaping, base64 data, ISO dates, integers and reals', () => {
    const text = buildPlist({ s: 'a&b<c>d', n: 3, r: 2.5, forced: new PlistReal(2), d: new Date('2025-01-02T03:04:05.678Z'), b: Buffer.from('hi') }).toString();
    expect(text).toContain('<string>a&amp;b&lt;c&gt;d</string>');
    expect(text).toContain('<integer>3</integer>');
    expect(text).toContain('<real>2.5</real>');
    expect(text).toContain('<real>2</real>');
    expect(text).toContain('<date>2025-01-02T03:04:05Z</date>');
    expect(text).toContain('<data>aGk=</data>');
    expect(parsePlist(Buffer.from(text))).toEqual({ s: 'a&b<c>d', n: 3, r: 2.5, forced: 2, d: new Date('2025-01-02T03:04:05Z'), b: Buffer.from('hi') });
  });

  it('round-trips non-finite reals and top-level scalars', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 'top', 42, true, [] as PlistValue[]]) {
      expect(parsePlist(buildPlist(value))).toEqual(value);
    }
  });

  it('leaves out undefined dictionary entries and keeps key order', () => {
    const parsed = parsePlistDict(buildPlist({ b: 1, a: undefined, c: 'x' }));
    expect(Object.keys(parsed)).toEqual(['b', 'c']);
  });

  it('refuses to write what a plist cannot carry', () => {
    const cyclic: Record<string, PlistWritable> = {};
    cyclic.self = cyclic;
    const cases: [unknown, PlistErrorCode][] = [
      [null, 'plist_invalid'],
      [{ a: null }, 'plist_invalid'],
      [[undefined], 'plist_invalid'],
      ['nul \u0000 char', 'plist_invalid'],
      [new Date(Number.NaN), 'plist_invalid'],
      [new Map(), 'plist_invalid'],
      [10n, 'plist_invalid'],
      [cyclic, 'plist_cycle'],
      [JSON.parse('{"__proto__": 1}'), 'plist_forbidden_key'],
      [{ constructor: 'x' }, 'plist_forbidden_key'],
    ];
    for (const [value, code] of cases) {
      expect(() => buildPlist(value as PlistWritable), String(value)).toThrow(expect.objectContaining({ code }));
    }
  });

  it('parsePlistDict refuses a top level that is not a dictionary', () => {
    expect(() => parsePlistDict(buildPlist(['a']))).toThrow(expect.objectContaining({ code: 'plist_invalid' }));
  });
});

describe('XML reader', () => {
  it('accepts plists without a declaration or DOCTYPE, with comments, CDATA and references', () => {
    const input = Buffer.from(
      `<!-- a comment --><plist>
        <dict>
          <!-- keys and values may be separated by comments -->
          <key>a&#x41;&#66;</key><string><![CDATA[<raw> & text]]> &quot;&apos;</string>
          <key>t</key><true></true>
          <key>f</key><false />
          <key>i</key><integer> 0x1F </integer>
          <key>n</key><integer>-0</integer>
          <key>d</key><data>
            AAEC
            AwQF
          </data>
          <key></key><string/>
        </dict>
      </plist>`,
    );
    expect(parsePlist(input)).toEqual({ aAB: '<raw> & text "\'', t: true, f: false, i: 31, n: 0, d: Buffer.from([0, 1, 2, 3, 4, 5]), '': '' });
  });

  it('accepts a UTF-8 byte-order mark and the old "Apple Computer" DOCTYPE', () => {
    const old = '<!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">';
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), xml('<string>ok</string>', `<?xml version="1.0" encoding="UTF-8"?>\n${old}\n`)]);
    expect(parsePlist(body)).toBe('ok');
  });

  it('tolerates whitespace before the XML declaration', () => {
    expect(parsePlist(Buffer.from(`\n  ${xml('<integer>7</integer>').toString()}`))).toBe(7);
  });

  it('normalises raw line breaks like any XML reader, but keeps &#13;', () => {
    expect(parsePlist(xml('<string>a\r\nb\rc&#13;</string>'))).toBe('a\nb\nc\r');
  });

  it('reads fractional-second dates and refuses impossible ones', () => {
    expect(parsePlist(xml('<date>2024-01-01T00:00:00.250Z</date>'))).toEqual(new Date('2024-01-01T00:00:00.250Z'));
    expectPlistError(xml('<date>2023-02-29T00:00:00Z</date>'), 'plist_invalid');
    expectPlistError(xml('<date>2023-02-01 00:00:00</date>'), 'plist_invalid');
  });

  it('refuses malformed documents', () => {
    const cases = [
      '',
      '   ',
      'not xml at all',
      '<plist version="1.0"><dict><key>a</key><string>b</string></plist>',
      '<plist version="1.0"><string>unterminated</plist>',
      '<plist version="1.0"><dict><key>a</key></dict></plist>',
      '<plist version="1.0"><dict><string>no key</string></dict></plist>',
      '<plist version="1.0"><key>loose</key></plist>',
      '<plist version="1.0"><foo/></plist>',
      '<plist version="1.0"><string attr="x">a</string></plist>',
      '<plist version="1.0" evil="1"><string>a</string></plist>',
      '<plist version="1.0"><array>text<string>a</string></array></plist>',
      '<plist version="1.0"><string>a</string><string>b</string></plist>',
      '<plist version="1.0"><string>a</string></plist><plist/>',
      '<plist version="1.0"/>',
      '<dict/>',
      '<plist version="1.0"><integer>12a</integer></plist>',
      '<plist version="1.0"><integer></integer></plist>',
      '<plist version="1.0"><real>1.2.3</real></plist>',
      '<plist version="1.0"><data>!!!!</data></plist>',
      '<plist version="1.0"><data>QQ=Q</data></plist>',
      '<plist version="1.0"><string>a & b</string></plist>',
      '<plist version="1.0"><string>&#0;</string></plist>',
      '<plist version="1.0"><string>&#xD800;</string></plist>',
      '<plist version="1.0"><string>a<b/>c</string></plist>',
      '<plist version="1.0"><true>yes</true></plist>',
      '<plist version="1.0"><string>a</strin></plist>',
      '<?xml version="1.0"?><plist version="1.0"><string><![CDATA[never closed</string></plist>',
      '<?xml version="1.0" encoding="UTF-8"?><!-- unterminated comment <plist/>',
      '<?xml version=1.0?><plist version="1.0"><string>a</string></plist>',
    ];
    for (const input of cases) expectPlistError(input, 'plist_invalid');
  });

  it('refuses invalid UTF-8, and UTF-16 or other encodings', () => {
    expectPlistError(
      Buffer.concat([Buffer.from('<plist version="1.0"><string>'), Buffer.from([0xc3, 0x28]), Buffer.from('</string></plist>')]),
      'plist_invalid',
    );
    expectPlistError(Buffer.from('\ufeff<plist version="1.0"><string>a</string></plist>', 'utf16le'), 'plist_unsupported');
    expectPlistError(xml('<string>a</string>', '<?xml version="1.0" encoding="ISO-8859-1"?>'), 'plist_unsupported');
  });

  it('refuses integers beyond 2^53 instead of rounding them', () => {
    expectPlistError(xml('<integer>9223372036854775807</integer>'), 'plist_unsupported');
    expectPlistError(xml('<integer>-9007199254740992</integer>'), 'plist_unsupported');
    expect(parsePlist(xml('<integer>-9007199254740991</integer>'))).toBe(-9007199254740991);
  });
});

describe('hostile XML', () => {
  it('billion laughs: refused at the DOCTYPE, nothing is expanded', () => {
    const laughs = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      '<!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
      ']>',
      '<plist version="1.0"><string>&lol9;</string></plist>',
    ].join('\n');
    expectPlistError(laughs, 'plist_entity');
  });

  it('external entities: refused', () => {
    expectPlistError(
      '<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><plist version="1.0"><string>&xxe;</string></plist>',
      'plist_entity',
    );
    expectPlistError(
      '<?xml version="1.0"?><!DOCTYPE plist SYSTEM "http://attacker.example/evil.dtd"><plist version="1.0"><string>a</string></plist>',
      'plist_entity',
    );
    expectPlistError(
      '<?xml version="1.0"?><!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://attacker.example/PropertyList-1.0.dtd"><plist version="1.0"><string>a</string></plist>',
      'plist_entity',
    );
  });

  it('the Apple DOCTYPE with an internal subset: refused', () => {
    const withSubset = APPLE_DOCTYPE.replace('>', ' [<!ENTITY a "b">]>');
    expectPlistError(xml('<string>&a;</string>', `<?xml version="1.0"?>${withSubset}`), 'plist_entity');
    expectPlistError(xml('<string>a</string>', `<?xml version="1.0"?>${APPLE_DOCTYPE.replace('>', ' []>')}`), 'plist_entity');
  });

  it('a second DOCTYPE, declarations in the body and undeclared entity references: refused', () => {
    expectPlistError(xml('<string>a</string>', `${APPLE_DOCTYPE}${APPLE_DOCTYPE}`), 'plist_entity');
    expectPlistError(xml(`<dict>${APPLE_DOCTYPE}</dict>`), 'plist_entity');
    expectPlistError(xml('<dict><!ENTITY a "b"></dict>'), 'plist_entity');
    expectPlistError(xml('<string>&lol;</string>'), 'plist_entity');
    expectPlistError(xml('<string><!ENTITY a "b"></string>'), 'plist_entity');
  });

  it('processing instructions other than the XML declaration: refused', () => {
    expectPlistError('<?xml-stylesheet href="x.xsl"?><plist version="1.0"><string>a</string></plist>', 'plist_entity');
    expectPlistError(xml('<dict><?php evil(); ?></dict>'), 'plist_entity');
    expectPlistError(xml('<string>a<?pi?></string>'), 'plist_entity');
    expectPlistError(`<?xml version="1.0"?>\n${xml('<string>a</string>').toString()}`, 'plist_entity');
  });

  it('10,000 levels of nesting: refused at the depth limit', () => {
    expectPlistError(xml(`${'<array>'.repeat(10_000)}${'</array>'.repeat(10_000)}`), 'plist_too_deep');
    expectPlistError(xml(`${'<dict><key>k</key>'.repeat(10_000)}<true/>${'</dict>'.repeat(10_000)}`), 'plist_too_deep');
    // exactly at the limit is fine
    const depth = DEFAULT_PLIST_LIMITS.maxDepth;
    expect(parsePlist(xml(`${'<array>'.repeat(depth)}${'</array>'.repeat(depth)}`))).toBeInstanceOf(Array);
  });

  it('__proto__, constructor and prototype keys: refused, and nothing is polluted', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      expectPlistError(xml(`<dict><key>${key}</key><dict><key>polluted</key><true/></dict></dict>`), 'plist_forbidden_key');
    }
    expectPlistError(xml('<dict><key>__pro&#116;o__</key><true/></dict>'), 'plist_forbidden_key');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('duplicate keys: refused', () => {
    expectPlistError(xml('<dict><key>Status</key><string>Acknowledged</string><key>Status</key><string>Error</string></dict>'), 'plist_duplicate_key');
  });

  it('more than 5 MB: refused before parsing', () => {
    const big = xml(`<string>${'A'.repeat(5 * 1024 * 1024)}</string>`);
    expectPlistError(big, 'plist_too_large');
  });

  it('too many objects, strings or data over their limits: refused', () => {
    expectPlistError(xml(`<array>${'<true/>'.repeat(101)}</array>`), 'plist_too_large', { maxObjects: 100 });
    expectPlistError(xml(`<string>${'a'.repeat(101)}</string>`), 'plist_too_large', { maxStringLength: 100 });
    expectPlistError(xml(`<dict><key>${'k'.repeat(101)}</key><true/></dict>`), 'plist_too_large', { maxStringLength: 100 });
    expectPlistError(xml(`<data>${Buffer.alloc(200).toString('base64')}</data>`), 'plist_too_large', { maxDataLength: 100 });
  });

  it('limits themselves are validated', () => {
    expect(() => parsePlist(xml('<true/>'), { maxDepth: 0 })).toThrow(RangeError);
    expect(() => parsePlist(xml('<true/>'), { maxDepth: 100_000 })).toThrow(RangeError);
  });
});

describe('binary reader', () => {
  it('reads every object type devices send', () => {
    const when = new Date('2024-05-06T07:08:09.5Z');
    // 0 dict, keys 1..9, values 10..18
    const keys = ['i1', 'i2', 'i4', 'i8', 'neg', 'r4', 'r8', 'date', 'data', 'ascii', 'utf16', 'arr', 'yes', 'no', 'i16'];
    const values = [
      bInt(200, 1),
      bInt(60_000, 2),
      bInt(4_000_000_000, 4),
      bInt(2 ** 40, 8),
      bInt(-5, 8),
      bReal(1.5, 4),
      bReal(Math.E),
      bDate(when),
      bData(Buffer.from([9, 8, 7])),
      bAscii('plain ascii'),
      bUtf16('Grüße 🚀 東京'),
      bArray([1, 1, 2]),
      Buffer.from([0x09]),
      Buffer.from([0x08]),
      bInt(2n ** 53n - 1n, 16),
    ];
    const keyRefs = keys.map((_, i) => 1 + i);
    const valueRefs = values.map((_, i) => 1 + keys.length + i);
    const input = bplist({ objects: [bDict(keyRefs, valueRefs), ...keys.map(bAscii), ...values] });
    expect(parsePlist(input)).toEqual({
      i1: 200,
      i2: 60_000,
      i4: 4_000_000_000,
      i8: 2 ** 40,
      neg: -5,
      r4: 1.5,
      r8: Math.E,
      date: when,
      data: Buffer.from([9, 8, 7]),
      ascii: 'plain ascii',
      utf16: 'Grüße 🚀 東京',
      arr: ['i1', 'i1', 'i2'],
      yes: true,
      no: false,
      i16: Number.MAX_SAFE_INTEGER,
    });
  });

  it('reads extended lengths, 2-byte references and 8-byte offsets', () => {
    const many = Array.from({ length: 300 }, (_, i) => i + 1);
    const input = bplist({ objects: [bArray(many, 2), ...many.map((n) => bInt(n))], refSize: 2, offsetSize: 8 });
    expect(parsePlist(input)).toEqual(many);
    // libplist writes the fewest bytes that fit: 3-byte offsets and references occur in the wild.
    expect(parsePlist(bplist({ objects: [bArray(many, 3), ...many.map((n) => bInt(n))], refSize: 3, offsetSize: 3 }))).toEqual(many);
    const long = 'x'.repeat(1000);
    expect(parsePlist(bplist({ objects: [bAscii(long)] }))).toBe(long);
  });

  it('refuses null, fill, UIDs, sets and other binary formats', () => {
    expectPlistError(bplist({ objects: [Buffer.from([0x00])] }), 'plist_unsupported');
    expectPlistError(bplist({ objects: [Buffer.from([0x0f])] }), 'plist_unsupported');
    expectPlistError(bplist({ objects: [Buffer.from([0x80, 0x01])] }), 'plist_unsupported');
    expectPlistError(bplist({ objects: [Buffer.from([0xc1, 0x01]), bInt(1)] }), 'plist_unsupported');
    expectPlistError(bplist({ objects: [Buffer.from([0x70])] }), 'plist_invalid');
    const v15 = bplist({ objects: [bInt(1)] });
    v15.write('bplist15', 0, 'latin1');
    expectPlistError(v15, 'plist_unsupported');
  });

  it('refuses 64-bit integers beyond 2^53', () => {
    expectPlistError(bplist({ objects: [bInt(2n ** 62n, 8)] }), 'plist_unsupported');
    expectPlistError(bplist({ objects: [bInt(2n ** 64n - 1n, 16)] }), 'plist_unsupported');
  });
});

describe('hostile binary', () => {
  it('a truncated trailer or file: refused', () => {
    const good = bplist({ objects: [bAscii('hello')] });
    expectPlistError(Buffer.from('bplist00'), 'plist_invalid');
    expectPlistError(good.subarray(0, good.length - 10), 'plist_invalid');
    expectPlistError(good.subarray(0, 20), 'plist_invalid');
  });

  it('trailer fields out of range: refused', () => {
    const objects = [bAscii('hello')];
    expectPlistError(bplist({ objects, refSize: 9 }), 'plist_invalid');
    expectPlistError(bplist({ objects, refSize: 0 }), 'plist_invalid');
    expectPlistError(bplist({ objects, objectCount: 0n }), 'plist_invalid');
    expectPlistError(bplist({ objects, topObject: 1n }), 'plist_invalid');
    expectPlistError(bplist({ objects, topObject: 2n ** 63n }), 'plist_invalid');
    expectPlistError(bplist({ objects, offsetTableOffset: 2n ** 64n - 1n }), 'plist_invalid');
    expectPlistError(bplist({ objects, offsetTableOffset: 0n }), 'plist_invalid');
    expectPlistError(bplist({ objects, offsetTableOffset: 9000n }), 'plist_invalid');
  });

  it('an object count that would overflow (2^62, 2^64 − 1): refused without allocating', () => {
    expectPlistError(bplist({ objects: [bAscii('x')], objectCount: 2n ** 62n }), 'plist_too_large');
    expectPlistError(bplist({ objects: [bAscii('x')], objectCount: 2n ** 64n - 1n }), 'plist_too_large');
    // under the object limit but more than the offset table can hold
    expectPlistError(bplist({ objects: [bAscii('x')], objectCount: 50_000n }), 'plist_invalid');
  });

  it('offsets and references past the end: refused', () => {
    expectPlistError(bplist({ objects: [bAscii('hello')], offsets: [60_000] }), 'plist_invalid');
    expectPlistError(bplist({ objects: [bAscii('hello')], offsets: [0] }), 'plist_invalid');
    expectPlistError(bplist({ objects: [bArray([7])] }), 'plist_invalid');
    expectPlistError(bplist({ objects: [bDict([1], [9]), bAscii('k')] }), 'plist_invalid');
  });

  it('lengths past the end: refused', () => {
    // an ASCII string that claims 14 characters but holds 3
    expectPlistError(bplist({ objects: [Buffer.concat([Buffer.from([0x5e]), Buffer.from('abc')])] }), 'plist_invalid');
    expectPlistError(bplist({ objects: [Buffer.concat([Buffer.from([0x4f]), bInt(5000), Buffer.from('abc')])] }), 'plist_invalid');
    expectPlistError(bplist({ objects: [Buffer.concat([Buffer.from([0x6f]), bInt(1000), Buffer.from('ab')])] }), 'plist_invalid');
    expectPlistError(bplist({ objects: [Buffer.concat([Buffer.from([0xaf]), bInt(1000), Buffer.from([0])])] }), 'plist_invalid');
    expectPlistError(bplist({ objects: [Buffer.from([0x13, 0, 0])] }), 'plist_invalid');
    expectPlistError(bplist({ objects: [Buffer.from([0x23, 0, 0])] }), 'plist_invalid');
    expectPlistError(bplist({ objects: [Buffer.from([0x5f, 0x20])] }), 'plist_invalid');
    expectPlistError(bplist({ objects: [Buffer.from([0x5f, 0x14, 0])] }), 'plist_invalid');
  });

  it('a huge declared string, data or container length: refused by size, not by allocation', () => {
    const huge = (type: number) => Buffer.concat([Buffer.from([(type << 4) | 0x0f]), bInt(2n ** 40n, 8), Buffer.from('abc')]);
    expectPlistError(bplist({ objects: [huge(0x5)] }), 'plist_too_large');
    expectPlistError(bplist({ objects: [huge(0x6)] }), 'plist_too_large');
    expectPlistError(bplist({ objects: [huge(0x4)] }), 'plist_too_large');
    expectPlistError(bplist({ objects: [huge(0xa)] }), 'plist_too_large');
    expectPlistError(bplist({ objects: [huge(0xd)] }), 'plist_too_large');
    const maxLength = Buffer.concat([Buffer.from([0x5f]), bInt(2n ** 64n - 1n, 16).subarray(0, 1), Buffer.alloc(8, 0xff)]);
    maxLength[1] = 0x13;
    expectPlistError(bplist({ objects: [maxLength] }), 'plist_too_large');
  });

  it('a self-referencing array and an indirect cycle: refused', () => {
    expectPlistError(bplist({ objects: [bArray([0])] }), 'plist_cycle');
    expectPlistError(bplist({ objects: [bArray([1]), bDict([2], [0]), bAscii('loop')] }), 'plist_cycle');
    // sharing without a cycle is fine
    expect(parsePlist(bplist({ objects: [bArray([1, 1]), bArray([2]), bAscii('s')] }))).toEqual([['s'], ['s']]);
  });

  it('10,000 levels of nesting: refused at the depth limit', () => {
    const levels = 10_000;
    const objects = Array.from({ length: levels }, (_, i) => (i === levels - 1 ? bArray([]) : Buffer.concat([Buffer.from([0xa1]), refs([i + 1], 2)])));
    expectPlistError(bplist({ objects, refSize: 2 }), 'plist_too_deep');
  });

  it('exponential sharing (a binary billion laughs): refused by the object count', () => {
    // 25 levels, each an array of 10 references to the next: 10^25 objects once expanded.
    const levels = 25;
    const objects = Array.from({ length: levels }, (_, i) => (i === levels - 1 ? bAscii('lol') : bArray(Array(10).fill(i + 1))));
    expectPlistError(bplist({ objects }), 'plist_too_large');
  });

  it('one large string shared many times: refused by the expansion budget', () => {
    const big = bAscii('x'.repeat(1024 * 1024));
    const objects = [bArray(Array(20).fill(1)), big];
    expectPlistError(bplist({ objects }), 'plist_too_large');
    // the same string twice is fine
    expect((parsePlist(bplist({ objects: [bArray([1, 1]), big] })) as string[]).length).toBe(2);
  });

  it('__proto__, constructor and prototype keys: refused', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      expectPlistError(bplist({ objects: [bDict([1], [2]), bAscii(key), Buffer.from([0x09])] }), 'plist_forbidden_key');
      expectPlistError(bplist({ objects: [bDict([1], [2]), bUtf16(key), Buffer.from([0x09])] }), 'plist_forbidden_key');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('duplicate keys and non-string keys: refused', () => {
    expectPlistError(bplist({ objects: [bDict([1, 1], [2, 2]), bAscii('k'), Buffer.from([0x09])] }), 'plist_duplicate_key');
    expectPlistError(bplist({ objects: [bDict([1, 2], [2, 2]), bAscii('k'), bUtf16('k')] }), 'plist_duplicate_key');
    expectPlistError(bplist({ objects: [bDict([1], [1]), bInt(3)] }), 'plist_invalid');
  });

  it('more than 5 MB: refused before parsing', () => {
    const big = bplist({ objects: [bData(Buffer.alloc(5 * 1024 * 1024))] });
    expectPlistError(big, 'plist_too_large');
  });

  it('dates out of range: refused', () => {
    const date = Buffer.alloc(9);
    date[0] = 0x33;
    date.writeDoubleBE(1e300, 1);
    expectPlistError(bplist({ objects: [date] }), 'plist_invalid');
    date.writeDoubleBE(Number.NaN, 1);
    expectPlistError(bplist({ objects: [date] }), 'plist_invalid');
  });
});

describe('fuzzing', () => {
  /** A small deterministic generator, so a failure can be replayed. */
  function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const seeds: Buffer[] = [
    buildPlist({ CommandUUID: 'abc', Status: 'Acknowledged', List: [1, 2.5, true, new Date(0), Buffer.from('xy'), { k: 'v' }] }),
    bplist({ objects: [bDict([1, 2], [3, 4]), bAscii('a'), bUtf16('b'), bArray([5, 6]), bInt(7)], top: 0 }),
  ];
  seeds.push(bplist({ objects: [bArray([1, 2, 3]), bReal(1.5), bDate(new Date(0)), bData(Buffer.from('z'))] }));

  it('random mutations of valid plists either parse or throw PlistError, quickly', () => {
    const next = random(20_240_601);
    const started = performance.now();
    let parsed = 0;
    for (let round = 0; round < 3000; round++) {
      const seed = seeds[round % seeds.length] as Buffer;
      const input = Buffer.from(seed);
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * input.length);
        input[at] = next() < 0.5 ? Math.floor(next() * 256) : (input[at] as number) ^ (1 << Math.floor(next() * 8));
      }
      try {
        parsePlist(input);
        parsed++;
      } catch (error) {
        if (!(error instanceof PlistError)) throw new Error(`round ${round}: ${String(error)} for ${input.toString('base64')}`);
      }
    }
    expect(parsed).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('every truncation of a valid plist parses or throws PlistError', () => {
    for (const seed of seeds) {
      for (let length = 0; length < seed.length; length++) {
        try {
          parsePlist(seed.subarray(0, length));
        } catch (error) {
          expect(error).toBeInstanceOf(PlistError);
        }
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------

const PLISTUTIL = '/usr/bin/plistutil';
const hasPlistutil = existsSync(PLISTUTIL);

describe('interoperability with libplist (plistutil)', () => {
  if (!hasPlistutil) {
    if (process.env.CI) {
      it('plistutil is installed', () => {
        expect.fail(`${PLISTUTIL} is missing; CI must install the Debian package libplist-utils`);
      });
    } else {
      it.skip('skipped: /usr/bin/plistutil is not installed (apt-get install libplist-utils to run these checks)', () => {});
    }
    return;
  }

  const dir = mkdtempSync(join(tmpdir(), 'steward-plist-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const samples: Record<string, PlistValue> = {
    envelope: {
      CommandUUID: 'c0ffee00-0000-4000-8000-000000000001',
      Command: { RequestType: 'DeviceLock', Message: 'Lost? Call <IT> & "us"', PhoneNumber: '+44 20 7946 0000' },
    },
    types: {
      Integers: [0, 1, 255, 256, 65_535, 65_536, -1, -65_536, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER],
      Reals: [0.5, -2.25, 1e-7, 123456.789],
      Booleans: [true, false],
      Date: new Date('2030-12-31T23:59:59Z'),
      Data: Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256)),
      Empty: { a: [], d: {}, s: '', b: Buffer.alloc(0) },
    },
    unicode: { Name: 'Zoë’s iPad — 東京 🚀', Controls: 'tab\there\nnewline', Long: 'x'.repeat(70_000) },
    nested: { Queries: ['DeviceName', 'OSVersion'], Deep: [[[[{ a: [{ b: 'c' }] }]]]] },
    shared: { A: 'same', B: 'same', C: ['same', 'same'], D: { same: 'same' } },
  };

  for (const [name, value] of Object.entries(samples)) {
    it(`plistutil reads "${name}" written by buildPlist, and its binary and XML come back equal`, () => {
      const source = join(dir, `${name}.plist`);
      const binary = join(dir, `${name}.bin`);
      const back = join(dir, `${name}.xml`);
      writeFileSync(source, buildPlist(value));
      execFileSync(PLISTUTIL, ['-i', source, '-o', binary, '-f', 'bin']);
      const binaryBytes = readFileSync(binary);
      expect(binaryBytes.subarray(0, 8).toString('latin1')).toBe('bplist00');
      expect(parsePlist(binaryBytes)).toEqual(value);
      execFileSync(PLISTUTIL, ['-i', binary, '-o', back, '-f', 'xml']);
      expect(parsePlist(readFileSync(back))).toEqual(value);
    });
  }
});
