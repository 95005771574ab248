import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../server/src/test-support/databases.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/steward.js', import.meta.url));

/** Runs `steward …` from the built package, as a user would. */
const steward = (args: string[], env: NodeJS.ProcessEnv = {}) => run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });

interface Served {
  child: ChildProcess;
  url: string;
  output: () => string;
}

async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--listen', '127.0.0.1:0', '--log-level', 'warn', ...args], { env: { ...process.env, ...env } });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    const check = () => {
      const match = /listening on (\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { child, url, output: () => out };
}

async function stop(served: Served, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (served.child.exitCode !== null) return;
  await new Promise((resolve) => {
    served.child.once('exit', resolve);
    served.child.kill(signal);
  });
}

const running: Served[] = [];
afterAll(async () => {
  for (const s of running) await stop(s, 'SIGKILL');
});

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`steward command on ${database.dialect}`, () => {
    it('creates an admin and a token, serves, and keeps everything across a restart', async () => {
      const { url: databaseUrl, dataDir, drop } = await database.create();
      try {
        const storage = ['--data-dir', dataDir, '--database-url', databaseUrl];
        expect((await steward(['migrate', ...storage])).stdout).toMatch(/applied: 0001-initial|up to date/);
        expect((await steward(['migrate', ...storage])).stdout).toMatch(/up to date/);
        await steward(['admin', 'create', '--email', 'root@example.test', '--password', 'a good long password', '--role', 'admin', ...storage]);
        const refused = await steward(['admin', 'create', '--email', 'x@example.test', '--password', 'short', ...storage]).catch((e: { stderr: string }) => e);
        expect((refused as { stderr: string }).stderr).toMatch(/at least 12/);
        const tokenOut = (await steward(['token', 'create', '--name', 'automation', '--role', 'operator', ...storage])).stdout.trim().split('\n');
        const secret = tokenOut.at(-1) ?? '';
        expect(secret).toMatch(/^stw_[A-Za-z0-9_-]{40,}$/);

        // Flags have environment twins.
        const first = await serve(['--no-tls'], { STEWARD_DATA_DIR: dataDir, STEWARD_DATABASE_URL: databaseUrl });
        running.push(first);
        expect(first.output()).not.toMatch(/setup/);
        const auth = { authorization: `Bearer ${secret}` };
        const created = await fetch(`${first.url}/api/v1/groups`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Field workers', kind: 'static' }),
        });
        expect(created.status).toBe(201);
        const login = await fetch(`${first.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'root@example.test', password: 'a good long password' }),
        });
        expect(login.status).toBe(200);
        expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
        const metrics = await (await fetch(`${first.url}/metrics`)).text();
        expect(metrics).toMatch(/steward_http_requests_total\{method="POST",route="\/api\/v1\/groups",status="201"\} 1/);
        expect(metrics).toMatch(/steward_command_queue_depth 0/);
        await stop(first);
        expect(first.child.exitCode).toBe(0);

        const second = await serve(['--no-tls', ...storage]);
        running.push(second);
        const groups = (await (await fetch(`${second.url}/api/v1/groups`, { headers: auth })).json()) as { items: { name: string }[] };
        expect(groups.items.map((g: { name: string }) => g.name)).toEqual(['Field workers']);
        const audit = await fetch(`${second.url}/api/v1/audit-events?action=groups.create`, { headers: auth });
        expect(audit.status).toBe(403); // operators don't read the audit log
        await stop(second);
      } finally {
        await drop();
      }
    });
  });
}

describe('steward backup and restore (SQLite)', () => {
  it('snapshots a running server and restores it into a fresh data dir', async () => {
    const { dataDir, drop } = await TEST_DATABASES[0]!.create();
    const restored = await TEST_DATABASES[0]!.create();
    const backupDir = path.join(restored.dataDir, 'backup');
    try {
      const tokenOut = (await steward(['token', 'create', '--name', 'backup', '--role', 'admin', '--data-dir', dataDir])).stdout.trim().split('\n');
      const auth = { authorization: `Bearer ${tokenOut.at(-1)}`, 'content-type': 'application/json' };
      const served = await serve(['--no-tls', '--data-dir', dataDir]);
      running.push(served);
      await fetch(`${served.url}/api/v1/groups`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Before the backup', kind: 'static' }) });
      // While the server runs: SQLite's online backup takes a consistent snapshot.
      expect((await steward(['backup', '--data-dir', dataDir, '--out', backupDir])).stdout).toMatch(/backed up steward.db, secret.key/);
      await fetch(`${served.url}/api/v1/groups`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'After the backup', kind: 'static' }) });
      await stop(served);
      expect(fs.statSync(path.join(backupDir, 'secret.key')).mode & 0o077).toBe(0);
      const into = path.join(restored.dataDir, 'data');
      expect((await steward(['restore', '--from', backupDir, '--data-dir', into])).stdout).toMatch(/restored/);
      const refused = await steward(['restore', '--from', backupDir, '--data-dir', into]).catch((e: { stderr: string }) => e);
      expect((refused as { stderr: string }).stderr).toMatch(/--force/);
      const again = await serve(['--no-tls', '--data-dir', into]);
      running.push(again);
      const groups = (await (await fetch(`${again.url}/api/v1/groups`, { headers: auth })).json()) as { items: { name: string }[] };
      expect(groups.items.map((g) => g.name)).toEqual(['Before the backup']);
      await stop(again);
      const postgres = await steward([
        'backup',
        '--database-url',
        'postgres://x@127.0.0.1:1/none',
        '--data-dir',
        dataDir,
        '--out',
        path.join(restored.dataDir, 'pg'),
      ]).catch((e: { stderr: string }) => e);
      expect((postgres as { stderr: string }).stderr).toMatch(/pg_dump/);
    } finally {
      await drop();
      await restored.drop();
    }
  });
});

describe('steward serve on a fresh data dir', () => {
  it('generates its CA and TLS certificate, and prints a one-time setup URL', async () => {
    const { dataDir, drop } = await TEST_DATABASES[0]!.create();
    try {
      const served = await serve(['--data-dir', dataDir, '--public-url', 'https://mdm.example.test:8443']);
      running.push(served);
      const setupUrl = /(https:\/\/mdm\.example\.test:8443\/setup\?token=setup_[A-Za-z0-9_-]+)/.exec(served.output())?.[1];
      expect(setupUrl).toBeDefined();
      const cert = fs.readFileSync(path.join(dataDir, 'tls', 'server.crt'), 'utf8');
      const { X509Certificate } = await import('node:crypto');
      const x509 = new X509Certificate(cert);
      expect(x509.checkHost('mdm.example.test')).toBe('mdm.example.test');
      expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect((fs.statSync(path.join(dataDir, 'tls', 'server.key')).mode & 0o077) === 0).toBe(true);
      expect((fs.statSync(path.join(dataDir, 'secret.key')).mode & 0o077) === 0).toBe(true);
      // The server speaks TLS with that certificate.
      const { request } = await import('node:https');
      const peer = await new Promise<string>((resolve, reject) => {
        const req = request(`${served.url}/healthz`, { rejectUnauthorized: false }, (res) => {
          resolve((res.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256);
          res.resume();
        });
        req.on('error', reject);
        req.end();
      });
      expect(peer).toBe(x509.fingerprint256);
      const token = new URL(setupUrl!).searchParams.get('token');
      const setup = await new Promise<number>((resolve, reject) => {
        const req = request(
          `${served.url}/api/v1/setup`,
          { method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json' } },
          (res) => {
            resolve(res.statusCode ?? 0);
            res.resume();
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ token, email: 'first@example.test', password: 'the very first password' }));
      });
      expect(setup).toBe(201);
      await stop(served);
    } finally {
      await drop();
    }
  });

  it('refuses a bad configuration with a clear message', async () => {
    const result = await steward(['serve', '--listen', 'nonsense', '--data-dir', '/tmp/never']).catch((e: { stderr: string; code: number }) => e);
    expect((result as { stderr: string }).stderr).toMatch(/--listen must be HOST:PORT/);
  });
});

describe('steward demo', () => {
  it('seeds groups, policies, apps and devices, and running it again changes nothing', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-demo-'));
    try {
      const first = await steward(['demo', '--data-dir', dataDir, '--devices', '6']);
      expect(first.stdout).toContain('policies Executives: strict, Developers: relaxed, Field workers: plant floor, apps 5, devices 6');
      const again = await steward(['demo', '--data-dir', dataDir, '--devices', '6']);
      expect(again.stdout).toBe(first.stdout);
      const database = new Database(path.join(dataDir, 'steward.db'), { readonly: true });
      try {
        const count = (table: string) => (database.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
        expect([count('groups'), count('policies'), count('apps'), count('devices'), count('os_update_targets')]).toEqual([3, 3, 5, 6, 1]);
      } finally {
        database.close();
      }
      await expect(steward(['demo', '--data-dir', dataDir, '--devices', 'many'])).rejects.toThrow(/whole number/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
