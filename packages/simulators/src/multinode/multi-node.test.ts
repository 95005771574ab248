import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ApnsStandIn, startApnsStandIn } from '@steward/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppleDevice } from '../apple/apple-device.js';
import { generateScepKeyPair } from '../apple/scep-client.js';
import { fakeApple } from '../test-support/apple-lab.js';
import { POSTGRES_URL, type StewardNode, apiCall, createToken, inPool, postgresSchema, stewardNode } from '../test-support/steward-nodes.js';

/** Fleet size: 100 by default (enrolling through SCEP is slow on two shared cores); STEWARD_MULTINODE_DEVICES=1000 for the figure. */
const DEVICES = Number(process.env.STEWARD_MULTINODE_DEVICES ?? 100);
/** The Apple push sweep's period: a wake-up that only the sweep delivered would take this long. */
const SWEEP_INTERVAL_MS = 5 * 60_000;

if (!POSTGRES_URL)
  process.stderr.write('NOTE: STEWARD_TEST_DATABASE_URL is not set: the multi-node tests (two steward serve on one PostgreSQL) are SKIPPED.\n');

/**
 * Two `steward serve` processes on one PostgreSQL schema, Apple devices enrolled half through each
 * (a device talks to the node whose URL its profile names). Commands enqueued through one node reach
 * devices held by the other at once, none is lost, none is pushed or recorded twice.
 */
describe.skipIf(!POSTGRES_URL)('multi-node on PostgreSQL: two steward serve, one database', () => {
  let apns: ApnsStandIn;
  let drop: () => Promise<void>;
  let a: StewardNode;
  let b: StewardNode;
  let token: string;
  let groupId: string;
  const devices: { device: AppleDevice; node: StewardNode; id: string }[] = [];
  const byToken = new Map<string, AppleDevice>();

  beforeAll(async () => {
    const apple = await fakeApple();
    apns = await startApnsStandIn({ tls: { cert: apple.tls.cert, key: apple.tls.key, ca: apple.caPem } });
    const schema = await postgresSchema();
    drop = schema.drop;
    const secretKey = randomBytes(32).toString('hex');
    const common = { databaseUrl: schema.url, secretKey };
    const caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'steward-apns-ca-')), 'apns-ca.pem');
    fs.writeFileSync(caFile, apple.caPem);
    const extraArgs = ['--apns-url', apns.url, '--apns-ca-file', caFile];
    a = await stewardNode({ name: 'node-a', ...common, extraArgs });
    b = await stewardNode({ name: 'node-b', ...common, extraArgs });
    await a.start();
    await b.start();
    token = createToken({ dataDir: a.dataDir, ...common });
    const upload = await apiCall(a.url, token, 'POST', '/api/v1/apple/push-certificates', {
      certificatePem: apple.push.certificatePem,
      privateKeyPem: apple.push.privateKeyPem,
    });
    expect(upload.status).toBe(201);

    // A push wakes the device, which then talks to *its* node.
    apns.onPush(({ token: pushToken }) => {
      void byToken
        .get(pushToken)
        ?.wake()
        .catch(() => {});
    });
    const group = await apiCall<{ id: string }>(a.url, token, 'POST', '/api/v1/groups', { name: 'fleet', kind: 'static' });
    const enrollment = await apiCall<{ profileUrl: string }>(a.url, token, 'POST', '/api/v1/enrollments', {
      name: 'fleet',
      platform: 'apple',
      ownership: 'corporate',
      groupId: group.json.id,
      maxUses: DEVICES * 2,
    });
    const keyPairs = await Promise.all(Array.from({ length: 8 }, () => generateScepKeyPair()));
    const fleet = Array.from({ length: DEVICES }, (_, i) => ({
      device: new AppleDevice({ keyPair: keyPairs[i % keyPairs.length] }),
      node: i % 2 === 0 ? a : b,
    }));
    let t = performance.now();
    const lap = (what: string) => {
      process.stdout.write(`multi-node setup: ${what} in ${Math.round(performance.now() - t)} ms\n`);
      t = performance.now();
    };
    await inPool(fleet, 16, async ({ device, node }) => {
      // The link is the same on every node; each node's profile names its own public URL.
      await device.enroll(enrollment.json.profileUrl.replace(a.url, node.url));
      byToken.set(device.pushTokenHex, device);
    });
    lap(`${DEVICES} enrollments`);
    // Drain the first inventory everywhere, then map UDIDs to device ids.
    await inPool(fleet, 16, ({ device }) => device.wake());
    lap('first inventory');
    const ids = new Map<string, string>();
    for (let offset = 0; ; offset += 500) {
      const page = await apiCall<{ items: { id: string; udid: string | null }[] }>(b.url, token, 'GET', `/api/v1/devices?limit=500&offset=${offset}`);
      for (const d of page.json.items) if (d.udid) ids.set(d.udid, d.id);
      if (page.json.items.length < 500) break;
    }
    for (const f of fleet) devices.push({ ...f, id: ids.get(f.device.udid) ?? '' });
    expect(devices.every((d) => d.id)).toBe(true);
    groupId = group.json.id;
  }, 240_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await apns?.close();
    await drop?.();
    for (const node of [a, b]) if (node) fs.rmSync(node.dataDir, { recursive: true, force: true });
  });

  it(`fans a command enqueued on node A out to ${DEVICES} devices spread over A and B: each delivered and recorded once, pushed once`, async () => {
    const pushesBefore = apns.deliveries.length;
    const started = performance.now();
    const lock = await apiCall<{ command: { id: string; deviceCount: number } }>(a.url, token, 'POST', '/api/v1/commands', {
      type: 'lock',
      params: { message: 'multi-node' },
      target: { groupId },
    });
    expect(lock.status).toBe(202);
    expect(lock.json.command.deviceCount).toBe(DEVICES);
    // Done when every result is recorded (the device's answer committed), read through the other node.
    const counts = () =>
      apiCall<{ command: { counts: Record<string, number> } }>(b.url, token, 'GET', `/api/v1/commands/${lock.json.command.id}?limit=1`).then(
        (r) => r.json.command.counts,
      );
    const deadline = Date.now() + 120_000;
    for (let c = await counts(); c.acknowledged !== DEVICES; c = await counts()) {
      if (Date.now() > deadline) throw new Error(`not every device answered: ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const elapsedMs = performance.now() - started;
    process.stdout.write(`multi-node fan-out: ${DEVICES} devices (half on each node) locked in ${Math.round(elapsedMs)} ms\n`);
    expect(elapsedMs).toBeLessThan(SWEEP_INTERVAL_MS / 5);
    for (const d of devices) expect(d.device.state.commandsSeen.filter((c) => c === 'DeviceLock')).toHaveLength(1);
    // Each device was pushed once: by node A, which enqueued; node B did not push again.
    const pushes = apns.deliveries.slice(pushesBefore);
    expect(new Set(pushes.map((p) => p.token)).size).toBe(DEVICES);
    expect(pushes.length).toBe(DEVICES);
    // Both nodes record results: the command's deliveries are all acknowledged, once each.
    expect(await counts()).toEqual({ acknowledged: DEVICES });
  }, 180_000);

  it('wakes one device held by node A within a second of an enqueue through node B (the sweep runs every 5 minutes)', async () => {
    const target = devices.find((d) => d.node === a);
    if (!target) throw new Error('no device on node A');
    for (let round = 0; round < 3; round++) {
      const message = `from B ${round}`;
      const started = performance.now();
      const res = await apiCall<{ command: { id: string } }>(b.url, token, 'POST', '/api/v1/commands', {
        type: 'lock',
        params: { message },
        target: { deviceIds: [target.id] },
      });
      expect(res.status).toBe(202);
      const delivery = async () =>
        (await apiCall<{ deliveries: { state: string }[] }>(a.url, token, 'GET', `/api/v1/commands/${res.json.command.id}`)).json.deliveries[0]?.state;
      while ((await delivery()) !== 'acknowledged') {
        if (performance.now() - started > 10_000) throw new Error('the device was not woken');
        await new Promise((r) => setTimeout(r, 10));
      }
      const ms = performance.now() - started;
      process.stdout.write(`enqueue on node B -> device on node A locked: ${Math.round(ms)} ms\n`);
      expect(target.device.state.locked?.message).toBe(message);
      expect(ms).toBeLessThan(1000);
    }
  });
});
