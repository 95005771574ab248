/**
 * Property lists: the wire format of Apple MDM check-ins, commands and results.
 *
 * Everything a device sends is hostile until proven otherwise, so the reader is written for that:
 * - input size, nesting depth, object count and string/data lengths are bounded (`PlistLimits`);
 * - XML: a small strict parser for the plist grammar only. No DTD processing at all: the one standard
 *   Apple DOCTYPE line is recognised and skipped, any other DOCTYPE, any ENTITY declaration, any
 *   processing instruction but the XML declaration, and any entity reference but the five predefined
 *   ones and numeric character references are refused, so entity expansion attacks have nothing to expand;
 * - binary (`bplist00`): the trailer and every offset, length and reference are checked against the
 *   buffer before use; cycles are refused; shared references are counted each time they are expanded,
 *   so a small file can't unfold into a huge tree;
 * - dictionary keys `__proto__`, `constructor` and `prototype` and duplicate keys are refused, so a
 *   parsed dictionary is a plain object that is safe to spread, merge and index.
 *
 * Numbers: `<integer>` and `<real>` both parse to `number`. An integer outside ±(2^53 − 1) is refused
 * (`plist_unsupported`) rather than silently rounded; no MDM key needs one. The writer emits a `number`
 * as `<integer>` when it is a safe integer and as `<real>` otherwise; wrap a value in `PlistReal` to
 * force `<real>` for an integral real (a simulated device reporting `BatteryLevel` 1.0, say).
 *
 * @example
 * const bytes = buildPlist({ CommandUUID: id, Command: { RequestType: 'DeviceLock' } });
 * const value = parsePlist(bytes); // { CommandUUID: id, Command: { RequestType: 'DeviceLock' } }
 */

export type PlistValue = string | number | boolean | Date | Uint8Array | PlistValue[] | PlistDict;
export interface PlistDict {
  [key: string]: PlistValue;
}

/** Forces `<real>` on output for a number that happens to be integral. Only the writer knows it. */
export class PlistReal {
  constructor(readonly value: number) {}
}

/** What `buildPlist` accepts: plist values, `PlistReal`, and dictionaries whose `undefined` entries are left out. */
export type PlistWritable = string | number | boolean | Date | Uint8Array | PlistReal | readonly PlistWritable[] | PlistWritableDict;
export interface PlistWritableDict {
  readonly [key: string]: PlistWritable | undefined;
}

/** Stable error codes; callers branch on them, messages may change. */
export type PlistErrorCode =
  /** Not a well-formed plist (bad syntax, bad offsets, wrong types where the format requires one). */
  | 'plist_invalid'
  /** A DTD, entity, or processing instruction: XML features a plist has no use for. */
  | 'plist_entity'
  | 'plist_too_deep'
  /** The input, an object count, a string or data length, or the expanded size is over its limit. */
  | 'plist_too_large'
  | 'plist_forbidden_key'
  | 'plist_duplicate_key'
  /** A binary plist container that contains itself. */
  | 'plist_cycle'
  /** Valid plist that Steward doesn't accept: UIDs, sets, null, integers beyond 2^53, non-UTF-8 XML. */
  | 'plist_unsupported';

export class PlistError extends Error {
  override name = 'PlistError';
  constructor(
    readonly code: PlistErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface PlistLimits {
  /** Largest input accepted, in bytes. */
  readonly maxBytes: number;
  /** Deepest nesting of arrays and dictionaries; the top-level container is depth 1. */
  readonly maxDepth: number;
  /** Most values (including dictionary keys) in the parsed tree, counting shared binary objects once per use. */
  readonly maxObjects: number;
  /** Longest string or key, in UTF-16 code units. */
  readonly maxStringLength: number;
  /** Largest `<data>` value, in bytes. */
  readonly maxDataLength: number;
}

export const DEFAULT_PLIST_LIMITS: PlistLimits = Object.freeze({
  maxBytes: 4 * 1024 * 1024,
  maxDepth: 32,
  maxObjects: 100_000,
  maxStringLength: 1024 * 1024,
  maxDataLength: 4 * 1024 * 1024,
});

/** Recursion is bounded by `maxDepth`; this keeps a careless caller from asking for a stack overflow. */
const MAX_DEPTH_CEILING = 1000;
/** Binary plists share objects; the total string and data content they expand to is capped at this multiple of `maxBytes`. */
const BINARY_EXPANSION_FACTOR = 4;

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const isForbiddenKey = (key: string): boolean => FORBIDDEN_KEYS.has(key);

export const isPlistDict = (value: unknown): value is PlistDict =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);

function resolveLimits(limits: Partial<PlistLimits> | undefined): PlistLimits {
  const merged = { ...DEFAULT_PLIST_LIMITS, ...limits };
  for (const [name, value] of Object.entries(merged)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`plist limit ${name} must be a positive integer`);
  }
  if (merged.maxDepth > MAX_DEPTH_CEILING) throw new RangeError(`plist limit maxDepth must be at most ${MAX_DEPTH_CEILING}`);
  return merged;
}

/**
 * Parses an XML or binary (`bplist00`) property list.
 * @throws PlistError for anything malformed, refused or over a limit; never anything else for any input bytes.
 */
export function parsePlist(input: Uint8Array, limits?: Partial<PlistLimits>): PlistValue {
  const resolved = resolveLimits(limits);
  if (!(input instanceof Uint8Array)) throw new PlistError('plist_invalid', 'plist input must be bytes');
  if (input.byteLength > resolved.maxBytes) throw new PlistError('plist_too_large', `plist is ${input.byteLength} bytes; the limit is ${resolved.maxBytes}`);
  const buffer = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buffer.subarray(0, 6).toString('latin1') === 'bplist') return new BinaryPlistReader(buffer, resolved).read();
  return new XmlPlistReader(decodeXml(buffer), resolved).read();
}

/** `parsePlist` for messages whose top level must be a dictionary (check-ins, results, envelopes). */
export function parsePlistDict(input: Uint8Array, limits?: Partial<PlistLimits>): PlistDict {
  const value = parsePlist(input, limits);
  if (!isPlistDict(value)) throw new PlistError('plist_invalid', 'the top-level plist value is not a dictionary');
  return value;
}

// ---------------------------------------------------------------------------------------------------
// XML reader

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decodeXml(buffer: Buffer): string {
  if ((buffer[0] === 0xfe && buffer[1] === 0xff) || (buffer[0] === 0xff && buffer[1] === 0xfe)) {
    throw new PlistError('plist_unsupported', 'UTF-16 XML plists are not accepted; send UTF-8');
  }
  try {
    // The decoder drops a leading UTF-8 byte-order mark.
    return UTF8.decode(buffer);
  } catch {
    throw new PlistError('plist_invalid', 'the XML plist is not valid UTF-8');
  }
}

const XML_DECLARATION =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z0-9._-]+)\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\4)?[ \t\r\n]*\?>/y;
/** The DOCTYPE Apple's writers emit (and, for old macOS, its "Apple Computer" spelling); no internal subset. */
const APPLE_DOCTYPE =
  /<!DOCTYPE[ \t\r\n]+plist[ \t\r\n]+PUBLIC[ \t\r\n]+"-\/\/Apple(?: Computer)?\/\/DTD PLIST 1\.0\/\/EN"[ \t\r\n]+"http:\/\/www\.apple\.com\/DTDs\/PropertyList-1\.0\.dtd"[ \t\r\n]*>/y;
const NAME = /[A-Za-z_][A-Za-z0-9._-]*/y;
const WHITESPACE = /[ \t\r\n]*/y;
const ATTRIBUTE = /([A-Za-z_][A-Za-z0-9._:-]*)[ \t\r\n]*=[ \t\r\n]*(?:"([^"<&]*)"|'([^'<&]*)')/y;
const REFERENCE = /&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,8})|#x([0-9A-Fa-f]{1,8}));/y;
const NAMED_REFERENCE = /&[A-Za-z_][A-Za-z0-9._-]*;/y;
const TEXT_SPECIAL = /[<&]/g;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const INTEGER_DECIMAL = /^[+-]?[0-9]{1,32}$/;
const INTEGER_HEX = /^([+-]?)0[xX]([0-9A-Fa-f]{1,32})$/;
const REAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?Z$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const XML_SPACE = /[ \t\r\n]+/g;

interface StartTag {
  name: string;
  attributes: Map<string, string>;
  selfClosing: boolean;
  at: number;
}

class XmlPlistReader {
  private pos = 0;
  private objects = 0;

  constructor(
    private readonly text: string,
    private readonly limits: PlistLimits,
  ) {}

  read(): PlistValue {
    this.prolog();
    const root = this.startTag();
    if (root.name !== 'plist') this.fail('plist_invalid', `the root element is <${root.name}>, not <plist>`, root.at);
    for (const name of root.attributes.keys()) if (name !== 'version') this.fail('plist_invalid', `<plist> has an unexpected attribute ${name}`, root.at);
    if (root.selfClosing) this.fail('plist_invalid', '<plist> is empty', root.at);
    this.misc();
    const value = this.value(0);
    this.misc();
    this.endTag('plist');
    this.misc();
    if (this.pos !== this.text.length) this.fail('plist_invalid', 'content after </plist>');
    return value;
  }

  private fail(code: PlistErrorCode, message: string, at = this.pos): never {
    throw new PlistError(code, `${message} (XML plist, character ${at})`);
  }

  private startsWith(literal: string): boolean {
    return this.text.startsWith(literal, this.pos);
  }

  private match(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text);
    if (found) this.pos = pattern.lastIndex;
    return found;
  }

  private skipWhitespace(): void {
    this.match(WHITESPACE);
  }

  private prolog(): void {
    // Strictly no whitespace may precede the declaration; some writers emit a newline first, which is harmless.
    this.skipWhitespace();
    if (/^<\?xml[ \t\r\n]/.test(this.text.slice(this.pos, this.pos + 6))) {
      const declaration = this.match(XML_DECLARATION);
      if (!declaration) this.fail('plist_invalid', 'malformed XML declaration');
      const encoding = declaration[3];
      if (encoding !== undefined && encoding.toLowerCase() !== 'utf-8')
        this.fail('plist_unsupported', `XML encoding ${encoding} is not accepted; send UTF-8`, 0);
    }
    let doctype = false;
    for (;;) {
      this.misc(true);
      if (!this.startsWith('<!DOCTYPE')) return;
      const at = this.pos;
      if (doctype || !this.match(APPLE_DOCTYPE)) this.fail('plist_entity', 'a DOCTYPE other than the standard Apple plist DOCTYPE', at);
      doctype = true;
    }
  }

  /** Whitespace and comments between elements; refuses DTD declarations and processing instructions anywhere. */
  private misc(inProlog = false): void {
    for (;;) {
      this.skipWhitespace();
      if (this.startsWith('<!--')) this.comment();
      else if (this.startsWith('<?')) this.fail('plist_entity', 'processing instructions are not accepted');
      else if (inProlog && this.startsWith('<!DOCTYPE')) return;
      else if (this.startsWith('<![CDATA[')) this.fail('plist_invalid', 'CDATA where an element was expected');
      else if (this.startsWith('<!')) this.fail('plist_entity', 'DTD declarations are not accepted');
      else return;
    }
  }

  private comment(): void {
    const end = this.text.indexOf('-->', this.pos + 4);
    if (end < 0) this.fail('plist_invalid', 'unterminated comment');
    this.pos = end + 3;
  }

  private startTag(): StartTag {
    const at = this.pos;
    if (this.text[this.pos] !== '<') this.fail('plist_invalid', 'expected an element');
    this.pos++;
    const name = this.match(NAME)?.[0];
    if (name === undefined) this.fail('plist_invalid', 'malformed start tag', at);
    const attributes = new Map<string, string>();
    for (;;) {
      const before = this.pos;
      this.skipWhitespace();
      if (this.startsWith('/>')) {
        this.pos += 2;
        return { name, attributes, selfClosing: true, at };
      }
      if (this.startsWith('>')) {
        this.pos += 1;
        return { name, attributes, selfClosing: false, at };
      }
      if (this.pos === before) this.fail('plist_invalid', `malformed <${name}> tag`, at);
      const attribute = this.match(ATTRIBUTE);
      if (!attribute?.[1]) this.fail('plist_invalid', `malformed attribute in <${name}>`);
      if (attributes.has(attribute[1])) this.fail('plist_invalid', `duplicate attribute ${attribute[1]} in <${name}>`);
      attributes.set(attribute[1], attribute[2] ?? attribute[3] ?? '');
    }
  }

  private endTag(name: string): void {
    const at = this.pos;
    if (!this.startsWith('</')) this.fail('plist_invalid', `expected </${name}>`);
    this.pos += 2;
    const found = this.match(NAME)?.[0];
    this.skipWhitespace();
    if (found !== name || this.text[this.pos] !== '>') this.fail('plist_invalid', `expected </${name}>`, at);
    this.pos++;
  }

  private count(): void {
    if (++this.objects > this.limits.maxObjects) this.fail('plist_too_large', `more than ${this.limits.maxObjects} objects`);
  }

  private value(depth: number): PlistValue {
    const tag = this.startTag();
    if (tag.attributes.size > 0) this.fail('plist_invalid', `<${tag.name}> takes no attributes`, tag.at);
    this.count();
    switch (tag.name) {
      case 'dict':
        return this.dict(tag, this.enter(depth));
      case 'array':
        return this.array(tag, this.enter(depth));
      case 'string':
        return tag.selfClosing ? '' : this.content('string', this.limits.maxStringLength);
      case 'integer':
        return this.integer(this.scalarText(tag));
      case 'real':
        return this.real(this.scalarText(tag));
      case 'date':
        return this.date(this.scalarText(tag));
      case 'data':
        return this.data(tag);
      case 'true':
      case 'false':
        if (!tag.selfClosing) {
          this.misc();
          this.endTag(tag.name);
        }
        return tag.name === 'true';
      case 'key':
        return this.fail('plist_invalid', '<key> outside a dictionary', tag.at);
      default:
        return this.fail('plist_invalid', `unknown element <${tag.name}>`, tag.at);
    }
  }

  private enter(depth: number): number {
    if (depth + 1 > this.limits.maxDepth) this.fail('plist_too_deep', `nesting deeper than ${this.limits.maxDepth}`);
    return depth + 1;
  }

  private dict(tag: StartTag, depth: number): PlistDict {
    const dict: PlistDict = {};
    if (tag.selfClosing) return dict;
    for (;;) {
      this.misc();
      if (this.startsWith('</')) {
        this.endTag('dict');
        return dict;
      }
      const keyTag = this.startTag();
      if (keyTag.name !== 'key') this.fail('plist_invalid', `expected <key> in a dictionary, found <${keyTag.name}>`, keyTag.at);
      if (keyTag.attributes.size > 0) this.fail('plist_invalid', '<key> takes no attributes', keyTag.at);
      this.count();
      const key = keyTag.selfClosing ? '' : this.content('key', this.limits.maxStringLength);
      if (isForbiddenKey(key)) this.fail('plist_forbidden_key', `dictionary key "${key}" is not accepted`, keyTag.at);
      if (Object.hasOwn(dict, key)) this.fail('plist_duplicate_key', `duplicate dictionary key "${key}"`, keyTag.at);
      this.misc();
      if (this.startsWith('</')) this.fail('plist_invalid', `dictionary key "${key}" has no value`);
      dict[key] = this.value(depth);
    }
  }

  private array(tag: StartTag, depth: number): PlistValue[] {
    const array: PlistValue[] = [];
    if (tag.selfClosing) return array;
    for (;;) {
      this.misc();
      if (this.startsWith('</')) {
        this.endTag('array');
        return array;
      }
      array.push(this.value(depth));
    }
  }

  /** Character data up to `</name>`: text, the five predefined and numeric references, CDATA sections, comments. */
  private content(name: string, maxLength: number): string {
    let result = '';
    for (;;) {
      TEXT_SPECIAL.lastIndex = this.pos;
      const special = TEXT_SPECIAL.exec(this.text);
      const end = special ? special.index : this.text.length;
      if (end > this.pos) result += this.text.slice(this.pos, end).replace(/\r\n?/g, '\n');
      this.pos = end;
      if (result.length > maxLength) this.fail('plist_too_large', `<${name}> longer than ${maxLength} characters`);
      if (!special) this.fail('plist_invalid', `unterminated <${name}>`);
      if (special[0] === '&') {
        result += this.reference();
      } else if (this.startsWith('</')) {
        this.endTag(name);
        return result;
      } else if (this.startsWith('<![CDATA[')) {
        const close = this.text.indexOf(']]>', this.pos + 9);
        if (close < 0) this.fail('plist_invalid', 'unterminated CDATA section');
        result += this.text.slice(this.pos + 9, close).replace(/\r\n?/g, '\n');
        this.pos = close + 3;
      } else if (this.startsWith('<!--')) {
        this.comment();
      } else if (this.startsWith('<?') || this.startsWith('<!')) {
        this.fail('plist_entity', 'DTD declarations and processing instructions are not accepted');
      } else {
        this.fail('plist_invalid', `unexpected element inside <${name}>`);
      }
    }
  }

  private reference(): string {
    const at = this.pos;
    const found = this.match(REFERENCE);
    if (!found) {
      if (this.match(NAMED_REFERENCE)) this.fail('plist_entity', 'only the predefined XML entities are accepted', at);
      this.fail('plist_invalid', 'malformed character reference', at);
    }
    if (found[1] !== undefined) return PREDEFINED[found[1]] as string;
    const code = found[2] !== undefined ? Number.parseInt(found[2], 10) : Number.parseInt(found[3] as string, 16);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) this.fail('plist_invalid', `character reference to U+${code.toString(16)}`, at);
    return String.fromCodePoint(code);
  }

  private scalarText(tag: StartTag): string {
    if (tag.selfClosing) return '';
    return this.content(tag.name, 256).replace(/^[ \t\n]+|[ \t\n]+$/g, '');
  }

  private integer(text: string): number {
    let value: bigint;
    if (INTEGER_DECIMAL.test(text)) {
      value = BigInt(text);
    } else {
      const hex = INTEGER_HEX.exec(text);
      if (!hex) this.fail('plist_invalid', `malformed <integer> "${text.slice(0, 40)}"`);
      value = BigInt(`0x${hex[2]}`) * (hex[1] === '-' ? -1n : 1n);
    }
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      this.fail('plist_unsupported', `<integer> ${text.slice(0, 40)} is outside the accepted range`);
    }
    return Number(value);
  }

  private real(text: string): number {
    if (REAL.test(text)) return Number(text);
    const lower = text.toLowerCase();
    if (lower === 'nan') return Number.NaN;
    if (/^\+?inf(?:inity)?$/.test(lower)) return Number.POSITIVE_INFINITY;
    if (/^-inf(?:inity)?$/.test(lower)) return Number.NEGATIVE_INFINITY;
    return this.fail('plist_invalid', `malformed <real> "${text.slice(0, 40)}"`);
  }

  private date(text: string): Date {
    const parts = DATE.exec(text);
    if (!parts) this.fail('plist_invalid', `malformed <date> "${text.slice(0, 40)}"`);
    const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const fraction = parts[7] ? Math.floor(Number(parts[7]) * 1000) : 0;
    const time = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
    const date = new Date(time);
    if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || date.getUTCDate() !== day || date.getUTCFullYear() !== year) {
      this.fail('plist_invalid', `<date> ${text} does not exist`);
    }
    return date;
  }

  private data(tag: StartTag): Buffer {
    if (tag.selfClosing) return Buffer.alloc(0);
    const maxChars = Math.ceil(this.limits.maxDataLength / 3) * 4;
    // Base64 may be wrapped and indented: allow generous whitespace before the length check bites.
    const text = this.content('data', maxChars * 2 + 4096).replace(XML_SPACE, '');
    if (text.length > maxChars) this.fail('plist_too_large', `<data> larger than ${this.limits.maxDataLength} bytes`);
    if (!BASE64.test(text) || text.length % 4 === 1 || (text.includes('=') && text.length % 4 !== 0)) this.fail('plist_invalid', 'malformed base64 in <data>');
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length > this.limits.maxDataLength) this.fail('plist_too_large', `<data> larger than ${this.limits.maxDataLength} bytes`);
    return bytes;
  }
}

// ---------------------------------------------------------------------------------------------------
// Binary reader (bplist00)

const HEADER_LENGTH = 8;
const TRAILER_LENGTH = 32;
/** Seconds between the Unix epoch and Apple's reference date, 2001-01-01T00:00:00Z. */
const APPLE_EPOCH_SECONDS = 978_307_200;
const MAX_DATE_MS = 8.64e15;

class BinaryPlistReader {
  private readonly offsetSize: number;
  private readonly refSize: number;
  private readonly objectCount: number;
  private readonly topObject: number;
  private readonly offsetTable: number;
  private objects = 0;
  private expandedBytes = 0;
  /** Containers on the path from the top object to the one being read: a reference back into it is a cycle. */
  private readonly path = new Set<number>();

  constructor(
    private readonly buffer: Buffer,
    private readonly limits: PlistLimits,
  ) {
    if (buffer.subarray(0, HEADER_LENGTH).toString('latin1') !== 'bplist00') {
      throw new PlistError('plist_unsupported', 'only bplist00 binary plists are accepted');
    }
    if (buffer.length < HEADER_LENGTH + 1 + TRAILER_LENGTH) this.fail('plist_invalid', 'too short to hold an object and a trailer');
    const trailer = buffer.length - TRAILER_LENGTH;
    this.offsetSize = buffer[trailer + 6] as number;
    this.refSize = buffer[trailer + 7] as number;
    const objectCount = buffer.readBigUInt64BE(trailer + 8);
    const topObject = buffer.readBigUInt64BE(trailer + 16);
    const offsetTable = buffer.readBigUInt64BE(trailer + 24);
    // Apple writes 1, 2, 4 or 8; libplist writes the fewest bytes that fit (3, say).
    if (this.offsetSize < 1 || this.offsetSize > 8) this.fail('plist_invalid', `offset size ${this.offsetSize} in the trailer`);
    if (this.refSize < 1 || this.refSize > 8) this.fail('plist_invalid', `object reference size ${this.refSize} in the trailer`);
    if (objectCount === 0n) this.fail('plist_invalid', 'the trailer declares no objects');
    if (objectCount > BigInt(limits.maxObjects)) this.fail('plist_too_large', `the trailer declares ${objectCount} objects; the limit is ${limits.maxObjects}`);
    if (topObject >= objectCount) this.fail('plist_invalid', 'the top object is not in the object table');
    // BigInt arithmetic: a hostile trailer can't overflow its way past these checks.
    if (offsetTable < BigInt(HEADER_LENGTH + 1) || offsetTable + objectCount * BigInt(this.offsetSize) > BigInt(trailer)) {
      this.fail('plist_invalid', 'the offset table lies outside the file');
    }
    this.objectCount = Number(objectCount);
    this.topObject = Number(topObject);
    this.offsetTable = Number(offsetTable);
  }

  read(): PlistValue {
    return this.object(this.topObject, 0);
  }

  private fail(code: PlistErrorCode, message: string): never {
    throw new PlistError(code, `${message} (binary plist)`);
  }

  /** Objects live between the header and the offset table; every read must end inside that range. */
  private need(start: number, length: number, what: string): void {
    if (start + length > this.offsetTable) this.fail('plist_invalid', `${what} runs past the end of the object area`);
  }

  /** A big-endian unsigned integer of 1 to 8 bytes; beyond 2^53 it is Infinity, which every bounds check refuses. */
  private unsigned(at: number, size: number): number {
    if (size <= 6) return this.buffer.readUIntBE(at, size);
    let value = 0n;
    for (let i = 0; i < size; i++) value = (value << 8n) | BigInt(this.buffer[at + i] as number);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(value);
  }

  private offsetOf(ref: number): number {
    if (ref >= this.objectCount) this.fail('plist_invalid', `object reference ${ref} is outside the object table`);
    const offset = this.unsigned(this.offsetTable + ref * this.offsetSize, this.offsetSize);
    if (offset < HEADER_LENGTH || offset >= this.offsetTable) this.fail('plist_invalid', `object ${ref} has an offset outside the object area`);
    return offset;
  }

  private count(): void {
    if (++this.objects > this.limits.maxObjects)
      this.fail('plist_too_large', `more than ${this.limits.maxObjects} objects once shared references are expanded`);
  }

  private expand(length: number): void {
    this.expandedBytes += length;
    if (this.expandedBytes > this.limits.maxBytes * BINARY_EXPANSION_FACTOR) this.fail('plist_too_large', 'strings and data expand beyond the size limit');
  }

  /** The element count of a string, data, array or dictionary: in the marker's low nibble, or an integer object after it. */
  private length(offset: number, low: number): { count: number; start: number } {
    if (low !== 0x0f) return { count: low, start: offset + 1 };
    this.need(offset + 1, 1, 'a length');
    const marker = this.buffer[offset + 1] as number;
    const size = 1 << (marker & 0x0f);
    if (marker >> 4 !== 0x1 || size > 8) this.fail('plist_invalid', 'malformed length');
    this.need(offset + 2, size, 'a length');
    return { count: this.unsigned(offset + 2, size), start: offset + 2 + size };
  }

  private object(ref: number, depth: number): PlistValue {
    this.count();
    const offset = this.offsetOf(ref);
    const marker = this.buffer[offset] as number;
    const type = marker >> 4;
    const low = marker & 0x0f;
    switch (type) {
      case 0x0:
        if (low === 0x08) return false;
        if (low === 0x09) return true;
        return this.fail('plist_unsupported', `singleton object 0x${marker.toString(16).padStart(2, '0')}`);
      case 0x1:
        return this.integer(offset, low);
      case 0x2: {
        if (low !== 2 && low !== 3) this.fail('plist_invalid', `real of ${1 << low} bytes`);
        const size = 1 << low;
        this.need(offset + 1, size, 'a real');
        return size === 4 ? this.buffer.readFloatBE(offset + 1) : this.buffer.readDoubleBE(offset + 1);
      }
      case 0x3: {
        if (low !== 3) this.fail('plist_invalid', 'malformed date');
        this.need(offset + 1, 8, 'a date');
        const ms = (this.buffer.readDoubleBE(offset + 1) + APPLE_EPOCH_SECONDS) * 1000;
        if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) this.fail('plist_invalid', 'date out of range');
        return new Date(ms);
      }
      case 0x4: {
        const { count, start } = this.length(offset, low);
        if (count > this.limits.maxDataLength) this.fail('plist_too_large', `data of ${count} bytes; the limit is ${this.limits.maxDataLength}`);
        this.need(start, count, 'data');
        this.expand(count);
        return Buffer.from(this.buffer.subarray(start, start + count));
      }
      case 0x5: {
        const { count, start } = this.length(offset, low);
        if (count > this.limits.maxStringLength) this.fail('plist_too_large', `string of ${count} characters; the limit is ${this.limits.maxStringLength}`);
        this.need(start, count, 'a string');
        this.expand(count);
        return this.buffer.toString('latin1', start, start + count);
      }
      case 0x6: {
        const { count, start } = this.length(offset, low);
        if (count > this.limits.maxStringLength) this.fail('plist_too_large', `string of ${count} characters; the limit is ${this.limits.maxStringLength}`);
        this.need(start, count * 2, 'a string');
        this.expand(count * 2);
        return Buffer.from(this.buffer.subarray(start, start + count * 2))
          .swap16()
          .toString('utf16le');
      }
      case 0x8:
        return this.fail('plist_unsupported', 'UID objects (keyed archives) are not accepted');
      case 0xa:
        return this.container(ref, offset, low, depth, false);
      case 0xb:
      case 0xc:
        return this.fail('plist_unsupported', 'sets are not accepted');
      case 0xd:
        return this.container(ref, offset, low, depth, true);
      default:
        return this.fail('plist_invalid', `unknown object type 0x${marker.toString(16).padStart(2, '0')}`);
    }
  }

  private integer(offset: number, low: number): number {
    if (low > 4) this.fail('plist_invalid', `integer of ${1 << low} bytes`);
    const size = 1 << low;
    this.need(offset + 1, size, 'an integer');
    let value: bigint;
    // 1-, 2- and 4-byte integers are unsigned, 8-byte signed, 16-byte signed 128-bit (used for unsigned 64-bit values).
    if (size < 8) return this.buffer.readUIntBE(offset + 1, size);
    if (size === 8) value = this.buffer.readBigInt64BE(offset + 1);
    else value = (this.buffer.readBigInt64BE(offset + 1) << 64n) | this.buffer.readBigUInt64BE(offset + 9);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
      this.fail('plist_unsupported', `integer ${value} is outside the accepted range`);
    return Number(value);
  }

  private container(ref: number, offset: number, low: number, depth: number, isDict: boolean): PlistValue {
    if (this.path.has(ref)) this.fail('plist_cycle', `object ${ref} contains itself`);
    if (depth + 1 > this.limits.maxDepth) this.fail('plist_too_deep', `nesting deeper than ${this.limits.maxDepth}`);
    const { count, start } = this.length(offset, low);
    if (count > this.limits.maxObjects) this.fail('plist_too_large', `a container of ${count} entries`);
    const refs = isDict ? count * 2 : count;
    this.need(start, refs * this.refSize, isDict ? 'a dictionary' : 'an array');
    const refAt = (i: number) => this.unsigned(start + i * this.refSize, this.refSize);
    this.path.add(ref);
    let result: PlistValue;
    if (isDict) {
      const dict: PlistDict = {};
      for (let i = 0; i < count; i++) {
        const keyRef = refAt(i);
        const keyType = (this.buffer[this.offsetOf(keyRef)] as number) >> 4;
        if (keyType !== 0x5 && keyType !== 0x6) this.fail('plist_invalid', 'a dictionary key is not a string');
        const key = this.object(keyRef, depth + 1);
        if (typeof key !== 'string') this.fail('plist_invalid', 'a dictionary key is not a string');
        if (isForbiddenKey(key)) this.fail('plist_forbidden_key', `dictionary key "${key}" is not accepted`);
        if (Object.hasOwn(dict, key)) this.fail('plist_duplicate_key', `duplicate dictionary key "${key}"`);
        dict[key] = this.object(refAt(count + i), depth + 1);
      }
      result = dict;
    } else {
      const array: PlistValue[] = [];
      for (let i = 0; i < count; i++) array.push(this.object(refAt(i), depth + 1));
      result = array;
    }
    this.path.delete(ref);
    return result;
  }
}

// ---------------------------------------------------------------------------------------------------
// XML writer

const XML_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
  '<plist version="1.0">\n';

/**
 * Writes `value` as an XML property list (UTF-8, Apple's DOCTYPE, tab-indented). Dictionary entries whose
 * value is `undefined` are left out; key order is kept. Dates are written to the second (`<date>` has no
 * fractions), data as base64.
 * @throws PlistError (`plist_invalid`, `plist_forbidden_key`) for values a plist can't carry: `null`, NUL
 * characters, invalid dates, cycles, class instances.
 */
export function buildPlist(value: PlistWritable): Buffer {
  const out: string[] = [XML_HEAD];
  writeValue(value, '', out, new Set());
  out.push('</plist>\n');
  return Buffer.from(out.join(''), 'utf8');
}

function writeValue(value: PlistWritable, indent: string, out: string[], ancestors: Set<object>): void {
  if (typeof value === 'string') {
    out.push(indent, '<string>', escapeText(value), '</string>\n');
  } else if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) out.push(indent, '<integer>', String(value === 0 ? 0 : value), '</integer>\n');
    else out.push(indent, '<real>', formatReal(value), '</real>\n');
  } else if (typeof value === 'boolean') {
    out.push(indent, value ? '<true/>\n' : '<false/>\n');
  } else if (value instanceof PlistReal) {
    out.push(indent, '<real>', formatReal(value.value), '</real>\n');
  } else if (value instanceof Date) {
    out.push(indent, '<date>', formatDate(value), '</date>\n');
  } else if (value instanceof Uint8Array) {
    out.push(indent, '<data>', Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'), '</data>\n');
  } else if (Array.isArray(value)) {
    enter(value, ancestors);
    if (value.length === 0) {
      out.push(indent, '<array/>\n');
    } else {
      out.push(indent, '<array>\n');
      for (const item of value as readonly (PlistWritable | undefined)[]) {
        if (item === undefined) throw new PlistError('plist_invalid', 'cannot write undefined in an array');
        writeValue(item, `${indent}\t`, out, ancestors);
      }
      out.push(indent, '</array>\n');
    }
    ancestors.delete(value);
  } else if (isPlainObject(value)) {
    enter(value, ancestors);
    const entries = Object.entries(value).filter((entry): entry is [string, PlistWritable] => entry[1] !== undefined);
    if (entries.length === 0) {
      out.push(indent, '<dict/>\n');
    } else {
      out.push(indent, '<dict>\n');
      for (const [key, item] of entries) {
        if (isForbiddenKey(key)) throw new PlistError('plist_forbidden_key', `cannot write dictionary key "${key}"`);
        out.push(indent, '\t<key>', escapeText(key), '</key>\n');
        writeValue(item, `${indent}\t`, out, ancestors);
      }
      out.push(indent, '</dict>\n');
    }
    ancestors.delete(value);
  } else {
    throw new PlistError('plist_invalid', `cannot write ${value === null ? 'null' : typeof value} as a plist value`);
  }
}

function enter(container: object, ancestors: Set<object>): void {
  if (ancestors.has(container)) throw new PlistError('plist_cycle', 'cannot write a value that contains itself');
  ancestors.add(container);
}

function isPlainObject(value: unknown): value is PlistWritableDict {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function escapeText(text: string): string {
  if (text.includes('\u0000')) throw new PlistError('plist_invalid', 'cannot write a NUL character in XML');
  // Control characters and CR go out as references so that no XML reader normalises or drops them.
  return text.replace(/[&<>\r\u0001-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => {
    if (c === '&') return '&amp;';
    if (c === '<') return '&lt;';
    if (c === '>') return '&gt;';
    return `&#${c.charCodeAt(0)};`;
  });
}

function formatReal(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return '+infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-infinity';
  return String(value);
}

function formatDate(date: Date): string {
  const time = date.getTime();
  if (!Number.isFinite(time)) throw new PlistError('plist_invalid', 'cannot write an invalid date');
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new PlistError('plist_invalid', `cannot write a date in year ${year}`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
