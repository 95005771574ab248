import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * SQLite: the device search's columns in an FTS5 table with the trigram tokenizer, kept in step with
 * `devices` by triggers (so every writer of devices maintains it without knowing), which answers the
 * search's case-insensitive substring match from an index instead of scanning every row. PostgreSQL
 * has its trigram indexes (0005).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  const columns = 'name, serial_number, udid, hardware_id, imei, assigned_user';
  const values = (row: 'new' | 'old') =>
    `${row}.rowid, ${columns
      .split(', ')
      .map((c) => `${row}.${c}`)
      .join(', ')}`;
  await sql.raw(`create virtual table devices_search using fts5(${columns}, content='devices', content_rowid='rowid', tokenize='trigram')`).execute(db);
  await sql
    .raw(`create trigger devices_search_insert after insert on devices begin insert into devices_search(rowid, ${columns}) values (${values('new')}); end`)
    .execute(db);
  await sql
    .raw(
      `create trigger devices_search_delete after delete on devices begin insert into devices_search(devices_search, rowid, ${columns}) values ('delete', ${values('old')}); end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger devices_search_update after update of ${columns} on devices begin ` +
        `insert into devices_search(devices_search, rowid, ${columns}) values ('delete', ${values('old')}); ` +
        `insert into devices_search(rowid, ${columns}) values (${values('new')}); end`,
    )
    .execute(db);
  await sql.raw(`insert into devices_search(devices_search) values ('rebuild')`).execute(db);
}
