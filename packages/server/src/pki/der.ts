/**
 * A minimal DER writer for the CMS and SCEP structures Steward and its simulators build byte for byte
 * (pkijs would split octet strings into BER chunks, which strict peers refuse).
 */
export const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
export const NULL = Buffer.from([0x05, 0x00]);

export function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else if (length < 0x100) header = [tag, 0x81, length];
  else if (length < 0x10000) header = [tag, 0x82, length >> 8, length & 0xff];
  else if (length < 0x1000000) header = [tag, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  else header = [tag, 0x84, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff];
  return Buffer.concat([Buffer.from(header), content]);
}

export const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
/** SET OF in DER order (sorted encodings). */
export const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items.sort(Buffer.compare)));
export const tagged = (tag: number, ...items: Buffer[]): Buffer => tlv(tag, Buffer.concat(items));
export const octets = (value: Uint8Array): Buffer => tlv(0x04, Buffer.from(value));
export const printable = (value: string): Buffer => tlv(0x13, Buffer.from(value, 'latin1'));
export const utf8 = (value: string): Buffer => tlv(0x0c, Buffer.from(value, 'utf8'));
export const integer = (value: number): Buffer => tlv(0x02, Buffer.from([value]));
export const attribute = (type: string, value: Buffer): Buffer => seq(oid(type), set(value));
export const contentInfo = (type: string, content: Buffer): Buffer => seq(oid(type), tagged(0xa0, content));
export const retag = (encoded: Buffer, tag: number): Buffer => Buffer.concat([Buffer.from([tag]), encoded.subarray(1)]);

export function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return tlv(0x17, Buffer.from(`${text}Z`, 'latin1'));
}

const OID_CACHE = new Map<string, Buffer>();
export function oid(dotted: string): Buffer {
  let encoded = OID_CACHE.get(dotted);
  if (!encoded) {
    const arcs = dotted.split('.').map(Number);
    const bytes: number[] = [];
    const values = [(arcs[0] ?? 0) * 40 + (arcs[1] ?? 0), ...arcs.slice(2)];
    for (const value of values) {
      const chunk = [value & 0x7f];
      for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128)) chunk.unshift((rest & 0x7f) | 0x80);
      bytes.push(...chunk);
    }
    encoded = tlv(0x06, Buffer.from(bytes));
    OID_CACHE.set(dotted, encoded);
  }
  return encoded;
}

/** BIT STRING with no unused bits. */
export const bitString = (value: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), value]));
