import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Steward agent devices: the client certificate each agent authenticates with, the enrollment it
 * came through, its version, and the per-section hashes of the inventory it last reported (so a
 * check-in carries only the sections that changed).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('agent_devices')
    .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
    .addColumn('enrollment_ref', 'text', (c) => c.references('enrollments.id').onDelete('set null'))
    .addColumn('cert_fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('cert_not_after', time, (c) => c.notNull())
    .addColumn('agent_version', 'text')
    .addColumn('os_family', 'text', (c) => c.notNull())
    .addColumn('inventory_hashes', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('enrolled_at', time, (c) => c.notNull())
    .addColumn('last_checkin_at', time)
    .execute();
}
