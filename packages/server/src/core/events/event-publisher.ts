import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { uuidv7, uuidv7Many } from '../ids.js';

/** Every event type Steward emits; webhooks subscribe to these (or to `*`). */
export const EVENT_TYPES = [
  'device.enrolled',
  'device.unenrolled',
  'device.retired',
  'command.failed',
  'compliance.changed',
  'compliance.grace_expired',
  'policy.failed',
  'report.delivered',
  'webhook.test',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);

/** Something that changed devices' observed or desired state: compliance re-evaluates them. */
export interface DeviceChangeListener {
  devicesChanged(deviceIds: readonly string[], db?: Kysely<DB>): Promise<void>;
}

/**
 * Publishes domain events through an outbox: `publish` writes one `events` row, in the caller's
 * transaction when it passes one, so an event exists exactly when the change that caused it was
 * committed. A periodic job (`events.dispatch`, kicked after each publish) hands the rows to webhooks.
 *
 * @example
 * await ctx.events.publish('policy.failed', { deviceId, key, itemId, name, reason }, trx);
 */
export class EventPublisher {
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly db: Kysely<DB>) {}

  async publish(type: EventType, data: Record<string, unknown>, db: Kysely<DB> = this.db, at = Date.now()): Promise<string> {
    const id = uuidv7(at);
    await db
      .insertInto('events')
      .values({ id, type, payload: JSON.stringify(data), occurred_at: at, dispatched_at: null })
      .execute();
    for (const listener of this.listeners) listener();
    return id;
  }

  /** Many events of one type in one go (a compliance pass that changed thousands of devices). */
  async publishMany(type: EventType, items: readonly Record<string, unknown>[], db: Kysely<DB> = this.db, at = Date.now()): Promise<void> {
    if (items.length === 0) return;
    const ids = uuidv7Many(items.length, at);
    const rows = items.map((data, i) => ({ id: ids[i] as string, type, payload: JSON.stringify(data), occurred_at: at, dispatched_at: null }));
    for (let i = 0; i < rows.length; i += 500)
      await db
        .insertInto('events')
        .values(rows.slice(i, i + 500))
        .execute();
    for (const listener of this.listeners) listener();
  }

  /** Called after each publish (the worker uses it to dispatch soon rather than at its next period). */
  onPublish(listener: () => void): void {
    this.listeners.push(listener);
  }
}
