import { randomBytes } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then randomness.
 * Time-ordered, so primary keys stay index-friendly and sort by creation.
 */
export function uuidv7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID_RE.test(value);

/** ISO-8601 UTC for an epoch-millisecond column, or null. */
export const iso = <T extends number | null | undefined>(ms: T): T extends number ? string : string | null =>
  (ms === null || ms === undefined ? null : new Date(ms).toISOString()) as T extends number ? string : string | null;

/** `count` UUIDv7s for one timestamp from a single draw of randomness (bulk writes: history, events). */
export function uuidv7Many(count: number, now = Date.now()): string[] {
  const pool = randomBytes(16 * count);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = pool.subarray(16 * i, 16 * i + 16);
    bytes.writeUIntBE(now, 0, 6);
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    ids.push(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
  }
  return ids;
}
