import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/** Enrollments (invitation links), SCEP challenges, Apple MDM channels, APNs certificates and DDM declarations. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('enrollments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('ownership', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('set null'))
    .addColumn('assigned_user', 'text')
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_sealed', 'text', (c) => c.notNull())
    .addColumn('max_uses', 'integer')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', time)
    .addColumn('revoked_at', time)
    .addColumn('created_by', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('scep_challenges')
    .addColumn('challenge_hash', 'text', (c) => c.primaryKey())
    .addColumn('enrollment_id', 'text', (c) => c.notNull().references('enrollments.id').onDelete('cascade'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('used_at', time)
    .execute();

  await db.schema
    .createTable('apple_devices')
    .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
    .addColumn('udid', 'text', (c) => c.notNull().unique())
    .addColumn('enrollment_id', 'text')
    .addColumn('enrollment_ref', 'text', (c) => c.references('enrollments.id').onDelete('set null'))
    .addColumn('cert_fingerprint', 'text', (c) => c.notNull())
    .addColumn('cert_not_after', time, (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('push_magic', 'text')
    .addColumn('push_token', 'text')
    .addColumn('push_dead_at', time)
    .addColumn('unlock_token_sealed', 'text')
    .addColumn('bootstrap_token_sealed', 'text')
    .addColumn('awaiting_configuration', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('authenticated_at', time, (c) => c.notNull())
    .addColumn('token_updated_at', time)
    .addColumn('last_push_at', time)
    .addColumn('declarations_token', 'text')
    .addColumn('ddm_status', 'text')
    .execute();
  await db.schema.createIndex('apple_devices_fingerprint').on('apple_devices').column('cert_fingerprint').execute();

  // The exact bytes sent for each Apple command, so a resend after a lost answer is the same command.
  await db.schema
    .createTable('apple_commands')
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('command_uuid', 'text', (c) => c.notNull())
    .addColumn('command_id', 'text', (c) => c.notNull().references('commands.id').onDelete('cascade'))
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('steps', 'integer', (c) => c.notNull())
    .addColumn('request_type', 'text', (c) => c.notNull())
    .addColumn('body', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('apple_commands_pk', ['device_id', 'command_uuid'])
    .execute();
  await db.schema.createIndex('apple_commands_command').on('apple_commands').columns(['device_id', 'command_id', 'step']).execute();

  await db.schema
    .createTable('apple_user_channels')
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('user_short_name', 'text')
    .addColumn('user_long_name', 'text')
    .addColumn('push_magic', 'text')
    .addColumn('push_token', 'text')
    .addColumn('updated_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('apple_user_channels_pk', ['device_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('apns_certificates')
    .addColumn('topic', 'text', (c) => c.primaryKey())
    .addColumn('certificate_pem', 'text', (c) => c.notNull())
    .addColumn('private_key_sealed', 'text', (c) => c.notNull())
    .addColumn('not_after', time, (c) => c.notNull())
    .addColumn('uploaded_by', 'text')
    .addColumn('uploaded_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('declarations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('identifier', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('server_token', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('declaration_assignments')
    .addColumn('declaration_id', 'text', (c) => c.notNull().references('declarations.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('declaration_assignments_pk', ['declaration_id', 'group_id'])
    .execute();
}
