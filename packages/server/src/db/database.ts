import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type pg from 'pg';
import * as initial from './migrations/0001-initial.js';
import * as enrollmentApple from './migrations/0002-enrollment-apple.js';
import * as deviceChannel from './migrations/0003-device-channel.js';
import * as configurationStates from './migrations/0004-configuration-states.js';
import * as windows from './migrations/0005-windows.js';
import * as agent from './migrations/0006-agent.js';
import * as android from './migrations/0007-android.js';
import * as complianceReports from './migrations/0009-compliance-reports.js';
import * as policies from './migrations/0008-policies.js';
import * as consoleTables from './migrations/0010-console.js';
import * as deviceSearchTrigram from './migrations/0011-device-search-trigram.js';
import * as deviceSearchFts from './migrations/0012-device-search-fts.js';
import type { DB } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** An open database: the query builder, which dialect it speaks, and how to close it. */
export interface Database {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /** For PostgreSQL: the pool, used by LISTEN/NOTIFY and health checks. */
  readonly pool: pg.Pool | undefined;
  close(): Promise<void>;
}

interface StewardMigration {
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** Every migration, in order. Names are fixed once released. */
const MIGRATIONS: ReadonlyArray<[string, StewardMigration]> = [
  ['0001-initial', initial],
  ['0002-enrollment-apple', enrollmentApple],
  ['0003-device-channel', deviceChannel],
  ['0004-configuration-states', configurationStates],
  ['0005-windows', windows],
  ['0006-agent', agent],
  ['0007-android', android],
  ['0008-policies', policies],
  ['0009-compliance-reports', complianceReports],
  ['0010-console', consoleTables],
  ['0011-device-search-trigram', deviceSearchTrigram],
  ['0012-device-search-fts', deviceSearchFts],
];

/**
 * Opens `sqlite:/path/file.db` or `postgres://…`.
 *
 * @example
 * const { db, close } = await openDatabase('sqlite::memory:');
 */
export async function openDatabase(url: string, options: { poolSize?: number } = {}): Promise<Database> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return Object.freeze({ db, dialect: 'sqlite' as const, pool: undefined, close: () => db.destroy() });
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    // Loaded only for PostgreSQL deployments; a SQLite server never pays for the driver.
    const { default: pgModule } = await import('pg');
    // PostgreSQL returns int8 (our timestamps, counts) as strings; our values stay far below 2^53.
    const types = {
      getTypeParser(oid: number, format?: string) {
        if (oid === 20) return (value: string) => Number(value);
        return pgModule.types.getTypeParser(oid, format as 'text');
      },
    } as unknown as pg.CustomTypesConfig;
    // A database that doesn't answer (network cut, failover) fails requests after 5 s instead of hanging them.
    const pool = new pgModule.Pool({ connectionString: url, max: options.poolSize ?? 10, types, connectionTimeoutMillis: 5000 });
    // A client that loses its server must not crash the process: idle ones are the pool's to replace
    // (its 'error' event); one checked out (between two statements of a transaction) has no listener of
    // its own, and its error reaches the statement that uses it anyway. The pool discards broken clients.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return Object.freeze({ db, dialect: 'postgres' as const, pool, close: () => db.destroy() });
  }
  throw new Error(`unsupported database URL: ${url.replace(/\/\/[^@]*@/, '//***@')}`);
}

/**
 * better-sqlite3 behind Kysely prepares every statement anew on each query; a device's command
 * round trip runs the same dozen statements over and over. Prepared statements are kept here (most
 * recently used first, bounded), which is safe because Kysely runs one statement at a time on the
 * single SQLite connection.
 */
function withStatementCache(sqlite: SQLite.Database, max = 500): { close(): void; prepare(sql: string): SQLite.Statement } {
  const cache = new Map<string, SQLite.Statement>();
  const noop = sqlite.prepare('select 1 where 0');
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR, …); Kysely's
      // own ROLLBACK then fails with "no transaction is active" and hides the error that mattered.
      if (sql === 'rollback' && !sqlite.inTransaction) return noop;
      const cached = cache.get(sql);
      if (cached) {
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > max) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}

/** Applies every pending migration. Safe to run from several processes at once (Kysely locks). */
export async function migrate(database: Database): Promise<string[]> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of MIGRATIONS) {
        out[name] = { up: (db) => m.up(db, database.dialect) };
      }
      return out;
    },
  };
  // Kysely looks for its bookkeeping tables in every schema unless told which one: name ours, so a
  // second Steward (or a test) in another schema of the same database is never mistaken for this one.
  const schema =
    database.dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({
    db: database.db,
    provider,
    migrationTableName: 'steward_migrations',
    migrationLockTableName: 'steward_migrations_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when the database answers a trivial query. */
export async function ping(database: Database): Promise<boolean> {
  try {
    await sql`select 1`.execute(database.db);
    return true;
  } catch {
    return false;
  }
}

/** SQLite's own consistency check (`PRAGMA integrity_check`): `['ok']` when the file is sound. PostgreSQL checks itself. */
export async function integrityCheck(database: Database): Promise<string[]> {
  if (database.dialect !== 'sqlite') return ['ok'];
  const result = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(database.db);
  return result.rows.map((r) => r.integrity_check);
}
