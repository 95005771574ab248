import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Where each configuration Steward manages stands on each device: a translated policy, a raw
 * profile, an app or an OS update target, keyed by (device, key). The reconciler writes it; the
 * console, compliance ("policy installed") and reports read it.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('configuration_states')
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('item_type', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('desired_version', 'text')
    .addColumn('installed_version', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('command_id', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('configuration_states_pk', ['device_id', 'key'])
    .execute();
  await db.schema.createIndex('configuration_states_item').on('configuration_states').columns(['item_id', 'state']).execute();
  await db.schema.createIndex('configuration_states_state').on('configuration_states').columns(['state', 'updated_at']).execute();
}
