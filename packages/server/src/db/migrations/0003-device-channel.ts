import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/** Which adapter manages each device (a Mac may be an Apple MDM device or a Steward agent). */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('devices')
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('apple'))
    .execute();
  await sql`update devices set channel = case platform when 'windows' then 'windows' when 'android' then 'android' when 'linux' then 'agent' else 'apple' end`.execute(
    db,
  );
  await db.schema.createIndex('devices_channel').on('devices').column('channel').execute();
}
