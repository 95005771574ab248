import { type Kysely, type Selectable, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { AppsTable, AssignmentsTable, DB, OsUpdateTargetsTable, PoliciesTable, ProfilesTable } from '../../db/schema.js';
import { uuidv7 } from '../ids.js';
import { markDirty } from './dirty.js';
import type { PolicySettings } from './policy-model.js';

export type PolicyRow = Selectable<PoliciesTable>;
export type ProfileRow = Selectable<ProfilesTable>;
export type AppRow = Selectable<AppsTable>;
export type OsUpdateTargetRow = Selectable<OsUpdateTargetsTable>;
export type AssignmentRow = Selectable<AssignmentsTable>;
export type ItemType = 'policy' | 'profile' | 'app';
export type AppInstall = 'required' | 'available' | 'blocked';

/**
 * Policies, raw profiles, the app catalogue, OS update targets and their group assignments; and the
 * reconciler's dirty set. Every change that can alter what a device should have marks the affected
 * devices dirty in the same transaction, so a crash between the change and the mark can't happen.
 */
export class PolicyRepository {
  constructor(
    private readonly db: Kysely<DB>,
    readonly dialect: Dialect,
  ) {}

  // --- dirty set ---------------------------------------------------------------------------------

  /** Marks devices for the reconciler. A later mark moves `marked_at`, so a run in progress won't clear it. */
  async markDevices(deviceIds: readonly string[], db: Kysely<DB> = this.db): Promise<void> {
    await markDirty(db, deviceIds);
  }

  /** Marks every member of these groups, in one statement per group. */
  async markGroups(groupIds: readonly string[], db: Kysely<DB> = this.db): Promise<void> {
    const now = Date.now();
    for (const groupId of new Set(groupIds)) {
      await db
        .insertInto('reconcile_dirty')
        .columns(['device_id', 'marked_at'])
        .expression((eb) =>
          eb
            .selectFrom('group_members')
            .select(['device_id', sql.val(now).as('marked_at')])
            .where('group_id', '=', groupId),
        )
        .onConflict((oc) => oc.column('device_id').doUpdateSet({ marked_at: now }))
        .execute();
    }
  }

  /** Marks every device (a full reconcile). */
  async markAll(db: Kysely<DB> = this.db): Promise<void> {
    const now = Date.now();
    await db
      .insertInto('reconcile_dirty')
      .columns(['device_id', 'marked_at'])
      // SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT (or it reads ON as a join).
      .expression((eb) =>
        eb
          .selectFrom('devices')
          .select(['id', sql.val(now).as('marked_at')])
          .where(sql<boolean>`1 = 1`),
      )
      .onConflict((oc) => oc.column('device_id').doUpdateSet({ marked_at: now }))
      .execute();
  }

  /** Devices an item is assigned to reach through groups: mark all of them. */
  async markAssigned(itemType: ItemType, itemId: string, db: Kysely<DB> = this.db): Promise<void> {
    const groups = await db.selectFrom('assignments').select('group_id').where('item_type', '=', itemType).where('item_id', '=', itemId).execute();
    await this.markGroups(
      groups.map((g) => g.group_id),
      db,
    );
  }

  // --- policies ----------------------------------------------------------------------------------

  listPolicies(): Promise<PolicyRow[]> {
    return this.db.selectFrom('policies').selectAll().orderBy('priority').orderBy('created_at').execute();
  }

  getPolicy(id: string): Promise<PolicyRow | undefined> {
    return this.db.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findPolicyByName(name: string): Promise<PolicyRow | undefined> {
    return this.db.selectFrom('policies').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async createPolicy(input: { name: string; description?: string | null | undefined; settings: PolicySettings; priority: number }): Promise<PolicyRow> {
    const now = Date.now();
    const row: PolicyRow = {
      id: uuidv7(now),
      name: input.name,
      description: input.description ?? null,
      settings: JSON.stringify(input.settings),
      priority: input.priority,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('policies').values(row).execute();
    return row;
  }

  async updatePolicy(
    id: string,
    changes: { name?: string | undefined; description?: string | null | undefined; settings?: PolicySettings | undefined; priority?: number | undefined },
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('policies')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.description !== undefined ? { description: changes.description } : {}),
          ...(changes.settings !== undefined ? { settings: JSON.stringify(changes.settings) } : {}),
          ...(changes.priority !== undefined ? { priority: changes.priority } : {}),
          updated_at: Date.now(),
        })
        .where('id', '=', id)
        .execute();
      await this.markAssigned('policy', id, trx);
    });
  }

  async deletePolicy(id: string): Promise<void> {
    await this.deleteItem('policy', id, (trx) => trx.deleteFrom('policies').where('id', '=', id).execute());
  }

  // --- raw profiles ------------------------------------------------------------------------------

  listProfiles(): Promise<ProfileRow[]> {
    return this.db.selectFrom('profiles').selectAll().orderBy('name').execute();
  }

  getProfile(id: string): Promise<ProfileRow | undefined> {
    return this.db.selectFrom('profiles').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findProfileByName(name: string): Promise<ProfileRow | undefined> {
    return this.db.selectFrom('profiles').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async createProfile(input: { name: string; channel: string; identifier: string | null; content: string; validated: boolean }): Promise<ProfileRow> {
    const now = Date.now();
    const row: ProfileRow = {
      id: uuidv7(now),
      name: input.name,
      channel: input.channel,
      identifier: input.identifier,
      content: input.content,
      validated: input.validated ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('profiles').values(row).execute();
    return row;
  }

  async updateProfile(
    id: string,
    changes: { name?: string | undefined; identifier?: string | null; content?: string | undefined; validated?: boolean },
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('profiles')
        .set({
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.identifier !== undefined ? { identifier: changes.identifier } : {}),
          ...(changes.content !== undefined ? { content: changes.content } : {}),
          ...(changes.validated !== undefined ? { validated: changes.validated ? 1 : 0 } : {}),
          updated_at: Date.now(),
        })
        .where('id', '=', id)
        .execute();
      await this.markAssigned('profile', id, trx);
    });
  }

  async deleteProfile(id: string): Promise<void> {
    await this.deleteItem('profile', id, (trx) => trx.deleteFrom('profiles').where('id', '=', id).execute());
  }

  // --- apps --------------------------------------------------------------------------------------

  listApps(): Promise<AppRow[]> {
    return this.db.selectFrom('apps').selectAll().orderBy('name').execute();
  }

  getApp(id: string): Promise<AppRow | undefined> {
    return this.db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findApp(platform: string, identifier: string): Promise<AppRow | undefined> {
    return this.db.selectFrom('apps').selectAll().where('platform', '=', platform).where('identifier', '=', identifier).executeTakeFirst();
  }

  async createApp(
    input: { name: string; platform: string; kind: 'store' | 'package'; identifier: string; version?: string | null | undefined },
    pkg?: { fileName: string; sha256: string; content: Buffer },
  ): Promise<AppRow> {
    const now = Date.now();
    const row: AppRow = {
      id: uuidv7(now),
      name: input.name,
      platform: input.platform,
      kind: input.kind,
      identifier: input.identifier,
      version: input.version ?? null,
      file_name: pkg?.fileName ?? null,
      sha256: pkg?.sha256 ?? null,
      size: pkg?.content.length ?? null,
      created_at: now,
      updated_at: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('apps').values(row).execute();
      if (pkg) await trx.insertInto('app_packages').values({ app_id: row.id, content: pkg.content }).execute();
    });
    return row;
  }

  async appPackage(id: string): Promise<Buffer | undefined> {
    const row = await this.db.selectFrom('app_packages').select('content').where('app_id', '=', id).executeTakeFirst();
    return row ? Buffer.from(row.content) : undefined;
  }

  async deleteApp(id: string): Promise<void> {
    await this.deleteItem('app', id, (trx) => trx.deleteFrom('apps').where('id', '=', id).execute());
  }

  // --- OS update targets -------------------------------------------------------------------------

  listOsTargets(): Promise<OsUpdateTargetRow[]> {
    return this.db.selectFrom('os_update_targets').selectAll().orderBy('created_at').execute();
  }

  getOsTarget(id: string): Promise<OsUpdateTargetRow | undefined> {
    return this.db.selectFrom('os_update_targets').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** One target per (group, platform): setting it again replaces the version and deadline. */
  async upsertOsTarget(input: { groupId: string; platform: string; minimumVersion: string; deadline: number | null }): Promise<OsUpdateTargetRow> {
    return this.db.transaction().execute(async (trx) => {
      const now = Date.now();
      const existing = await trx
        .selectFrom('os_update_targets')
        .selectAll()
        .where('group_id', '=', input.groupId)
        .where('platform', '=', input.platform)
        .executeTakeFirst();
      const row: OsUpdateTargetRow = existing
        ? { ...existing, minimum_version: input.minimumVersion, deadline: input.deadline, updated_at: now }
        : {
            id: uuidv7(now),
            group_id: input.groupId,
            platform: input.platform,
            minimum_version: input.minimumVersion,
            deadline: input.deadline,
            created_at: now,
            updated_at: now,
          };
      if (existing)
        await trx
          .updateTable('os_update_targets')
          .set({ minimum_version: row.minimum_version, deadline: row.deadline, updated_at: now })
          .where('id', '=', row.id)
          .execute();
      else await trx.insertInto('os_update_targets').values(row).execute();
      await this.markGroups([input.groupId], trx);
      return row;
    });
  }

  async deleteOsTarget(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('os_update_targets').select('group_id').where('id', '=', id).executeTakeFirst();
      if (row) await this.markGroups([row.group_id], trx);
      await trx.deleteFrom('os_update_targets').where('id', '=', id).execute();
    });
  }

  // --- assignments -------------------------------------------------------------------------------

  assignmentsOf(itemType: ItemType, itemId: string): Promise<AssignmentRow[]> {
    return this.db.selectFrom('assignments').selectAll().where('item_type', '=', itemType).where('item_id', '=', itemId).orderBy('created_at').execute();
  }

  allAssignments(): Promise<AssignmentRow[]> {
    return this.db.selectFrom('assignments').selectAll().execute();
  }

  /** Replaces an item's assignments; devices of groups gained and lost are marked dirty. */
  async setAssignments(
    itemType: ItemType,
    itemId: string,
    assignments: ReadonlyArray<{ groupId: string; install?: AppInstall | undefined; configuration?: unknown }>,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('assignments').select('group_id').where('item_type', '=', itemType).where('item_id', '=', itemId).execute();
      await trx.deleteFrom('assignments').where('item_type', '=', itemType).where('item_id', '=', itemId).execute();
      const now = Date.now();
      if (assignments.length) {
        await trx
          .insertInto('assignments')
          .values(
            assignments.map((a) => ({
              item_type: itemType,
              item_id: itemId,
              group_id: a.groupId,
              install: a.install ?? null,
              configuration: a.configuration === undefined ? null : JSON.stringify(a.configuration),
              created_at: now,
            })),
          )
          .execute();
      }
      await this.markGroups([...before.map((b) => b.group_id), ...assignments.map((a) => a.groupId)], trx);
    });
  }

  private async deleteItem(itemType: ItemType, id: string, remove: (trx: Kysely<DB>) => Promise<unknown>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.markAssigned(itemType, id, trx);
      await trx.deleteFrom('assignments').where('item_type', '=', itemType).where('item_id', '=', id).execute();
      await remove(trx);
    });
  }
}
