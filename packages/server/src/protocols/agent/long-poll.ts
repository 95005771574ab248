/**
 * Agents waiting for commands on this node, keyed by device id. One entry per open long poll and
 * no timer per connection: a single sweep answers the polls whose time is up (and forgets the ones
 * whose socket closed). `wake(deviceIds)` is the one entry point for "these devices have work":
 * the adapter calls it after a command is enqueued here, and a cross-node notifier (PostgreSQL
 * LISTEN/NOTIFY) can call the same function when another node enqueued it.
 */

interface Waiter {
  readonly deviceId: string;
  readonly deadline: number;
  /** Answered with the commands found, or `null` when the poll ends empty. */
  readonly answer: (commands: unknown[] | null) => void;
  readonly isClosed: () => boolean;
  /** Writes a delivery's commands at once, in the delivery's own loop (no promise hop per poll). */
  readonly deliverNow?: ((commands: unknown[]) => void) | undefined;
  /** `checking`: the poll is reading the queue itself; a wake-up meanwhile makes it read again. */
  state: 'checking' | 'waiting';
  woken: boolean;
}

export interface LongPollOptions {
  /** Reads and marks sent what each device should receive now (one batch for many devices). */
  take(deviceIds: readonly string[]): Promise<Map<string, unknown[]>>;
  sweepEveryMs?: number;
  onError?(error: unknown): void;
  /** After a wake-up's polls were answered (and their responses handed to the sockets): how long it took. */
  onDelivered?(delivery: Delivery): void;
}

/** One wake-up's delivery, for logs and the benchmark (wall-clock times, ms). */
export interface Delivery {
  polls: number;
  commands: number;
  /** When the wake-up arrived. */
  wokenAt: number;
  /** Reading (and marking sent) every woken device's commands. */
  readMs: number;
  /** When every poll had its answer (the commands read, handed to the HTTP layer to write). */
  answeredAt: number;
  /** When the route had handed the last of these answers to its socket (`end()` called). */
  handedAt: number;
  /** When the last of these answers had been written to its socket (`finish`). */
  writtenAt: number;
}

export class LongPollRegistry {
  private readonly waiters = new Map<string, Waiter>();
  private readonly timer: NodeJS.Timeout;
  /** Devices woken while a delivery batch was being read: read together in the next batch. */
  private pendingWake: Set<string> | undefined;
  private wokenAt = 0;
  /** The delivery whose answers are being written: each poll's response reports when it finished. */
  private writing: { delivery: Omit<Delivery, 'writtenAt' | 'handedAt'>; remaining: number; handedAt: number } | undefined;

  constructor(private readonly options: LongPollOptions) {
    this.timer = setInterval(() => this.sweep(), options.sweepEveryMs ?? 1000);
    this.timer.unref();
  }

  get size(): number {
    return this.waiters.size;
  }

  /**
   * Waits for this device's next commands: answers at once when some are queued, otherwise when a
   * wake-up brings some, or with `null` at the deadline. A second poll from the same device ends the first.
   */
  async wait(deviceId: string, waitMs: number, isClosed: () => boolean, deliverNow?: (commands: unknown[]) => void): Promise<unknown[] | null> {
    let answer!: (commands: unknown[] | null) => void;
    const answered = new Promise<unknown[] | null>((resolve) => {
      answer = resolve;
    });
    const waiter: Waiter = { deviceId, deadline: Date.now() + waitMs, answer, isClosed, deliverNow, state: 'checking', woken: false };
    this.waiters.get(deviceId)?.answer(null);
    this.waiters.set(deviceId, waiter);
    try {
      for (;;) {
        waiter.woken = false;
        const found = (await this.options.take([deviceId])).get(deviceId) ?? [];
        if (this.waiters.get(deviceId) !== waiter) return found.length ? found : null;
        if (found.length || waitMs <= 0) {
          this.waiters.delete(deviceId);
          return found.length ? found : null;
        }
        if (!waiter.woken) break;
      }
    } catch (error) {
      if (this.waiters.get(deviceId) === waiter) this.waiters.delete(deviceId);
      throw error;
    }
    waiter.state = 'waiting';
    return answered;
  }

  /** These devices have work: answer the ones waiting on this node, in batches. */
  wake(deviceIds: Iterable<string>): void {
    const ready: string[] = [];
    for (const deviceId of deviceIds) {
      const waiter = this.waiters.get(deviceId);
      if (!waiter) continue;
      if (waiter.state === 'checking') waiter.woken = true;
      else ready.push(deviceId);
    }
    if (ready.length === 0) return;
    if (this.pendingWake) {
      for (const id of ready) this.pendingWake.add(id);
      return;
    }
    this.pendingWake = new Set(ready);
    this.wokenAt = Date.now();
    // Let wake-ups arriving in the same tick join this batch.
    setImmediate(() => void this.deliver());
  }

  private async deliver(): Promise<void> {
    while (this.pendingWake && this.pendingWake.size > 0) {
      const batch: Waiter[] = [];
      for (const deviceId of this.pendingWake) {
        const waiter = this.waiters.get(deviceId);
        if (waiter?.state === 'waiting') {
          this.waiters.delete(deviceId);
          batch.push(waiter);
        }
      }
      this.pendingWake.clear();
      // Read every woken device's commands first, then answer them all: answering a slice at a time
      // lets the first agents' results queue ahead of the next slice's reads (the database serialises them).
      const found = new Map<string, unknown[]>();
      const wokenAt = this.wokenAt;
      const readStarted = performance.now();
      for (let i = 0; i < batch.length; i += 500) {
        const slice = batch.slice(i, i + 500);
        try {
          for (const [deviceId, commands] of await this.options.take(slice.map((w) => w.deviceId))) found.set(deviceId, commands);
        } catch (error) {
          this.options.onError?.(error);
        }
      }
      const readMs = performance.now() - readStarted;
      let commands = 0;
      for (const list of found.values()) commands += list.length;
      let writing: { delivery: Omit<Delivery, 'writtenAt' | 'handedAt'>; remaining: number; handedAt: number } | undefined;
      if (this.options.onDelivered && batch.length > 0) {
        writing = { delivery: { polls: batch.length, commands, wokenAt, readMs, answeredAt: 0 }, remaining: batch.length, handedAt: 0 };
        this.writing = writing;
      }
      for (const waiter of batch) {
        const list = found.get(waiter.deviceId);
        if (list && waiter.deliverNow) waiter.deliverNow(list);
        waiter.answer(list ?? null);
      }
      const answeredAt = Date.now();
      this.wokenAt = answeredAt;
      if (writing) {
        const current = writing;
        current.delivery.answeredAt = answeredAt;
        current.handedAt = Math.max(current.handedAt, answeredAt);
        // The route handlers resume and write within this turn's microtasks; later answers aren't this delivery's.
        setImmediate(() => {
          if (this.writing === current) this.writing = undefined;
        });
      }
    }
    this.pendingWake = undefined;
  }

  /**
   * The route calls this with each answered poll's response, once it has sent it: the last of a
   * delivery's responses to finish writing reports the delivery (`onDelivered`).
   */
  written(response: { once(event: 'finish', listener: () => void): unknown }): void {
    const writing = this.writing;
    if (!writing) return;
    writing.handedAt = Date.now();
    response.once('finish', () => {
      if (--writing.remaining === 0) this.options.onDelivered?.({ ...writing.delivery, handedAt: writing.handedAt, writtenAt: Date.now() });
    });
  }

  /** Ends polls whose time is up, and forgets those whose client went away. */
  sweep(now = Date.now()): void {
    for (const [deviceId, waiter] of this.waiters) {
      if (waiter.state !== 'waiting') continue;
      if (waiter.deadline <= now || waiter.isClosed()) {
        this.waiters.delete(deviceId);
        waiter.answer(null);
      }
    }
  }

  /** Answers every open poll (empty) and stops the sweep: the process is closing. */
  close(): void {
    clearInterval(this.timer);
    for (const waiter of this.waiters.values()) waiter.answer(null);
    this.waiters.clear();
  }
}
