/** One parsed element: namespace prefixes dropped (`s:Envelope` is `Envelope`), text trimmed and unescaped. */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

export interface XmlLimits {
  /** Bytes. */
  readonly maxBytes: number;
  /** Element nesting. */
  readonly maxDepth: number;
  /** Elements in the document. */
  readonly maxElements: number;
}

export class XmlError extends Error {
  override name = 'XmlError';
  constructor(
    readonly reason: 'too_large' | 'doctype' | 'too_deep' | 'too_many_elements' | 'roots' | 'malformed' | 'encoding',
    message: string,
  ) {
    super(message);
  }
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The five predefined entities and numeric character references; any other `&name;` is refused. */
export function unescapeXml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+)?;?/g, (match, name: string | undefined) => {
    if (name === undefined || !match.endsWith(';')) throw new XmlError('malformed', 'a bare & in text');
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    const value = PREDEFINED[name];
    if (value === undefined) throw new XmlError('doctype', `undeclared entity &${name};`);
    return value;
  });
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;'));
}

/**
 * Parses untrusted XML (SOAP, SyncML) after checks that run before any parsing: size, valid text, no
 * DOCTYPE or ENTITY declaration at all. Then one strict pass builds the tree while it checks the rest:
 * bounded nesting and element count, exactly one root element, matching tags, well-formed attributes,
 * no entity but the five predefined ones and character references (nothing is ever expanded).
 * Our own parser: a general-purpose one (validate, parse, then convert) cost several times as much
 * CPU per management message, and the subset of XML these protocols use is small.
 */
export function parseXml(input: Buffer | string, limits: XmlLimits): XmlElement {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > limits.maxBytes) throw new XmlError('too_large', `the document is larger than ${limits.maxBytes} bytes`);
  const text = typeof input === 'string' ? input : input.toString('utf8');
  if (text.includes('\uFFFD') || text.includes('\u0000')) throw new XmlError('encoding', 'the document is not valid UTF-8 text');
  if (DECLARATION.test(text)) throw new XmlError('doctype', 'DOCTYPE and ENTITY declarations are not accepted');
  return new Parser(text, limits).document();
}

const DECLARATION = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
/** XML names (namespace prefixes included), ASCII and the non-ASCII letters XML allows, roughly. */
const NAME = /[A-Za-z_:\u00C0-\uFFFF][\w.:\-\u00B7\u00C0-\uFFFF]*/y;
const WHITESPACE = /[ \t\r\n]*/y;

interface MutableElement {
  name: string;
  attrs: Record<string, string>;
  children: MutableElement[];
  text: string;
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 || colon !== qualified.lastIndexOf(':') ? qualified : qualified.slice(colon + 1);
}

class Parser {
  private i = 0;
  private elements = 0;
  private readonly stack: MutableElement[] = [];
  /** Qualified names of the open elements, for matching their closing tags. */
  private readonly names: string[] = [];
  private root: MutableElement | undefined;

  constructor(
    private readonly text: string,
    private readonly limits: XmlLimits,
  ) {}

  document(): XmlElement {
    const text = this.text;
    const n = text.length;
    if (text.charCodeAt(0) === 0xfeff) this.i = 1;
    const start = this.i;
    while (this.i < n) {
      const lt = text.indexOf('<', this.i);
      const end = lt === -1 ? n : lt;
      if (end > this.i) this.characters(this.i, end);
      if (lt === -1) break;
      const next = text.charCodeAt(lt + 1);
      if (next === 33 /* ! */) {
        if (text.startsWith('<!--', lt)) {
          const close = text.indexOf('-->', lt + 4);
          if (close === -1) throw new XmlError('malformed', 'unterminated comment');
          this.i = close + 3;
        } else if (text.startsWith('<![CDATA[', lt)) {
          const current = this.stack[this.stack.length - 1];
          if (!current) throw new XmlError('roots', 'CDATA outside the root element');
          const close = text.indexOf(']]>', lt + 9);
          if (close === -1) throw new XmlError('malformed', 'unterminated CDATA section');
          current.text += text.slice(lt + 9, close).trim();
          this.i = close + 3;
        } else throw new XmlError('doctype', 'markup declarations are not accepted');
      } else if (next === 63 /* ? */) {
        const close = text.indexOf('?>', lt + 2);
        if (close === -1) throw new XmlError('malformed', 'unterminated processing instruction');
        NAME.lastIndex = lt + 2;
        const target = NAME.exec(text)?.[0];
        if (!target) throw new XmlError('malformed', 'a processing instruction without a target');
        if (target.toLowerCase() === 'xml' && lt !== start) throw new XmlError('malformed', 'the XML declaration must open the document');
        this.i = close + 2;
      } else if (next === 47 /* / */) this.closeTag(lt);
      else this.openTag(lt);
    }
    if (this.stack.length > 0) throw new XmlError('malformed', 'unclosed elements');
    if (!this.root) throw new XmlError('roots', 'the document must have exactly one root element');
    return this.root;
  }

  /** Text between tags: outside the root only whitespace; inside, trimmed and unescaped. */
  private characters(from: number, to: number): void {
    const raw = this.text.slice(from, to);
    const current = this.stack[this.stack.length - 1];
    const trimmed = raw.trim();
    if (!current) {
      if (trimmed !== '') throw new XmlError('roots', 'text outside the root element');
      return;
    }
    if (trimmed !== '') current.text += unescapeXml(trimmed);
  }

  private name(at: number): string {
    NAME.lastIndex = at;
    const match = NAME.exec(this.text);
    if (!match) throw new XmlError('malformed', 'a tag without a valid name');
    return match[0];
  }

  private skipSpace(at: number): number {
    WHITESPACE.lastIndex = at;
    WHITESPACE.exec(this.text);
    return WHITESPACE.lastIndex;
  }

  private closeTag(lt: number): void {
    const name = this.name(lt + 2);
    const at = this.skipSpace(lt + 2 + name.length);
    if (this.text.charCodeAt(at) !== 62 /* > */) throw new XmlError('malformed', 'unterminated closing tag');
    const open = this.names.pop();
    if (open === undefined) throw new XmlError('malformed', 'a closing tag without its opening tag');
    if (open !== name) throw new XmlError('malformed', `not well-formed: </${name.slice(0, 50)}> closes <${open.slice(0, 50)}>`);
    const element = this.stack.pop();
    if (this.stack.length === 0) this.root = element;
    this.i = at + 1;
  }

  private openTag(lt: number): void {
    const text = this.text;
    const qualified = this.name(lt + 1);
    if (++this.elements > this.limits.maxElements) throw new XmlError('too_many_elements', `more than ${this.limits.maxElements} elements`);
    const parent = this.stack[this.stack.length - 1];
    if (!parent && this.root) throw new XmlError('roots', 'the document must have exactly one root element');
    const element: MutableElement = { name: localName(qualified), attrs: {}, children: [], text: '' };
    let at = lt + 1 + qualified.length;
    let seen: Set<string> | undefined;
    for (;;) {
      const spaced = at;
      at = this.skipSpace(at);
      const code = text.charCodeAt(at);
      if (code === 62 /* > */) {
        at += 1;
        break;
      }
      if (code === 47 /* / */) {
        if (text.charCodeAt(at + 1) !== 62) throw new XmlError('malformed', 'unterminated tag');
        at += 2;
        if (parent) parent.children.push(element);
        else this.root = element;
        this.i = at;
        return;
      }
      if (Number.isNaN(code)) throw new XmlError('malformed', 'unterminated tag');
      if (at === spaced) throw new XmlError('malformed', 'attributes must be separated by whitespace');
      const attribute = this.name(at);
      at = this.skipSpace(at + attribute.length);
      if (text.charCodeAt(at) !== 61 /* = */) throw new XmlError('malformed', `attribute ${attribute.slice(0, 50)} has no value`);
      at = this.skipSpace(at + 1);
      const quote = text[at];
      if (quote !== '"' && quote !== "'") throw new XmlError('malformed', `attribute ${attribute.slice(0, 50)} is not quoted`);
      const close = text.indexOf(quote, at + 1);
      if (close === -1) throw new XmlError('malformed', 'unterminated attribute value');
      const value = text.slice(at + 1, close);
      if (value.includes('<')) throw new XmlError('malformed', 'a < in an attribute value');
      seen ??= new Set();
      if (seen.has(attribute)) throw new XmlError('malformed', `attribute ${attribute.slice(0, 50)} is repeated`);
      seen.add(attribute);
      at = close + 1;
      // Namespace declarations go with the prefixes, which are dropped.
      if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) continue;
      element.attrs[localName(attribute)] = unescapeXml(value);
    }
    if (this.stack.length + 1 > this.limits.maxDepth) throw new XmlError('too_deep', `elements nest deeper than ${this.limits.maxDepth}`);
    if (parent) parent.children.push(element);
    this.stack.push(element);
    this.names.push(qualified);
    this.i = at;
  }
}

export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((c) => c.name === name) : [];
}

/** The text at a path of child names, e.g. `path(header, 'Action')`. */
export function textAt(element: XmlElement | undefined, ...names: string[]): string | undefined {
  let at = element;
  for (const name of names) at = child(at, name);
  return at?.text;
}
