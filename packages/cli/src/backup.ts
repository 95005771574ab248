import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { type Config, createContext } from '@steward/server';

const MANIFEST = 'steward-backup.json';

interface Manifest {
  format: 1;
  createdAt: string;
  files: string[];
}

/** The SQLite file behind a `sqlite:` URL. */
function sqliteFile(config: Config): string {
  if (!config.databaseUrl.startsWith('sqlite:')) {
    throw new Error('steward backup covers the embedded SQLite database; back up PostgreSQL with pg_dump (and keep the secret key)');
  }
  return config.databaseUrl.slice('sqlite:'.length);
}

/**
 * Copies a consistent snapshot of the SQLite database (SQLite's online backup: safe while the
 * server runs), the secret key and the TLS material into `outDir`. Without the secret key the CA
 * and every sealed secret are lost, so it is always included: keep backups as safe as the server.
 */
export async function backup(config: Config, outDir: string): Promise<Manifest> {
  const database = sqliteFile(config);
  if (!fs.existsSync(database)) throw new Error(`no database at ${database}`);
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) throw new Error(`${outDir} is not empty`);
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const files: string[] = [];
  const source = new SQLite(database, { readonly: true, fileMustExist: true });
  try {
    await source.backup(path.join(outDir, 'steward.db'));
  } finally {
    source.close();
  }
  files.push('steward.db');
  for (const name of ['secret.key', 'tls/server.crt', 'tls/server.key']) {
    const from = path.join(config.dataDir, name);
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.dirname(path.join(outDir, name)), { recursive: true });
    fs.copyFileSync(from, path.join(outDir, name));
    fs.chmodSync(path.join(outDir, name), 0o600);
    files.push(name);
  }
  const manifest: Manifest = { format: 1, createdAt: new Date().toISOString(), files };
  fs.writeFileSync(path.join(outDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Restores a backup into an empty data dir (or over an existing one with `force`), then opens it
 * to prove the secret key still opens the CA. The server must be stopped.
 */
export async function restore(config: Config, fromDir: string, options: { force?: boolean } = {}): Promise<Manifest> {
  const manifestFile = path.join(fromDir, MANIFEST);
  if (!fs.existsSync(manifestFile)) throw new Error(`${fromDir} is not a Steward backup (no ${MANIFEST})`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
  if (manifest.format !== 1 || !manifest.files.includes('steward.db')) throw new Error('unknown backup format');
  const database = sqliteFile(config);
  if (fs.existsSync(database) && !options.force) throw new Error(`${database} exists; stop the server and pass --force to replace it`);
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  for (const suffix of ['-wal', '-shm']) fs.rmSync(`${database}${suffix}`, { force: true });
  for (const name of manifest.files) {
    const to = name === 'steward.db' ? database : path.join(config.dataDir, name);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(fromDir, name), to);
    if (name !== 'steward.db') fs.chmodSync(to, 0o600);
  }
  const ctx = await createContext(config);
  await ctx.close();
  return manifest;
}
