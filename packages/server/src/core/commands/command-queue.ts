import { type Kysely, type Selectable, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { CommandDeliveriesTable, CommandsTable, DB } from '../../db/schema.js';
import { type DeviceFilter, deviceFilterExpression } from '../devices/device-filter.js';
import type { Channel, Ownership, Platform } from '../devices/device-model.js';
import { StewardError } from '../errors.js';
import type { EventPublisher } from '../events/event-publisher.js';
import { uuidv7 } from '../ids.js';

export type CommandRow = Selectable<CommandsTable>;
export type DeliveryRow = Selectable<CommandDeliveriesTable>;

/**
 * A delivery's life: queued → sent → acknowledged | error | not_now (sent again later);
 * undelivered ones end as expired or cancelled.
 */
export const DELIVERY_STATES = ['queued', 'sent', 'acknowledged', 'error', 'not_now', 'expired', 'cancelled'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];
const PENDING: DeliveryState[] = ['queued', 'not_now'];
const OPEN: DeliveryState[] = ['queued', 'sent', 'not_now'];

/** Which devices a command is for. */
export type CommandTarget = { deviceIds: string[] } | { groupId: string } | { filter: DeviceFilter };

export interface EnqueueInput {
  kind: 'intent' | 'raw';
  /** The intent name, or the raw command's type as the platform names it. */
  type: string;
  /** For raw commands, which adapter carries it. */
  platform: string | null;
  payload: unknown;
  target: CommandTarget;
  /** Devices outside these platforms or ownerships are skipped. */
  platforms: readonly Platform[];
  /** Raw commands: only devices managed through this channel (a Mac may be Apple MDM or the agent). */
  channels?: readonly Channel[] | undefined;
  ownership?: readonly Ownership[] | undefined;
  createdBy: { type: string; id: string | null; label: string | null };
  ttlMs: number;
}

export interface EnqueueResult {
  command: CommandRow;
  /** Devices the target named that the command can't apply to (platform, ownership, not enrolled). */
  skipped: number;
}

export type ResultOutcome = 'acknowledged' | 'error' | 'not_now';

/** `recorded`: stored now; `duplicate`: this result was already stored, nothing changed; `unknown`: never sent to this device. */
export type RecordResult = 'recorded' | 'duplicate' | 'unknown';

export interface CommandWithCounts extends CommandRow {
  counts: Partial<Record<DeliveryState, number>>;
}

/**
 * The durable command queue. A command and all its per-device deliveries are written in one
 * transaction; a delivery leaves the queue only when its result is stored; results are keyed
 * by (device, command) so a repeated result changes nothing.
 */
export class CommandQueue {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
    private readonly events?: EventPublisher,
  ) {}

  /** Creates a command and fans it out to every applicable device, atomically. */
  async enqueue(input: EnqueueInput): Promise<EnqueueResult> {
    return this.db.transaction().execute((trx) => this.enqueueWithin(trx, input));
  }

  /**
   * `enqueue` inside the caller's transaction, so a caller can write its own bookkeeping (the
   * reconciler's configuration states) atomically with the command.
   */
  async enqueueWithin(trx: Kysely<DB>, input: EnqueueInput): Promise<EnqueueResult> {
    {
      const now = Date.now();
      const command: CommandRow = {
        id: uuidv7(now),
        kind: input.kind,
        type: input.type,
        platform: input.platform,
        payload: JSON.stringify(input.payload ?? {}),
        target: JSON.stringify(input.target),
        created_by_type: input.createdBy.type,
        created_by_id: input.createdBy.id,
        created_by_label: input.createdBy.label,
        created_at: now,
        expires_at: now + input.ttlMs,
        device_count: 0,
      };
      await trx.insertInto('commands').values(command).execute();

      const targeted = await this.countTargeted(trx, input.target);
      let inserted = 0;
      if ('deviceIds' in input.target) {
        const ids = [...new Set(input.target.deviceIds)];
        for (let i = 0; i < ids.length; i += 500) inserted += await this.fanOut(trx, command.id, input, now, ids.slice(i, i + 500));
      } else {
        inserted = await this.fanOut(trx, command.id, input, now);
      }
      if (inserted === 0) throw new StewardError('empty_target', undefined, { targeted, skipped: targeted });
      await trx.updateTable('commands').set({ device_count: inserted }).where('id', '=', command.id).execute();
      return { command: { ...command, device_count: inserted }, skipped: targeted - inserted };
    }
  }

  private async countTargeted(db: Kysely<DB>, target: CommandTarget): Promise<number> {
    if ('deviceIds' in target) return new Set(target.deviceIds).size;
    let query = db.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n'));
    if ('groupId' in target) {
      query = query.innerJoin('group_members', 'group_members.device_id', 'devices.id').where('group_members.group_id', '=', target.groupId);
    } else {
      query = query.where((eb) => deviceFilterExpression(eb, target.filter, this.dialect));
    }
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  /** INSERT … SELECT of one delivery per applicable device; returns the number inserted. */
  private async fanOut(db: Kysely<DB>, commandId: string, input: EnqueueInput, now: number, deviceIds?: string[]): Promise<number> {
    const result = await db
      .insertInto('command_deliveries')
      .columns(['command_id', 'device_id', 'state', 'attempts', 'updated_at'])
      .expression((eb) => {
        let select = eb
          .selectFrom('devices')
          .select([
            sql.val(commandId).as('command_id'),
            'devices.id as device_id',
            sql.val('queued').as('state'),
            sql.val(0).as('attempts'),
            sql.val(now).as('updated_at'),
          ])
          .where('devices.enrollment_state', '=', 'enrolled')
          .where('devices.platform', 'in', [...input.platforms]);
        if (input.ownership) select = select.where('devices.ownership', 'in', [...input.ownership]);
        if (input.channels) select = select.where('devices.channel', 'in', [...input.channels]);
        if (deviceIds) select = select.where('devices.id', 'in', deviceIds);
        else if ('groupId' in input.target) {
          const groupId = input.target.groupId;
          select = select.where((e) =>
            e.exists(
              e
                .selectFrom('group_members')
                .select(sql.lit(1).as('one'))
                .whereRef('group_members.device_id', '=', 'devices.id')
                .where('group_members.group_id', '=', groupId),
            ),
          );
        } else if ('filter' in input.target) {
          const filter = input.target.filter;
          select = select.where((e) => deviceFilterExpression(e, filter, this.dialect));
        }
        // SQLite reads the devices platform by platform; in device order instead, the deliveries'
        // (device_id, …) indexes are written in one pass rather than six (bench: ~30% faster at 100k).
        // PostgreSQL already reads them in that order from the heap, and a sort would only cost.
        if (this.dialect === 'sqlite') select = select.orderBy('devices.id');
        return select;
      })
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  get(id: string): Promise<CommandRow | undefined> {
    return this.db.selectFrom('commands').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async withCounts(commands: CommandRow[]): Promise<CommandWithCounts[]> {
    if (commands.length === 0) return [];
    const rows = await this.db
      .selectFrom('command_deliveries')
      .select(['command_id', 'state', (eb) => eb.fn.countAll<number>().as('n')])
      .where(
        'command_id',
        'in',
        commands.map((c) => c.id),
      )
      .groupBy(['command_id', 'state'])
      .execute();
    const counts = new Map<string, Partial<Record<DeliveryState, number>>>();
    for (const row of rows) {
      const entry = counts.get(row.command_id) ?? {};
      entry[row.state as DeliveryState] = Number(row.n);
      counts.set(row.command_id, entry);
    }
    return commands.map((c) => ({ ...c, counts: counts.get(c.id) ?? {} }));
  }

  /** Commands newest first; optionally only those delivered to one device. */
  list(options: { deviceId?: string | undefined; type?: string | undefined; before?: string | undefined; limit: number }): Promise<CommandRow[]> {
    let query = this.db.selectFrom('commands').selectAll('commands');
    if (options.deviceId) {
      const deviceId = options.deviceId;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('command_deliveries')
            .select(sql.lit(1).as('one'))
            .whereRef('command_deliveries.command_id', '=', 'commands.id')
            .where('command_deliveries.device_id', '=', deviceId),
        ),
      );
    }
    if (options.type) query = query.where('commands.type', '=', options.type);
    if (options.before) query = query.where('commands.id', '<', options.before);
    return query.orderBy('commands.id', 'desc').limit(options.limit).execute();
  }

  deliveries(commandId: string, options: { state?: DeliveryState | undefined; afterSeq?: number | undefined; limit: number }): Promise<DeliveryRow[]> {
    let query = this.db.selectFrom('command_deliveries').selectAll().where('command_id', '=', commandId);
    if (options.state) query = query.where('state', '=', options.state);
    if (options.afterSeq !== undefined) query = query.where('seq', '>', options.afterSeq);
    return query.orderBy('seq').limit(options.limit).execute();
  }

  delivery(deviceId: string, commandId: string): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom('command_deliveries').selectAll().where('device_id', '=', deviceId).where('command_id', '=', commandId).executeTakeFirst();
  }

  /**
   * The device's next command in queue order, skipping the ones it answered NotNow to in this
   * session (`skip`). Expired commands are never handed out.
   */
  async next(deviceId: string, skip: readonly string[] = []): Promise<{ delivery: DeliveryRow; command: CommandRow } | undefined> {
    let query = this.db
      .selectFrom('command_deliveries')
      .innerJoin('commands', 'commands.id', 'command_deliveries.command_id')
      .selectAll('command_deliveries')
      .select([
        'commands.kind',
        'commands.type',
        'commands.platform',
        'commands.payload',
        'commands.target',
        'commands.created_by_type',
        'commands.created_by_id',
        'commands.created_by_label',
        'commands.created_at',
        'commands.expires_at',
        'commands.device_count',
      ])
      .where('command_deliveries.device_id', '=', deviceId)
      .where('command_deliveries.state', 'in', [...PENDING, 'sent'])
      .where('commands.expires_at', '>', Date.now());
    if (skip.length) query = query.where('command_deliveries.command_id', 'not in', [...skip]);
    const row = await query.orderBy('command_deliveries.seq').limit(1).executeTakeFirst();
    if (!row) return undefined;
    const { kind, type, platform, payload, target, created_by_type, created_by_id, created_by_label, created_at, expires_at, device_count, ...delivery } = row;
    return {
      delivery,
      command: {
        id: delivery.command_id,
        kind,
        type,
        platform,
        payload,
        target,
        created_by_type,
        created_by_id,
        created_by_label,
        created_at,
        expires_at,
        device_count,
      },
    };
  }

  /** Records that the command went out to the device. */
  async markSent(deviceId: string, commandId: string): Promise<void> {
    const now = Date.now();
    await this.db
      .updateTable('command_deliveries')
      .set((eb) => ({ state: 'sent', sent_at: now, updated_at: now, attempts: eb('attempts', '+', 1) }))
      .where('device_id', '=', deviceId)
      .where('command_id', '=', commandId)
      .where('state', 'in', OPEN)
      .execute();
  }

  /**
   * Stores the device's answer. Only a command that was sent to this device accepts a result;
   * a final result arriving again is a no-op.
   */
  async recordResult(deviceId: string, commandId: string, outcome: ResultOutcome, result: unknown, db: Kysely<DB> = this.db): Promise<RecordResult> {
    const now = Date.now();
    const final = outcome !== 'not_now';
    const update = await db
      .updateTable('command_deliveries')
      .set({
        state: outcome,
        updated_at: now,
        result: result === undefined ? null : JSON.stringify(result),
        ...(final ? { completed_at: now } : {}),
        ...(outcome === 'error' ? { error: errorSummary(result) } : {}),
      })
      .where('device_id', '=', deviceId)
      .where('command_id', '=', commandId)
      .where('state', 'in', ['sent', 'not_now'])
      .executeTakeFirst();
    if (Number(update.numUpdatedRows) > 0) {
      if (outcome === 'error' && this.events) {
        const command = await db.selectFrom('commands').select(['type', 'kind', 'platform']).where('id', '=', commandId).executeTakeFirst();
        await this.events.publish(
          'command.failed',
          { deviceId, commandId, type: command?.type ?? null, kind: command?.kind ?? null, error: errorSummary(result) },
          db,
          now,
        );
      }
      return 'recorded';
    }
    const existing = await db
      .selectFrom('command_deliveries')
      .select('state')
      .where('device_id', '=', deviceId)
      .where('command_id', '=', commandId)
      .executeTakeFirst();
    if (!existing || existing.state === 'queued') return 'unknown';
    return 'duplicate';
  }

  /** Cancels every delivery not yet sent. Returns how many were cancelled. */
  async cancel(commandId: string, deviceId?: string): Promise<number> {
    let query = this.db
      .updateTable('command_deliveries')
      .set({ state: 'cancelled', updated_at: Date.now(), completed_at: Date.now() })
      .where('command_id', '=', commandId)
      .where('state', 'in', PENDING);
    if (deviceId) query = query.where('device_id', '=', deviceId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Cancels everything still pending for one device (it is being retired). */
  async cancelForDevice(deviceId: string): Promise<number> {
    const now = Date.now();
    const result = await this.db
      .updateTable('command_deliveries')
      .set({ state: 'cancelled', updated_at: now, completed_at: now })
      .where('device_id', '=', deviceId)
      .where('state', 'in', PENDING)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** One device's deliveries with their commands, newest first. */
  timeline(deviceId: string, limit: number) {
    return this.db
      .selectFrom('command_deliveries')
      .innerJoin('commands', 'commands.id', 'command_deliveries.command_id')
      .select([
        'command_deliveries.command_id',
        'command_deliveries.state',
        'command_deliveries.sent_at',
        'command_deliveries.completed_at',
        'command_deliveries.result',
        'commands.type',
        'commands.kind',
        'commands.created_at',
        'commands.created_by_label',
      ])
      .where('command_deliveries.device_id', '=', deviceId)
      .orderBy('command_deliveries.seq', 'desc')
      .limit(limit)
      .execute();
  }

  /** Marks open deliveries of expired commands as expired. Returns how many. */
  async expireDue(now = Date.now()): Promise<number> {
    const result = await this.db
      .updateTable('command_deliveries')
      .set({ state: 'expired', updated_at: now, completed_at: now })
      .where('state', 'in', OPEN)
      .where('command_id', 'in', (eb) => eb.selectFrom('commands').select('id').where('expires_at', '<=', now))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Deliveries waiting to go out, for the metrics endpoint. */
  async depth(): Promise<number> {
    const { n } = await this.db
      .selectFrom('command_deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', 'in', OPEN)
      .executeTakeFirstOrThrow();
    return Number(n);
  }
}

function errorSummary(result: unknown): string {
  const text = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return text.slice(0, 2000);
}
