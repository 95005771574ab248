import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/** What the console hears about: a device enrolled or changed, a command delivery moved on. */
export type ChangeEvent =
  | { type: 'device.changed'; data: { deviceId: string; change: 'enrolled' | 'updated'; at: number } }
  | { type: 'command.changed'; data: { commandId: string; deviceId: string | null; state: string | null; at: number } }
  /** More changed than the feed reports one by one (a fan-out completing): refetch what is shown. */
  | { type: 'resync'; data: { at: number } };

export interface ChangeBatch {
  /** The feed's position after this batch: a client resumes from it (SSE `Last-Event-ID`). */
  cursor: number;
  events: ChangeEvent[];
}

export interface ChangeFeedOptions {
  intervalMs?: number;
  /**
   * How far behind its high-water mark each poll looks again. Rows are stamped by the clock of the node
   * that wrote them, and a transaction may commit after a later-stamped one: a row that shows up late,
   * within this window, is still reported (once: the feed remembers what it reported in the window).
   */
  lookbackMs?: number;
  /** Above this many changed rows in one poll, the feed sends one `resync` instead of each row. */
  maxRowsPerPoll?: number;
}

type Listener = (batch: ChangeBatch) => void;

/**
 * One poller per server node, shared by every live connection of that node. The events come from
 * the database (devices.updated_at, command_deliveries.updated_at), so a change written by any node
 * sharing the database reaches the console connected to any other. It polls only while someone listens.
 * Delivery is at least once: events are cache invalidations, and a repeat is harmless.
 */
export class ChangeFeed {
  private readonly listeners = new Set<Listener>();
  private readonly seen = new Map<string, number>();
  private readonly intervalMs: number;
  private readonly lookbackMs: number;
  private readonly maxRows: number;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private highWater = Date.now();

  constructor(
    private readonly db: Kysely<DB>,
    options: ChangeFeedOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.lookbackMs = options.lookbackMs ?? 2000;
    this.maxRows = options.maxRowsPerPoll ?? 500;
  }

  /** The position a new connection starts from. */
  get cursor(): number {
    return this.highWater;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  subscribe(listener: Listener): () => void {
    if (this.listeners.size === 0) {
      // Nothing was tracked while nobody listened: start from now, not from a stale mark.
      this.highWater = Math.max(this.highWater, Date.now() - this.lookbackMs);
      this.seen.clear();
      this.timer = setInterval(() => void this.poll(), this.intervalMs);
      this.timer.unref();
    }
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Runs one poll now (the timer calls it; tests call it to avoid waiting). Overlapping calls share one. */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  /** What changed after `since` up to the feed's current position: for a client that reconnects with `Last-Event-ID`. */
  async since(since: number): Promise<ChangeBatch> {
    const upTo = this.highWater;
    const { events } = await this.changes(since - this.lookbackMs, upTo, undefined);
    return { cursor: upTo, events };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private async pollOnce(): Promise<void> {
    let batch: { events: ChangeEvent[]; max: number };
    try {
      batch = await this.changes(this.highWater - this.lookbackMs, undefined, this.seen);
    } catch {
      // A database hiccup: the next tick tries again from the same mark.
      return;
    }
    this.highWater = Math.max(this.highWater, batch.max);
    const floor = this.highWater - this.lookbackMs;
    for (const [key, at] of this.seen) if (at <= floor) this.seen.delete(key);
    if (batch.events.length === 0) return;
    const out: ChangeBatch = { cursor: this.highWater, events: batch.events };
    for (const listener of this.listeners) listener(out);
  }

  /** Rows changed in (after, upTo]; `seen` (when given) filters and records what was already reported. */
  private async changes(after: number, upTo: number | undefined, seen: Map<string, number> | undefined): Promise<{ events: ChangeEvent[]; max: number }> {
    let devices = this.db
      .selectFrom('devices')
      .select(['id', 'updated_at', 'enrolled_at'])
      .where('updated_at', '>', after)
      .orderBy('updated_at')
      .limit(this.maxRows + 1);
    let deliveries = this.db
      .selectFrom('command_deliveries')
      .select(['command_id', 'device_id', 'state', 'updated_at'])
      .where('updated_at', '>', after)
      .orderBy('updated_at')
      .limit(this.maxRows + 1);
    if (upTo !== undefined) {
      devices = devices.where('updated_at', '<=', upTo);
      deliveries = deliveries.where('updated_at', '<=', upTo);
    }
    const [deviceRows, deliveryRows] = await Promise.all([devices.execute(), deliveries.execute()]);
    let max = after;
    for (const r of deviceRows) max = Math.max(max, Number(r.updated_at));
    for (const r of deliveryRows) max = Math.max(max, Number(r.updated_at));

    if (deviceRows.length > this.maxRows || deliveryRows.length > this.maxRows) {
      // Too much at once to list: one resync, and carry on after the newest row changed so far.
      const newest = await Promise.all([
        this.db
          .selectFrom('devices')
          .select((eb) => eb.fn.max('updated_at').as('m'))
          .executeTakeFirst(),
        this.db
          .selectFrom('command_deliveries')
          .select((eb) => eb.fn.max('updated_at').as('m'))
          .executeTakeFirst(),
      ]);
      for (const row of newest) max = Math.max(max, Number(row?.m ?? 0));
      if (upTo !== undefined) max = Math.min(max, upTo);
      seen?.clear();
      return { events: [{ type: 'resync', data: { at: max } }], max };
    }

    const events: ChangeEvent[] = [];
    const fresh = (key: string, at: number): boolean => {
      if (!seen) return true;
      if (seen.get(key) === at) return false;
      seen.set(key, at);
      return true;
    };
    for (const r of deviceRows) {
      const at = Number(r.updated_at);
      if (!fresh(`d:${r.id}`, at)) continue;
      // enrolled_at is stamped in the same write as updated_at when a device (re-)enrolls.
      events.push({ type: 'device.changed', data: { deviceId: r.id, change: Number(r.enrolled_at) === at ? 'enrolled' : 'updated', at } });
    }
    for (const r of deliveryRows) {
      const at = Number(r.updated_at);
      if (!fresh(`c:${r.command_id}:${r.device_id}`, at)) continue;
      events.push({ type: 'command.changed', data: { commandId: r.command_id, deviceId: r.device_id, state: r.state, at } });
    }
    return { events, max };
  }
}
