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
  /** `checking`: the poll is reading the queue itself; a wake-up meanwhile makes it read again. */
  state: 'checking' | 'waiting';
  woken: boolean;
}

export interface LongPollOptions {
  /** Reads and marks sent what each device should receive now (one batch for many devices). */
  take(deviceIds: readonly string[]): Promise<Map<string, unknown[]>>;
  sweepEveryMs?: number;
  onError?(error: unknown): void;
}

export class LongPollRegistry {
  private readonly waiters = new Map<string, Waiter>();
  private readonly timer: NodeJS.Timeout;
  /** Devices woken while a delivery batch was being read: read together in the next batch. */
  private pendingWake: Set<string> | undefined;

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
  async wait(deviceId: string, waitMs: number, isClosed: () => boolean): Promise<unknown[] | null> {
    let answer!: (commands: unknown[] | null) => void;
    const answered = new Promise<unknown[] | null>((resolve) => {
      answer = resolve;
    });
    const waiter: Waiter = { deviceId, deadline: Date.now() + waitMs, answer, isClosed, state: 'checking', woken: false };
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
      for (let i = 0; i < batch.length; i += 500) {
        const slice = batch.slice(i, i + 500);
        try {
          for (const [deviceId, commands] of await this.options.take(slice.map((w) => w.deviceId))) found.set(deviceId, commands);
        } catch (error) {
          this.options.onError?.(error);
        }
      }
      for (const waiter of batch) waiter.answer(found.get(waiter.deviceId) ?? null);
    }
    this.pendingWake = undefined;
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
