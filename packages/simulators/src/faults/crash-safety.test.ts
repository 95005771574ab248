import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApnsStandIn, startApnsStandIn } from '@steward/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppleDevice } from '../apple/apple-device.js';
import { fakeApple, freePort } from '../test-support/apple-lab.js';

const BIN = fileURLToPath(new URL('../../../cli/bin/steward.js', import.meta.url));

/**
 * kill -9 of a real `steward serve` process at the worst moments: the queue is durable, so after a
 * restart every command is delivered and its effect recorded once.
 */
describe('crash safety: kill -9 of the server', () => {
  let apns: ApnsStandIn;
  let dataDir: string;
  let port: number;
  let server: ChildProcess | undefined;
  let token: string;
  let url: string;
  let apnsArgs: string[];

  const start = async (env: Record<string, string> = {}) => {
    server = spawn(
      process.execPath,
      [BIN, 'serve', '--no-tls', '--listen', `127.0.0.1:${port}`, '--public-url', url, '--data-dir', dataDir, '--log-level', 'warn', ...apnsArgs],
      { stdio: 'ignore', env: { ...process.env, ...env } },
    );
    for (let i = 0; i < 200; i++) {
      try {
        if ((await fetch(`${url}/readyz`)).ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('server did not start');
  };
  const kill9 = async () => {
    const child = server;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGKILL');
    });
  };
  const api = async <T>(method: string, p: string, body?: unknown): Promise<{ status: number; json: T }> => {
    const response = await fetch(`${url}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, json: (await response.json()) as T };
  };

  beforeAll(async () => {
    const apple = await fakeApple();
    apns = await startApnsStandIn({ tls: { cert: apple.tls.cert, key: apple.tls.key, ca: apple.caPem } });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-crash-'));
    fs.writeFileSync(path.join(dataDir, 'apns-ca.pem'), apple.caPem);
    apnsArgs = ['--apns-url', apns.url, '--apns-ca-file', path.join(dataDir, 'apns-ca.pem')];
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    token =
      execFileSync(process.execPath, [BIN, 'token', 'create', '--name', 'crash', '--role', 'admin', '--data-dir', dataDir])
        .toString()
        .trim()
        .split('\n')
        .at(-1) ?? '';
    await start();
    expect(
      (await api('POST', '/api/v1/apple/push-certificates', { certificatePem: apple.push.certificatePem, privateKeyPem: apple.push.privateKeyPem })).status,
    ).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await kill9();
    await apns?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers a command enqueued just before the crash, once, after the restart', async () => {
    const enrollment = await api<{ profileUrl: string }>('POST', '/api/v1/enrollments', { name: 'crash', platform: 'apple', ownership: 'corporate' });
    const device = new AppleDevice();
    await device.enroll(enrollment.json.profileUrl);
    await device.wake(); // the first inventory
    const devices = await api<{ items: { id: string }[] }>('GET', `/api/v1/devices?search=${device.udid}`);
    const deviceId = devices.json.items[0]?.id ?? '';

    const lock = await api<{ command: { id: string } }>('POST', '/api/v1/commands', {
      type: 'lock',
      params: { message: 'after the crash' },
      target: { deviceIds: [deviceId] },
    });
    expect(lock.status).toBe(202);
    await kill9();
    await start();
    await device.wake();
    expect(device.state.locked?.message).toBe('after the crash');
    expect(device.state.commandsSeen.filter((c) => c === 'DeviceLock')).toHaveLength(1);
    const done = await api<{ deliveries: { state: string; attempts: number }[] }>('GET', `/api/v1/commands/${lock.json.command.id}`);
    expect(done.json.deliveries[0]).toMatchObject({ state: 'acknowledged', attempts: 1 });
  }, 60_000);

  it('re-delivers a command whose answer was lost in the crash, and records its result once', async () => {
    // A device whose first answer to DeviceLock never arrives: the server dies as the device replies.
    let armed = true;
    const crashingFetch: typeof fetch = async (input, init) => {
      const body = init?.body ? Buffer.from(init.body as Uint8Array).toString() : '';
      if (armed && body.includes('<string>Acknowledged</string>') && body.includes('<key>CommandUUID</key>')) {
        armed = false;
        await kill9();
        throw new TypeError('fetch failed: the server went away');
      }
      return fetch(input, init);
    };
    const enrollment = await api<{ profileUrl: string }>('POST', '/api/v1/enrollments', { name: 'crash-2', platform: 'apple', ownership: 'corporate' });
    const device = new AppleDevice({ fetch: crashingFetch });
    armed = false;
    await device.enroll(enrollment.json.profileUrl);
    await device.wake();
    const devices = await api<{ items: { id: string }[] }>('GET', `/api/v1/devices?search=${device.udid}`);
    const deviceId = devices.json.items[0]?.id ?? '';
    const lock = await api<{ command: { id: string } }>('POST', '/api/v1/commands', {
      type: 'lock',
      params: { message: 'twice?' },
      target: { deviceIds: [deviceId] },
    });
    armed = true;
    await expect(device.wake()).rejects.toThrow(/went away/);
    await start();
    await device.wake();
    // Delivered twice (at least once is all a network can promise), recorded once.
    expect(device.state.commandsSeen.filter((c) => c === 'DeviceLock')).toHaveLength(2);
    const done = await api<{ deliveries: { state: string; attempts: number }[] }>('GET', `/api/v1/commands/${lock.json.command.id}`);
    expect(done.json.deliveries).toHaveLength(1);
    expect(done.json.deliveries[0]).toMatchObject({ state: 'acknowledged', attempts: 2 });
  }, 60_000);

  it('re-delivers a command whose result the server received but died before committing, and records the effect once', async () => {
    const enrollment = await api<{ profileUrl: string }>('POST', '/api/v1/enrollments', { name: 'crash-3', platform: 'apple', ownership: 'corporate' });
    const device = new AppleDevice();
    await device.enroll(enrollment.json.profileUrl);
    await device.wake();
    const devices = await api<{ items: { id: string }[] }>('GET', `/api/v1/devices?search=${device.udid}`);
    const deviceId = devices.json.items[0]?.id ?? '';
    // This server process SIGKILLs itself inside the transaction that records a result (test-only crash point).
    await kill9();
    await start({ STEWARD_TEST_CRASH_AT: 'apple.result.before-commit' });
    const lock = await api<{ command: { id: string } }>('POST', '/api/v1/commands', {
      type: 'lock',
      params: { message: 'committed once' },
      target: { deviceIds: [deviceId] },
    });
    expect(lock.status).toBe(202);
    const dying = server;
    await expect(device.wake()).rejects.toThrow();
    // The server really died (SIGKILL, by its own hand) rather than answering.
    await new Promise((resolve) => (dying?.exitCode !== null || dying?.signalCode !== null ? resolve(undefined) : dying?.once('exit', resolve)));
    expect(dying?.signalCode).toBe('SIGKILL');
    await start();
    await device.wake();
    expect(device.state.commandsSeen.filter((c) => c === 'DeviceLock')).toHaveLength(2);
    expect(device.state.locked?.message).toBe('committed once');
    const done = await api<{ deliveries: { state: string; attempts: number; result: unknown }[] }>('GET', `/api/v1/commands/${lock.json.command.id}`);
    expect(done.json.deliveries).toHaveLength(1);
    expect(done.json.deliveries[0]).toMatchObject({ state: 'acknowledged', attempts: 2 });
    // The device's command history holds the lock once.
    const history = await api<{ items: { commandId: string; state: string }[] }>('GET', `/api/v1/devices/${deviceId}/commands`);
    expect(history.json.items.filter((c) => c.commandId === lock.json.command.id).map((c) => c.state)).toEqual(['acknowledged']);
  }, 60_000);
});
