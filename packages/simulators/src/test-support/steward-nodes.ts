import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '@steward/server';
import { freePort } from './apple-lab.js';

export const STEWARD_BIN = fileURLToPath(new URL('../../../cli/bin/steward.js', import.meta.url));
export const POSTGRES_URL = process.env.STEWARD_TEST_DATABASE_URL;

/** A private PostgreSQL schema (the URL points the server's search_path at it), dropped by `drop`. */
export async function postgresSchema(base = POSTGRES_URL): Promise<{ url: string; schema: string; drop(): Promise<void> }> {
  if (!base) throw new Error('STEWARD_TEST_DATABASE_URL is not set');
  const schema = `mn_${randomBytes(6).toString('hex')}`;
  await adminQuery(base, `CREATE SCHEMA ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    schema,
    drop: () => adminQuery(base, `DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => undefined),
  };
}

/** One statement on PostgreSQL (through the server's driver: the simulators don't depend on pg themselves). */
export async function adminQuery<R = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const database = await openDatabase(url, { poolSize: 1 });
  try {
    if (!database.pool) throw new Error('not a PostgreSQL URL');
    return (await database.pool.query(text, values)).rows as R[];
  } finally {
    await database.close();
  }
}

export interface StewardNode {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  process: ChildProcess | undefined;
  /** Everything the process wrote on stdout and stderr (its log). */
  output(): string;
  /** `env`: extra environment for this start only (a crash point). */
  start(env?: Record<string, string>): Promise<void>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export interface NodeOptions {
  name: string;
  databaseUrl?: string;
  /** Shared by every node of one installation: secrets sealed by one are opened by the others. */
  secretKey: string;
  role?: string;
  extraArgs?: string[];
  env?: Record<string, string>;
  dataDir?: string;
}

/** A `steward serve` child process over plain HTTP on loopback, started and stopped on demand. */
export async function stewardNode(options: NodeOptions): Promise<StewardNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `steward-${options.name}-`));
  let log = '';
  const node: StewardNode = {
    name: options.name,
    url,
    port,
    dataDir,
    process: undefined,
    output: () => log,
    async start(env: Record<string, string> = {}) {
      const child = spawn(
        process.execPath,
        [
          STEWARD_BIN,
          'serve',
          '--no-tls',
          '--listen',
          `127.0.0.1:${port}`,
          '--public-url',
          url,
          '--data-dir',
          dataDir,
          '--secret-key',
          options.secretKey,
          '--log-level',
          'warn',
          ...(options.databaseUrl ? ['--database-url', options.databaseUrl] : []),
          ...(options.role ? ['--role', options.role] : []),
          ...(options.extraArgs ?? []),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env, ...env } },
      );
      node.process = child;
      child.stdout?.on('data', (d: Buffer) => {
        log += d.toString();
      });
      child.stderr?.on('data', (d: Buffer) => {
        log += d.toString();
      });
      for (let i = 0; i < 400; i++) {
        if (child.exitCode !== null || child.signalCode !== null) {
          // Killed by its own crash point before it answered: the caller checks that.
          if (child.signalCode === 'SIGKILL' && env.STEWARD_TEST_CRASH_AT) return;
          throw new Error(`${options.name} exited with ${child.exitCode}: ${log.slice(-2000)}`);
        }
        try {
          if ((await fetch(`${url}/healthz`)).ok) return;
        } catch {}
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${options.name} did not start: ${log.slice(-2000)}`);
    },
    async kill9() {
      const child = node.process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGKILL');
      });
    },
    async stop() {
      const child = node.process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
        child.kill('SIGTERM');
      });
    },
  };
  return node;
}

/** An admin API token, created offline with `steward token create` against the node's storage. */
export function createToken(options: { dataDir: string; secretKey: string; databaseUrl?: string }): string {
  return (
    execFileSync(process.execPath, [
      STEWARD_BIN,
      'token',
      'create',
      '--name',
      'tests',
      '--role',
      'admin',
      '--data-dir',
      options.dataDir,
      '--secret-key',
      options.secretKey,
      ...(options.databaseUrl ? ['--database-url', options.databaseUrl] : []),
    ])
      .toString()
      .trim()
      .split('\n')
      .at(-1) ?? ''
  );
}

/** A JSON API call with a bearer token. */
export async function apiCall<T>(base: string, token: string, method: string, p: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${base}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : null) as T };
}

/** Runs `work` over `items`, at most `concurrency` at once. */
export async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
}
