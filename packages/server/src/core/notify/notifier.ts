import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { uuidv7 } from '../ids.js';

/**
 * The channels Steward publishes on. Payloads are small JSON objects (PostgreSQL caps a
 * notification at 8000 bytes): ids, never lists of thousands of devices.
 */
export interface NotifyChannels {
  /** A command was enqueued (after commit). Every node's adapters wake the devices they hold. */
  commands: { commandId: string };
  /** A job was enqueued (after commit): job runners look for work now instead of at their next poll. */
  jobs: { kind: string };
  /** Devices that have something new for them (e.g. the agent's long polls); nodes holding them answer. */
  devices: { deviceIds: string[] };
}
export type NotifyChannel = keyof NotifyChannels;

/** `local`: the notification was published by this process (it also went to every other node). */
export type NotifyHandler<C extends NotifyChannel> = (payload: NotifyChannels[C], meta: { local: boolean }) => void | Promise<void>;

/**
 * Cross-node wake-ups. `notify` delivers to this process's subscribers at once and, on PostgreSQL,
 * to every other Steward process on the same database schema through `LISTEN/NOTIFY`. Delivery is
 * best effort (a notification sent while a node's listening connection is down is lost to that
 * node): it makes things happen *now*; durability and eventual delivery come from the queues and
 * the periodic sweeps, never from a notification.
 *
 * @example
 * const off = ctx.notifier.subscribe('commands', ({ commandId }, { local }) => adapters.commandEnqueued(commandId, { local }));
 * await ctx.notifier.notify('commands', { commandId });
 */
export interface Notifier {
  /** This process's id in notifications (how a node recognises its own). */
  readonly nodeId: string;
  /** Whether cross-node delivery is currently up (always true in-process; PostgreSQL: the LISTEN connection). */
  readonly connected: boolean;
  /** Publishes; never throws (a failure to reach other nodes is reported through `onError`). Call after commit. */
  notify<C extends NotifyChannel>(channel: C, payload: NotifyChannels[C]): Promise<void>;
  /** Handlers run after the publisher's call returns; their errors go to `onError`. Returns an unsubscribe function. */
  subscribe<C extends NotifyChannel>(channel: C, handler: NotifyHandler<C>): () => void;
  close(): Promise<void>;
}

export interface NotifierOptions {
  onError?: (error: unknown, what: string) => void;
  /** Backoff between reconnection attempts of the LISTEN connection. */
  reconnect?: { initialMs: number; maxMs: number };
}

const CHANNELS: readonly NotifyChannel[] = ['commands', 'jobs', 'devices'];

class LocalNotifier implements Notifier {
  readonly nodeId = uuidv7();
  protected readonly emitter = new EventEmitter();
  protected closed = false;

  constructor(protected readonly onError: (error: unknown, what: string) => void) {
    this.emitter.setMaxListeners(0);
  }

  get connected(): boolean {
    return true;
  }

  async notify<C extends NotifyChannel>(channel: C, payload: NotifyChannels[C]): Promise<void> {
    if (this.closed) return;
    this.deliver(channel, payload, true);
  }

  subscribe<C extends NotifyChannel>(channel: C, handler: NotifyHandler<C>): () => void {
    const listener = (payload: NotifyChannels[C], meta: { local: boolean }) => {
      try {
        Promise.resolve(handler(payload, meta)).catch((error) => this.onError(error, `${channel} handler`));
      } catch (error) {
        this.onError(error, `${channel} handler`);
      }
    };
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }

  protected deliver(channel: NotifyChannel, payload: unknown, local: boolean): void {
    // Never inside the publisher's stack: a handler must not delay or break the code that published.
    setImmediate(() => this.emitter.emit(channel, payload, { local }));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.emitter.removeAllListeners();
  }
}

/**
 * PostgreSQL: one pooled client is kept for `LISTEN` (so the pool has one connection fewer for
 * queries); if it drops, it is replaced with backoff and the channels listened to again.
 * Channel names carry the schema, so two Steward installations (or test runs) in different schemas
 * of one database never wake each other.
 */
class PostgresNotifier extends LocalNotifier {
  private client: { release(): void } | undefined;
  private up = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly prefix: string,
    onError: (error: unknown, what: string) => void,
    private readonly backoff: { initialMs: number; maxMs: number },
  ) {
    super(onError);
  }

  override get connected(): boolean {
    return this.up;
  }

  private pgChannel(channel: NotifyChannel): string {
    return `${this.prefix}${channel}`;
  }

  /** Connects the LISTEN client; resolves once listening (or after the first failure, retrying in the background). */
  start(): Promise<void> {
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let release: ((error?: unknown) => boolean) | undefined;
    try {
      const c = await this.pool.connect();
      let released = false;
      // Destroy rather than return it to the pool: the connection is broken or still LISTENing.
      release = (error?: unknown) => {
        if (released) return false;
        released = true;
        c.release(error instanceof Error ? error : true);
        return true;
      };
      const releaseOnce = release;
      const handle = { release: () => void releaseOnce() };
      const onLost = (error?: unknown) => {
        if (!releaseOnce(error)) return;
        this.up = false;
        if (this.client === handle) this.client = undefined;
        if (!this.closed) {
          this.onError(error ?? new Error('connection ended'), 'LISTEN connection lost');
          this.retry();
        }
      };
      c.on('error', onLost);
      c.on('end', () => onLost());
      c.on('notification', (message) => this.received(message.channel, message.payload));
      for (const channel of CHANNELS) await c.query(`LISTEN ${quoteIdent(this.pgChannel(channel))}`);
      if (this.closed) {
        releaseOnce();
        return;
      }
      this.client = handle;
      this.up = true;
      this.attempt = 0;
    } catch (error) {
      release?.(error);
      this.onError(error, 'LISTEN connection failed');
      this.retry();
    }
  }

  private retry(): void {
    if (this.closed || this.timer) return;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.attempt++);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.start();
      },
      delay * (0.75 + Math.random() * 0.5),
    );
    this.timer.unref();
  }

  private received(pgChannel: string, raw: string | undefined): void {
    const channel = CHANNELS.find((c) => this.pgChannel(c) === pgChannel);
    if (!channel || !raw) return;
    try {
      const message = JSON.parse(raw) as { o?: string; p?: unknown };
      // Our own notification came back: local subscribers already had it.
      if (message.o === this.nodeId) return;
      this.deliver(channel, message.p, false);
    } catch (error) {
      this.onError(error, 'bad notification');
    }
  }

  override async notify<C extends NotifyChannel>(channel: C, payload: NotifyChannels[C]): Promise<void> {
    if (this.closed) return;
    this.deliver(channel, payload, true);
    try {
      await this.pool.query('select pg_notify($1, $2)', [this.pgChannel(channel), JSON.stringify({ o: this.nodeId, p: payload })]);
    } catch (error) {
      this.onError(error, `NOTIFY ${channel}`);
    }
  }

  override async close(): Promise<void> {
    await super.close();
    if (this.timer) clearTimeout(this.timer);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    this.up = false;
    client?.release();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * In-process on SQLite (one process owns the database); `LISTEN/NOTIFY` on PostgreSQL. The
 * PostgreSQL notifier is listening when this resolves (or retrying in the background if the
 * database is unreachable).
 */
export async function createNotifier(
  database: { dialect: 'sqlite' | 'postgres'; pool: pg.Pool | undefined; schema?: string | undefined },
  options: NotifierOptions = {},
): Promise<Notifier> {
  const onError = options.onError ?? (() => {});
  if (database.dialect !== 'postgres' || !database.pool) return new LocalNotifier(onError);
  let schema = database.schema;
  if (!schema) {
    const result = await database.pool.query<{ schema: string }>('select current_schema() as schema');
    schema = result.rows[0]?.schema ?? 'public';
  }
  // Identifiers are at most 63 bytes; long schema names are shortened to a stable hash-free prefix.
  const prefix = `steward.${schema.slice(0, 40)}.`;
  const notifier = new PostgresNotifier(database.pool, prefix, onError, options.reconnect ?? { initialMs: 250, maxMs: 5000 });
  await notifier.start();
  return notifier;
}
