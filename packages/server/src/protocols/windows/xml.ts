import { XMLParser, XMLValidator } from 'fast-xml-parser';

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

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  // Entities are never expanded (no XXE, no billion laughs); the five predefined ones and character references are decoded below.
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The five predefined entities and numeric character references; any other `&name;` is refused. */
export function unescapeXml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);?/g, (match, name: string) => {
    if (!match.endsWith(';')) throw new XmlError('malformed', 'a bare & in text');
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
 * Parses untrusted XML (SOAP, SyncML) after checks that run before any parser sees it: size, no
 * DOCTYPE or ENTITY declaration at all, bounded nesting and element count, exactly one root element.
 */
export function parseXml(input: Buffer | string, limits: XmlLimits): XmlElement {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > limits.maxBytes) throw new XmlError('too_large', `the document is larger than ${limits.maxBytes} bytes`);
  const text = typeof input === 'string' ? input : input.toString('utf8');
  if (text.includes('\uFFFD') || text.includes('\u0000')) throw new XmlError('encoding', 'the document is not valid UTF-8 text');
  if (/<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i.test(text)) throw new XmlError('doctype', 'DOCTYPE and ENTITY declarations are not accepted');
  scanStructure(text, limits);
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) throw new XmlError('malformed', `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const parsed = parser.parse(text) as unknown[];
  const roots = parsed.map(toElement).filter((e): e is XmlElement => e !== undefined);
  if (roots.length !== 1 || !roots[0]) throw new XmlError('roots', 'the document must have exactly one root element');
  return roots[0];
}

/** One pass over the markup: depth, element count, and a single root with nothing but whitespace around it. */
function scanStructure(text: string, limits: XmlLimits): void {
  let depth = 0;
  let roots = 0;
  let elements = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const stretch = lt === -1 ? text.slice(i) : text.slice(i, lt);
    if (depth === 0 && stretch.trim() !== '' && !(i === 0 && stretch === '\uFEFF')) throw new XmlError('roots', 'text outside the root element');
    if (lt === -1) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end === -1) throw new XmlError('malformed', 'unterminated comment');
      i = end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      if (depth === 0) throw new XmlError('roots', 'CDATA outside the root element');
      const end = text.indexOf(']]>', lt + 9);
      if (end === -1) throw new XmlError('malformed', 'unterminated CDATA section');
      i = end + 3;
      continue;
    }
    if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) throw new XmlError('malformed', 'unterminated processing instruction');
      i = end + 2;
      continue;
    }
    if (text.startsWith('<!', lt)) throw new XmlError('doctype', 'markup declarations are not accepted');
    // Find the tag's end, skipping quoted attribute values (they may hold '>').
    let j = lt + 1;
    let quote = '';
    for (; j < n; j++) {
      const c = text[j];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') break;
    }
    if (j >= n) throw new XmlError('malformed', 'unterminated tag');
    if (text[lt + 1] === '/') {
      depth--;
      if (depth < 0) throw new XmlError('malformed', 'a closing tag without its opening tag');
    } else {
      elements++;
      if (elements > limits.maxElements) throw new XmlError('too_many_elements', `more than ${limits.maxElements} elements`);
      if (depth === 0) {
        roots++;
        if (roots > 1) throw new XmlError('roots', 'the document must have exactly one root element');
      }
      if (text[j - 1] !== '/') {
        depth++;
        if (depth > limits.maxDepth) throw new XmlError('too_deep', `elements nest deeper than ${limits.maxDepth}`);
      }
    }
    i = j + 1;
  }
  if (roots !== 1) throw new XmlError('roots', 'the document must have exactly one root element');
  if (depth !== 0) throw new XmlError('malformed', 'unclosed elements');
}

function toElement(node: unknown): XmlElement | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const entries = Object.entries(node as Record<string, unknown>);
  const tag = entries.find(([k]) => k !== ':@' && k !== '#text');
  if (!tag) return undefined;
  const [name, content] = tag;
  const rawAttrs = (node as Record<string, unknown>)[':@'] as Record<string, unknown> | undefined;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs ?? {})) if (k !== 'xmlns' && typeof v === 'string') attrs[k] = unescapeXml(v);
  const children: XmlElement[] = [];
  let text = '';
  for (const child of Array.isArray(content) ? content : []) {
    if (child && typeof child === 'object' && '#text' in child) text += String((child as Record<string, unknown>)['#text']);
    else {
      const element = toElement(child);
      if (element) children.push(element);
    }
  }
  return { name, attrs, children, text: unescapeXml(text) };
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
