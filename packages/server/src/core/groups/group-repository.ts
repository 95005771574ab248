import { type Kysely, type Selectable, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { DB, GroupsTable } from '../../db/schema.js';
import { type DeviceFilter, deviceFilterExpression } from '../devices/device-filter.js';
import type { DeviceChangeListener } from '../events/event-publisher.js';
import { uuidv7 } from '../ids.js';

export type GroupRow = Selectable<GroupsTable>;
export type GroupKind = 'static' | 'smart';

export interface GroupWithCount extends GroupRow {
  member_count: number;
}

/**
 * Static groups hold the devices an admin put in them; smart groups hold the devices their filter
 * matches, recomputed when the filter changes and when a device's inventory changes.
 */
export class GroupRepository {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
    /** Hears about devices that joined or left static groups (compliance re-evaluates them). */
    private readonly changed?: DeviceChangeListener,
  ) {}

  async create(input: { name: string; description?: string | null | undefined; kind: GroupKind; filter?: DeviceFilter | undefined }): Promise<GroupRow> {
    const now = Date.now();
    const row: GroupRow = {
      id: uuidv7(now),
      name: input.name,
      description: input.description ?? null,
      kind: input.kind,
      filter: input.kind === 'smart' ? JSON.stringify(input.filter ?? {}) : null,
      created_at: now,
      updated_at: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('groups').values(row).execute();
      if (row.kind === 'smart') await this.recomputeSmart(row.id, input.filter ?? {}, trx);
    });
    return row;
  }

  get(id: string): Promise<GroupRow | undefined> {
    return this.db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByName(name: string): Promise<GroupRow | undefined> {
    return this.db.selectFrom('groups').selectAll().where('name', '=', name).executeTakeFirst();
  }

  list(): Promise<GroupWithCount[]> {
    return this.db
      .selectFrom('groups')
      .selectAll('groups')
      .select((eb) =>
        eb
          .selectFrom('group_members')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('group_members.group_id', '=', 'groups.id')
          .as('member_count'),
      )
      .orderBy('name')
      .execute() as Promise<GroupWithCount[]>;
  }

  async memberCount(id: string): Promise<number> {
    const { n } = await this.db
      .selectFrom('group_members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('group_id', '=', id)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  async update(id: string, changes: { name?: string | undefined; description?: string | null | undefined; filter?: DeviceFilter | undefined }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('groups')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.description !== undefined ? { description: changes.description } : {}),
          ...(changes.filter !== undefined ? { filter: JSON.stringify(changes.filter) } : {}),
          updated_at: Date.now(),
        })
        .where('id', '=', id)
        .execute();
      if (changes.filter !== undefined) await this.recomputeSmart(id, changes.filter, trx);
    });
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('groups').where('id', '=', id).execute();
  }

  /** Adds devices to a static group; devices already in it are left alone. Returns how many were added. */
  async addMembers(groupId: string, deviceIds: readonly string[]): Promise<number> {
    let added = 0;
    const now = Date.now();
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < deviceIds.length; i += 500) {
        const chunk = deviceIds.slice(i, i + 500).map((device_id) => ({ group_id: groupId, device_id, added_at: now }));
        const result = await trx
          .insertInto('group_members')
          .values(chunk)
          .onConflict((oc) => oc.columns(['group_id', 'device_id']).doNothing())
          .executeTakeFirst();
        added += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
      if (added) await this.changed?.devicesChanged(deviceIds, trx);
    });
    return added;
  }

  async removeMembers(groupId: string, deviceIds: readonly string[]): Promise<number> {
    let removed = 0;
    for (let i = 0; i < deviceIds.length; i += 500) {
      const result = await this.db
        .deleteFrom('group_members')
        .where('group_id', '=', groupId)
        .where('device_id', 'in', deviceIds.slice(i, i + 500))
        .executeTakeFirst();
      removed += Number(result.numDeletedRows);
    }
    if (removed) await this.changed?.devicesChanged(deviceIds);
    return removed;
  }

  async groupIdsOf(deviceId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('group_members').select('group_id').where('device_id', '=', deviceId).execute();
    return rows.map((r) => r.group_id);
  }

  /** Rebuilds a smart group's membership from its filter, in one statement pair. */
  private async recomputeSmart(groupId: string, filter: DeviceFilter, db: Kysely<DB>): Promise<void> {
    await db.deleteFrom('group_members').where('group_id', '=', groupId).execute();
    const now = Date.now();
    await db
      .insertInto('group_members')
      .columns(['group_id', 'device_id', 'added_at'])
      .expression((eb) =>
        eb
          .selectFrom('devices')
          .select([sql.val(groupId).as('group_id'), 'devices.id', sql.val(now).as('added_at')])
          .where((e) => deviceFilterExpression(e, filter, this.dialect)),
      )
      .execute();
  }

  /** Re-evaluates every smart group for these devices (after their inventory changed). */
  async refreshSmartMembership(deviceIds: readonly string[], db: Kysely<DB> = this.db): Promise<void> {
    if (deviceIds.length === 0) return;
    const smart = await db.selectFrom('groups').select(['id', 'filter']).where('kind', '=', 'smart').execute();
    const now = Date.now();
    for (const group of smart) {
      const filter = JSON.parse(group.filter ?? '{}') as DeviceFilter;
      const matching = await db
        .selectFrom('devices')
        .select('id')
        .where('id', 'in', deviceIds)
        .where((eb) => deviceFilterExpression(eb, filter, this.dialect))
        .execute();
      const matched = new Set(matching.map((r) => r.id));
      const leaving = deviceIds.filter((id) => !matched.has(id));
      if (leaving.length) await db.deleteFrom('group_members').where('group_id', '=', group.id).where('device_id', 'in', leaving).execute();
      if (matched.size) {
        await db
          .insertInto('group_members')
          .values([...matched].map((device_id) => ({ group_id: group.id, device_id, added_at: now })))
          .onConflict((oc) => oc.columns(['group_id', 'device_id']).doNothing())
          .execute();
      }
    }
  }
}
