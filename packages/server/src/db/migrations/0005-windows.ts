import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Windows MDM: one row per enrolled PC (its Windows DeviceID, the certificate issued at enrollment,
 * the OMA-DM session state — kept here so any node can answer the next message of a session — and
 * the escrowed BitLocker recovery key, sealed).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('windows_devices')
    .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
    .addColumn('windows_device_id', 'text', (c) => c.notNull().unique())
    .addColumn('hardware_id', 'text')
    .addColumn('upn', 'text')
    .addColumn('enrollment_type', 'text', (c) => c.notNull())
    .addColumn('enrollment_ref', 'text', (c) => c.references('enrollments.id').onDelete('set null'))
    .addColumn('cert_fingerprint', 'text', (c) => c.notNull())
    .addColumn('cert_not_after', time, (c) => c.notNull())
    .addColumn('session_id', 'text')
    .addColumn('server_msg_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('client_msg_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('session_sent', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('inflight', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('session_at', time)
    .addColumn('bitlocker_key_sealed', 'text')
    .addColumn('bitlocker_key_id', 'text')
    .addColumn('bitlocker_escrowed_at', time)
    .addColumn('enrolled_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('windows_devices_fingerprint').on('windows_devices').column('cert_fingerprint').execute();
}
