import { type Kysely, type Selectable, type SqlBool, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import { markDirty } from '../policies/dirty.js';
import { param, prepared } from '../../db/prepared.js';
import type { DB, DevicesTable } from '../../db/schema.js';
import type { DeviceChangeListener, EventPublisher } from '../events/event-publisher.js';
import { uuidv7 } from '../ids.js';
import { type DeviceFilter, deviceFilterExpression, isEmptyFilter } from './device-filter.js';
import { type Channel, defaultChannel, type EnrollmentState, type Ownership, type Platform, osVersionKey } from './device-model.js';

export type DeviceRow = Selectable<DevicesTable>;

export interface NewDevice {
  platform: Platform;
  /** Defaults to the platform's built-in channel (the agent for Linux). */
  channel?: Channel;
  ownership: Ownership;
  enrollmentState?: EnrollmentState;
  name: string;
  serialNumber?: string | null;
  udid?: string | null;
  hardwareId?: string | null;
  imei?: string | null;
  model?: string | null;
  osVersion?: string | null;
  assignedUser?: string | null;
  inventory?: Record<string, unknown>;
}

/** Sort keys the device list accepts, mapped to their columns. Anything else is refused. */
export const DEVICE_SORT_KEYS = Object.freeze({
  name: 'name',
  platform: 'platform',
  osVersion: 'os_version_key',
  lastSeenAt: 'last_seen_at',
  enrolledAt: 'enrolled_at',
  createdAt: 'created_at',
  serialNumber: 'serial_number',
  complianceState: 'compliance_state',
} as const);
export type DeviceSortKey = keyof typeof DEVICE_SORT_KEYS;

export interface DeviceListQuery {
  filter: DeviceFilter;
  sort: DeviceSortKey;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** Inventory facts with a typed column; everything else is kept in the `inventory` JSON. */
export interface InventoryUpdate {
  name?: string | undefined;
  serialNumber?: string | null | undefined;
  model?: string | null | undefined;
  osVersion?: string | null | undefined;
  imei?: string | null | undefined;
  /** Merged into the stored inventory object, key by key. */
  facts?: Record<string, unknown> | undefined;
}

/** Who hears about device changes: the event outbox (enrolment events) and compliance (re-evaluation). */
export interface DeviceHooks {
  events?: EventPublisher | undefined;
  changed?: DeviceChangeListener | undefined;
}

const ENROLLMENT_EVENTS = { enrolled: 'device.enrolled', unenrolled: 'device.unenrolled', retired: 'device.retired' } as const;

export class DeviceRepository {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
    private readonly hooks: DeviceHooks = {},
  ) {}

  async create(input: NewDevice, db: Kysely<DB> = this.db): Promise<DeviceRow> {
    const now = Date.now();
    const state = input.enrollmentState ?? 'enrolled';
    const row: DeviceRow = {
      id: uuidv7(now),
      platform: input.platform,
      channel: input.channel ?? defaultChannel(input.platform),
      ownership: input.ownership,
      enrollment_state: state,
      name: input.name,
      serial_number: input.serialNumber ?? null,
      udid: input.udid ?? null,
      hardware_id: input.hardwareId ?? null,
      imei: input.imei ?? null,
      model: input.model ?? null,
      os_version: input.osVersion ?? null,
      os_version_key: osVersionKey(input.osVersion),
      assigned_user: input.assignedUser ?? null,
      compliance_state: 'unknown',
      last_seen_at: state === 'enrolled' ? now : null,
      enrolled_at: state === 'enrolled' ? now : null,
      inventory: JSON.stringify(input.inventory ?? {}),
      created_at: now,
      updated_at: now,
    };
    await db.insertInto('devices').values(row).execute();
    if (state === 'enrolled') await this.hooks.events?.publish('device.enrolled', deviceEvent(row), db, now);
    await this.hooks.changed?.devicesChanged([row.id], db);
    if (state === 'enrolled') await markDirty(db, [row.id], now);
    return row;
  }

  get(id: string): Promise<DeviceRow | undefined> {
    return this.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(query: DeviceListQuery): Promise<{ items: DeviceRow[]; total: number }> {
    const count = (filter: DeviceFilter) => {
      let counting = this.db.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n'));
      // Without a WHERE clause SQLite counts from the smallest index's pages.
      if (!isEmptyFilter(filter)) counting = counting.where((eb) => deviceFilterExpression(eb, filter, this.dialect));
      return counting.executeTakeFirstOrThrow().then((row) => Number(row.n));
    };
    if (this.dialect === 'postgres') {
      // PostgreSQL plans from statistics; the two queries run side by side on two connections.
      const [items, total] = await Promise.all([this.page(query, false), count(query.filter)]);
      return { items, total };
    }
    // SQLite keeps no statistics and guesses that any indexed filter is selective: it fetches and
    // sorts every row the filter's index yields ("platform in (ios, ipados)": 43,000 rows, 80 ms at
    // 100k devices) where walking the sort column's index and stopping after one page takes under a
    // millisecond. The count says how selective the filter really is, so choose from it. Walking
    // reads about (offset + limit) × all / total rows; filtering first reads at least `total` rows,
    // usually several times more (an index serves one field of the filter), and sorts them.
    const total = await count(query.filter);
    if (total === 0 || query.offset >= total) return { items: [], total };
    const filtered = !isEmptyFilter(query.filter);
    const all = filtered ? await count({}) : total;
    const walk = filtered && (query.offset + query.limit) * all <= 10 * total * total;
    return { items: await this.page(query, walk), total };
  }

  /**
   * One page of the list. Devices that never reported the sort value sort last in both directions,
   * on both dialects. `walkSortIndex` (SQLite) hides the filter from index selection with the unary
   * `+` SQLite documents for this, so the page comes from the sort column's index.
   */
  private page(query: DeviceListQuery, walkSortIndex: boolean): Promise<DeviceRow[]> {
    const column = DEVICE_SORT_KEYS[query.sort];
    const direction = query.order === 'desc' ? sql`desc` : sql`asc`;
    return this.db
      .selectFrom('devices')
      .selectAll()
      .where((eb) => {
        const condition = deviceFilterExpression(eb, query.filter, this.dialect);
        return walkSortIndex ? sql<SqlBool>`+(${condition})` : condition;
      })
      .orderBy(sql`${sql.ref(column)} ${direction} nulls last`)
      .orderBy('id', query.order)
      .offset(query.offset)
      .limit(query.limit)
      .execute();
  }

  /** Ids of the devices matching `filter`, in id order. */
  async idsMatching(filter: DeviceFilter): Promise<string[]> {
    const rows = await this.db
      .selectFrom('devices')
      .select('id')
      .where((eb) => deviceFilterExpression(eb, filter, this.dialect))
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async existing(ids: readonly string[]): Promise<string[]> {
    const found: string[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('devices')
        .select('id')
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      found.push(...rows.map((r) => r.id));
    }
    return found;
  }

  async update(
    id: string,
    changes: { name?: string | undefined; assignedUser?: string | null | undefined; ownership?: Ownership | undefined },
    db: Kysely<DB> = this.db,
  ): Promise<void> {
    await db
      .updateTable('devices')
      .set({
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.assignedUser !== undefined ? { assigned_user: changes.assignedUser } : {}),
        ...(changes.ownership !== undefined ? { ownership: changes.ownership } : {}),
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .execute();
    // Ownership and the assigned user change what a device's policy translates to.
    if (changes.ownership !== undefined || changes.assignedUser !== undefined) await markDirty(db, [id]);
  }

  async setEnrollmentState(id: string, state: EnrollmentState, db: Kysely<DB> = this.db): Promise<void> {
    const now = Date.now();
    const previous = await db.selectFrom('devices').select('enrollment_state').where('id', '=', id).executeTakeFirst();
    await db
      .updateTable('devices')
      .set({ enrollment_state: state, updated_at: now, ...(state === 'enrolled' ? { enrolled_at: now } : {}) })
      .where('id', '=', id)
      .execute();
    if (state === 'enrolled') await markDirty(db, [id], now);
    // Only a transition is an event: a repeated TokenUpdate re-sets "enrolled" without enrolling again.
    if (!previous || previous.enrollment_state === state) return;
    const type = ENROLLMENT_EVENTS[state as keyof typeof ENROLLMENT_EVENTS];
    if (type && this.hooks.events) {
      const row = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
      if (row) await this.hooks.events.publish(type, { ...deviceEvent(row), previousState: previous.enrollment_state }, db, now);
    }
    await this.hooks.changed?.devicesChanged([id], db);
  }

  /** Removes the device with its command history (deliveries carry no foreign key; see the migration). */
  async delete(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('command_deliveries').where('device_id', '=', id).execute();
      await trx.deleteFrom('devices').where('id', '=', id).execute();
    });
  }

  /** Writes the device's last-seen time (in the caller's transaction, when given). */
  async touch(id: string, at = Date.now(), db: Kysely<DB> = this.db): Promise<void> {
    await this.touchQuery(db, { id, at });
  }

  /** Device channels touch on their hot path: built and compiled once. */
  private readonly touchQuery = prepared<{ id: string; at: number }, never, DB>((db) =>
    db
      .updateTable('devices')
      .set({ last_seen_at: param<number>('at') })
      .where('id', '=', param('id')),
  );

  /** Stores reported inventory: typed columns where they exist, the rest merged into the JSON. */
  async applyInventory(id: string, update: InventoryUpdate, db: Kysely<DB> = this.db): Promise<void> {
    const current = await db.selectFrom('devices').select(['inventory', 'ownership']).where('id', '=', id).executeTakeFirst();
    if (!current) return;
    const reported = { ...(update.facts ?? {}) };
    // BYOD, enforced here for every channel: no location and no list of the owner's own apps is kept for a personal device.
    if (current.ownership === 'personal') {
      delete reported.location;
      delete reported.apps;
    }
    const facts = { ...(JSON.parse(current.inventory) as Record<string, unknown>), ...reported };
    const now = Date.now();
    await db
      .updateTable('devices')
      .set({
        ...(update.name !== undefined ? { name: update.name } : {}),
        ...(update.serialNumber !== undefined ? { serial_number: update.serialNumber } : {}),
        ...(update.model !== undefined ? { model: update.model } : {}),
        ...(update.imei !== undefined ? { imei: update.imei } : {}),
        ...(update.osVersion !== undefined ? { os_version: update.osVersion, os_version_key: osVersionKey(update.osVersion) } : {}),
        inventory: JSON.stringify(facts),
        last_seen_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await this.hooks.changed?.devicesChanged([id], db);
    // What the device reports can change what it should get (smart groups, OS targets, drift): reconcile it.
    await markDirty(db, [id], now);
  }
}

/** What an enrolment event says about the device (no inventory: events go to third parties). */
function deviceEvent(row: DeviceRow): Record<string, unknown> {
  return {
    deviceId: row.id,
    name: row.name,
    platform: row.platform,
    channel: row.channel,
    ownership: row.ownership,
    serialNumber: row.serial_number,
    enrollmentState: row.enrollment_state,
  };
}
