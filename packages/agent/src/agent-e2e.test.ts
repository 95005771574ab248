import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from './simulate.js';

const STEWARD = fileURLToPath(new URL('../../cli/bin/steward.js', import.meta.url));
const AGENT = fileURLToPath(new URL('../bin/steward-agent.js', import.meta.url));
const exec = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The real agent on this Linux machine against a real `steward serve` over HTTPS (Steward's own CA):
 * enrollment, this machine's inventory through the API, a script's output and exit code, policy
 * checks, and a result that waits out a server crash and an agent restart.
 */
describe('steward-agent against steward serve, on this machine', () => {
  let dataDir: string;
  let stateDir: string;
  let url: string;
  let port: number;
  let token: string;
  let caFile: string;
  let server: ChildProcess | undefined;
  let agent: ChildProcess | undefined;
  let agentLog = '';
  let deviceId: string;
  const insecure = new https.Agent({ rejectUnauthorized: false });

  const startServer = async () => {
    server = spawn(process.execPath, [STEWARD, 'serve', '--listen', `127.0.0.1:${port}`, '--public-url', url, '--data-dir', dataDir, '--log-level', 'warn'], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 300; i++) {
      try {
        if ((await api('GET', '/readyz')).status === 200) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('server did not start');
  };
  const kill = async (child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGKILL') => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill(signal);
    });
  };
  const startAgent = () => {
    agent = spawn(process.execPath, [AGENT, 'run', '--state-dir', stateDir, '--wait', '5', '--backoff-cap', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stderr?.on('data', (chunk: Buffer) => {
      agentLog += chunk.toString();
    });
  };
  function api<T = Record<string, unknown>>(method: string, p: string, body?: unknown): Promise<{ status: number; json: T }> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const request = https.request(
        `${url}${p}`,
        {
          method,
          agent: insecure,
          headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
        },
        (response) => {
          let text = '';
          response.on('data', (c) => {
            text += c;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, json: (text ? JSON.parse(text) : {}) as T }));
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }
  type Delivery = { deviceId: string; state: string; result: Record<string, unknown> | null };
  const delivery = async (commandId: string): Promise<Delivery | undefined> =>
    (await api<{ deliveries: Delivery[] }>('GET', `/api/v1/commands/${commandId}`)).json.deliveries?.find((d) => d.deviceId === deviceId);
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nagent log:\n${agentLog.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const finished = (commandId: string) =>
    until(`command ${commandId}`, async () => {
      const d = await delivery(commandId);
      return d && ['acknowledged', 'error'].includes(d.state) ? d : undefined;
    });
  const send = async (type: string, params: Record<string, unknown>) => {
    const response = await api<{ command: { id: string } }>('POST', '/api/v1/commands', { type, params, target: { deviceIds: [deviceId] } });
    expect(response.status).toBe(202);
    return response.json.command.id;
  };
  const enrollment = async (extra: Record<string, unknown> = {}) => {
    const created = await api<{ url: string }>('POST', '/api/v1/enrollments', {
      name: `agent-${randomUUID()}`,
      platform: 'agent',
      ownership: 'corporate',
      ...extra,
    });
    expect(created.status).toBe(201);
    return created.json.url.split('/').at(-1) ?? '';
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-agent-e2e-'));
    stateDir = path.join(dataDir, 'agent-state');
    port = await freePort();
    url = `https://127.0.0.1:${port}`;
    token =
      execFileSync(process.execPath, [STEWARD, 'token', 'create', '--name', 'agent-e2e', '--role', 'admin', '--data-dir', dataDir])
        .toString()
        .trim()
        .split('\n')
        .at(-1) ?? '';
    await startServer();
    const ca = await api<{ certificate: string }>('GET', '/agent/v1/ca');
    caFile = path.join(dataDir, 'steward-ca.pem');
    fs.writeFileSync(caFile, ca.json.certificate);
  }, 60_000);

  afterAll(async () => {
    await kill(agent, 'SIGTERM');
    await kill(server);
    insecure.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('enrolls for real with a single-use token; the token does not work twice', async () => {
    const single = await enrollment({ maxUses: 1 });
    const { stdout } = await exec(process.execPath, [AGENT, 'enroll', '--server', url, '--token', single, '--ca-file', caFile, '--state-dir', stateDir]);
    deviceId = /enrolled as device ([0-9a-f-]{36})/.exec(stdout)?.[1] ?? '';
    expect(deviceId).toMatch(/^[0-9a-f-]{36}$/);
    const key = fs.statSync(path.join(stateDir, 'agent.key'));
    expect(key.mode & 0o077).toBe(0);
    const again = await exec(process.execPath, [
      AGENT,
      'enroll',
      '--server',
      url,
      '--token',
      single,
      '--ca-file',
      caFile,
      '--state-dir',
      path.join(dataDir, 'second'),
    ]).catch((error: { stderr: string; code: number }) => error);
    expect('code' in again && again.code).toBe(1);
    expect((again as { stderr: string }).stderr).toContain('enrollment_unavailable');
    // The agent refuses a server it was not told to trust (no CA given, Steward's own CA is not a system root).
    const untrusted = await exec(process.execPath, [
      AGENT,
      'enroll',
      '--server',
      url,
      '--token',
      await enrollment(),
      '--state-dir',
      path.join(dataDir, 'third'),
    ]).catch((error: { stderr: string; code: number }) => error);
    expect((untrusted as { stderr: string }).stderr).toMatch(/certificate/i);
  });

  it("reports this machine's real inventory through the API", async () => {
    startAgent();
    const device = (await api<Record<string, unknown> & { inventory: Record<string, unknown> }>('GET', `/api/v1/devices/${deviceId}`)).json;
    expect(device).toMatchObject({ platform: 'linux', name: os.hostname() });
    const inventory = device.inventory as {
      os: { name: string; family: string; version: string };
      hardware: { cpu: { cores: number } };
      disks: { mount: string }[];
      apps: { identifier: string }[];
      security: { encrypted?: boolean; firewall: { enabled?: boolean } };
      users: { name: string }[];
    };
    const release = fs.readFileSync('/etc/os-release', 'utf8');
    expect(release).toContain(inventory.os.name);
    expect(inventory.os.family).toBe('linux');
    expect(inventory.hardware.cpu.cores).toBe(os.cpus().length);
    expect(inventory.disks.map((d) => d.mount)).toContain('/');
    const dpkg = execFileSync('dpkg-query', ['-W', '-f', '${Package}\n']).toString().split('\n').filter(Boolean);
    expect(inventory.apps.length).toBeGreaterThan(50);
    expect(inventory.apps.map((a) => a.identifier)).toEqual(
      expect.arrayContaining(dpkg.slice(0, 20).filter((p) => inventory.apps.some((a) => a.identifier === p))),
    );
    expect(inventory.apps.map((a) => a.identifier)).toContain('dpkg');
    expect(inventory.users.map((u) => u.name)).toContain('root');
    expect(typeof inventory.security.firewall).toBe('object');
    // Over TLS without a client certificate: refused.
    const anonymous = await api<{ error: { code: string } }>('POST', '/agent/v1/checkin', { agentVersion: '1', inventory: { sections: {}, hashes: {} } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error.code).toBe('device_identity_required');
  });

  it('runs a script for real: output and exit code come back', async () => {
    const id = await send('run_script', { interpreter: 'sh', script: 'echo "hello from $(uname -s)"; echo oops >&2; exit 3', timeoutSeconds: 30 });
    const done = await finished(id);
    expect(done.state).toBe('acknowledged');
    expect(done.result).toMatchObject({ exitCode: 3, stdout: 'hello from Linux\n', stderr: 'oops\n', timedOut: false });
    const slow = await send('run_script', { interpreter: 'bash', script: 'sleep 30', timeoutSeconds: 1 });
    const timedOut = await finished(slow);
    expect(timedOut.state).toBe('error');
    expect(timedOut.result).toMatchObject({ error: { code: 'timeout' }, output: { timedOut: true } });
  });

  it('evaluates policy checks (disk encryption, firewall) and reports them as facts', async () => {
    const key = `policy.${randomUUID()}`;
    const id = await send('apply_configuration', {
      key,
      name: 'Desktop baseline',
      version: 'abcdef0123456789',
      source: 'policy',
      payload: {
        checks: [
          { id: 'encryption', type: 'disk_encryption' },
          { id: 'firewall', type: 'firewall' },
          { id: 'dpkg', type: 'package', name: 'dpkg', state: 'installed' },
        ],
      },
    });
    expect((await finished(id)).state).toBe('acknowledged');
    const checks = await until('checks in the inventory', async () => {
      const inventory = (
        await api<{ inventory: { checks?: { id: string; passed: boolean | null; key: string }[]; configurations?: { key: string }[] } }>(
          'GET',
          `/api/v1/devices/${deviceId}`,
        )
      ).json.inventory;
      return inventory.checks?.length === 3 && inventory.configurations?.some((c) => c.key === key) ? inventory.checks : undefined;
    });
    const device = (await api<{ inventory: { security: { encrypted?: boolean; firewall: { enabled?: boolean } } } }>('GET', `/api/v1/devices/${deviceId}`)).json
      .inventory;
    // The check's verdict is the machine's own fact, whatever this machine's state is.
    expect(checks.find((c) => c.id === 'encryption')?.passed).toBe(device.security.encrypted ?? null);
    expect(checks.find((c) => c.id === 'firewall')?.passed).toBe(device.security.firewall.enabled ?? null);
    expect(checks.find((c) => c.id === 'dpkg')?.passed).toBe(true);
    // Wipe is refused by the agent channel: an error result, nothing sent.
    const wipe = await finished(await send('wipe', {}));
    expect(wipe).toMatchObject({ state: 'error', result: { error: { code: 'unsupported_intent' } } });
  });

  it('keeps a result through a server crash and an agent restart, and delivers it once the server is back', async () => {
    const id = await send('run_script', { interpreter: 'sh', script: 'sleep 2; echo survived', timeoutSeconds: 30 });
    await until('the script to be delivered', async () => ((await delivery(id))?.state === 'sent' ? true : undefined));
    await kill(server);
    const queue = path.join(stateDir, 'results.jsonl');
    await until('the result to be queued on disk while the server is down', async () =>
      fs.existsSync(queue) && fs.readFileSync(queue, 'utf8').includes(id) ? true : undefined,
    );
    // The agent goes down too, and comes back while the server is still away.
    await kill(agent, 'SIGKILL');
    startAgent();
    await new Promise((r) => setTimeout(r, 3000));
    expect(fs.readFileSync(queue, 'utf8')).toContain(id);
    await startServer();
    const done = await finished(id);
    expect(done).toMatchObject({ state: 'acknowledged', result: { exitCode: 0, stdout: 'survived\n' } });
    await until('the queue to drain', async () => (fs.readFileSync(queue, 'utf8').trim() === '' ? true : undefined));
    expect(agentLog).toMatch(/retrying in/);
  }, 60_000);

  it('simulates agents through the same protocol code over mutual TLS; restart is recorded, not carried out', async () => {
    const simulation = await simulate({ server: url, token: await enrollment({ maxUses: 3 }), count: 3, ca: fs.readFileSync(caFile, 'utf8'), waitSeconds: 5 });
    try {
      const ids = (await api<{ items: { id: string; name: string }[] }>('GET', '/api/v1/devices?search=sim-&limit=50')).json.items.map((d) => d.id);
      expect(ids).toHaveLength(3);
      const response = await api<{ command: { id: string; deviceCount: number } }>('POST', '/api/v1/commands', {
        type: 'restart',
        params: {},
        target: { deviceIds: ids },
      });
      expect(response.json.command.deviceCount).toBe(3);
      await until('three restarts', async () => (simulation.actions.calls.filter((c) => c.action === 'restart').length === 3 ? true : undefined));
      const counts = await until('three acknowledgements', async () => {
        const c = (await api<{ command: { counts: Record<string, number> } }>('GET', `/api/v1/commands/${response.json.command.id}`)).json.command.counts;
        return c.acknowledged === 3 ? c : undefined;
      });
      expect(counts).toEqual({ acknowledged: 3 });
    } finally {
      simulation.stop();
    }
  });
});
