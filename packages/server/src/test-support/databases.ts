import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * The databases every repository and API test runs against: SQLite always, PostgreSQL when
 * `STEWARD_TEST_DATABASE_URL` names one. Each test database is private: a temporary SQLite file,
 * or a fresh PostgreSQL schema dropped afterwards.
 */
export interface TestDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  /** Whether this dialect can run here; PostgreSQL runs are skipped (and say so) without a URL. */
  readonly available: boolean;
  create(): Promise<{ url: string; dataDir: string; drop(): Promise<void> }>;
}

export const POSTGRES_URL = process.env.STEWARD_TEST_DATABASE_URL;

export function tempDir(prefix = 'steward-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const TEST_DATABASES: readonly TestDatabase[] = [
  {
    dialect: 'sqlite',
    available: true,
    async create() {
      const dataDir = tempDir();
      return { url: `sqlite:${path.join(dataDir, 'steward.db')}`, dataDir, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
    },
  },
  {
    dialect: 'postgres',
    available: Boolean(POSTGRES_URL),
    async create() {
      if (!POSTGRES_URL) throw new Error('STEWARD_TEST_DATABASE_URL is not set');
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      const url = new URL(POSTGRES_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const dataDir = tempDir();
      return {
        url: url.toString(),
        dataDir,
        async drop() {
          const client = new pg.Client({ connectionString: POSTGRES_URL });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await client.end();
          fs.rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
];

if (!POSTGRES_URL && !process.env.STEWARD_POSTGRES_NOTICE_SHOWN) {
  process.env.STEWARD_POSTGRES_NOTICE_SHOWN = '1';
  process.stderr.write('NOTE: STEWARD_TEST_DATABASE_URL is not set: the PostgreSQL runs of the database tests are SKIPPED.\n');
}
