import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Android Management API: the bound enterprise (sealed service-account credentials), devices and
 * their AMAPI names, the content-addressed policies Steward wrote, enrollment tokens, the
 * configurations applied per device, pending long-running operations, and processed Pub/Sub
 * message ids (redelivery is normal for Pub/Sub).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('android_enterprises')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('credentials_sealed', 'text')
    .addColumn('client_email', 'text')
    .addColumn('project_id', 'text')
    .addColumn('enterprise_name', 'text', (c) => c.unique())
    .addColumn('display_name', 'text')
    .addColumn('pubsub_topic', 'text')
    .addColumn('notification_types', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('push_secret_sealed', 'text', (c) => c.notNull())
    .addColumn('signup_url_name', 'text')
    .addColumn('signup_state_hash', 'text')
    .addColumn('bound_at', time)
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('android_devices')
    .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
    .addColumn('amapi_name', 'text', (c) => c.notNull().unique())
    .addColumn('enterprise_name', 'text', (c) => c.notNull())
    .addColumn('enrollment_id', 'text')
    .addColumn('management_mode', 'text')
    .addColumn('policy_name', 'text')
    .addColumn('applied_policy_name', 'text')
    .addColumn('applied_policy_version', 'text')
    .addColumn('last_status_report_at', time)
    .addColumn('state', 'text')
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('android_policies')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('configurations', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('android_device_configurations')
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('android_device_configurations_pk', ['device_id', 'key'])
    .execute();

  await db.schema
    .createTable('android_enrollment_tokens')
    .addColumn('enrollment_id', 'text', (c) => c.primaryKey().references('enrollments.id').onDelete('cascade'))
    .addColumn('token_name', 'text', (c) => c.notNull())
    .addColumn('value_sealed', 'text', (c) => c.notNull())
    .addColumn('qr_code', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('one_time', 'integer', (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  // What Steward waits for on a device: a long-running command operation, or a policy version to be applied.
  await db.schema
    .createTable('android_pending')
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('command_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('operation_name', 'text')
    .addColumn('policy_name', 'text')
    .addColumn('policy_version', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('android_pending_pk', ['device_id', 'command_id'])
    .execute();
  await db.schema.createIndex('android_pending_operation').on('android_pending').column('operation_name').execute();

  await db.schema
    .createTable('android_pubsub_messages')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('notification_type', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('received_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('android_pubsub_messages_received').on('android_pubsub_messages').column('received_at').execute();
}
