import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/** The columns the device search looks in (see core/devices/device-filter.ts). */
const SEARCHED = ['name', 'serial_number', 'udid', 'hardware_id', 'imei', 'assigned_user'];

/**
 * PostgreSQL: trigram indexes (pg_trgm, a trusted extension since PostgreSQL 13) under the device
 * search's `ILIKE '%…%'`, which a B-tree can't serve, so a search over 100,000 devices reads a few
 * index pages instead of every row. Without the extension (not installed on the server, or not
 * allowed) the migration does nothing and the search stays a scan. SQLite: nothing (a scan).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  const available = await sql<{ n: number }>`select count(*)::int as n from pg_available_extensions where name = 'pg_trgm'`.execute(db);
  if (!available.rows[0]?.n) return;
  const installed = async () =>
    (
      await sql<{
        schema: string;
      }>`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db)
    ).rows[0]?.schema;
  let schema = await installed();
  if (!schema) {
    const canCreate = await sql<{ ok: boolean }>`select has_database_privilege(current_database(), 'CREATE') as ok`.execute(db);
    if (!canCreate.rows[0]?.ok) return;
    // In `public` when there is one: an installation living in its own schema (or a test schema that is
    // dropped later) must not take the extension, and every other schema's indexes, with it.
    const hasPublic = await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname = 'public'`.execute(db);
    if (hasPublic.rows[0]?.n) await sql`create extension if not exists pg_trgm with schema public`.execute(db);
    else await sql`create extension if not exists pg_trgm`.execute(db);
    schema = await installed();
  }
  if (!schema) return;
  for (const column of SEARCHED) {
    await sql`create index ${sql.id(`devices_search_${column}`)} on devices using gin (${sql.id(column)} ${sql.id(schema)}.gin_trgm_ops)`.execute(db);
  }
}
