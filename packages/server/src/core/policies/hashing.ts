import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal values always serialise (and hash) alike. */
export function canonicalJson(value: unknown, replace?: (key: string, value: unknown) => unknown): string {
  return JSON.stringify(value, (key, raw: unknown) => {
    const v = replace ? replace(key, raw) : raw;
    return v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !Buffer.isBuffer(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v;
  });
}

/** The version of a payload: 32 hex characters of SHA-256 over its canonical JSON. */
export function versionOf(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex').slice(0, 32);
}

/** A UUID-shaped name derived from text (SHA-256, version nibble 8): the same text always gives the same id. */
export function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
