import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Desired state beyond commands: platform-neutral policies, raw platform profiles, the app
 * catalogue, OS update targets, their assignments to groups, and the reconciler's dirty set.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';

  await db.schema
    .createTable('policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('profiles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('identifier', 'text')
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('validated', 'integer', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('file_name', 'text')
    .addColumn('sha256', 'text')
    .addColumn('size', 'integer')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addUniqueConstraint('apps_platform_identifier', ['platform', 'identifier'])
    .execute();

  // Enterprise packages, bounded in size, kept beside their catalogue entry so every node serves them.
  await db.schema
    .createTable('app_packages')
    .addColumn('app_id', 'text', (c) => c.primaryKey().references('apps.id').onDelete('cascade'))
    .addColumn('content', bytes, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('os_update_targets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('minimum_version', 'text', (c) => c.notNull())
    .addColumn('deadline', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addUniqueConstraint('os_update_targets_group_platform', ['group_id', 'platform'])
    .execute();

  // One table for every assignment: item_type is policy | profile | app (apps carry how and their managed configuration).
  await db.schema
    .createTable('assignments')
    .addColumn('item_type', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('install', 'text')
    .addColumn('configuration', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('assignments_pk', ['item_type', 'item_id', 'group_id'])
    .execute();
  await db.schema.createIndex('assignments_group').on('assignments').column('group_id').execute();

  // Devices whose inputs changed since the reconciler last looked; marked_at lets a run delete only what it saw.
  await db.schema
    .createTable('reconcile_dirty')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('marked_at', time, (c) => c.notNull())
    .execute();

  // What remove_configuration / remove_app need once the item is gone (Apple: the profile's PayloadIdentifier).
  await db.schema.alterTable('configuration_states').addColumn('removal', 'text').execute();
}
