import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppleDevice } from '../apple/apple-device.js';
import { type AppleLab, startAppleLab } from '../test-support/apple-lab.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The APNs stand-in goes down while a command is enqueued: the push fails (the client retries with
 * backoff, then gives up), the server retries it through the job queue with growing delays, and when
 * APNs is back the push goes out and the device fetches the command: delivered end to end, once.
 */
describe('fault: APNs down', () => {
  let lab: AppleLab;
  let device: AppleDevice;
  let deviceId: string;
  beforeAll(async () => {
    lab = await startAppleLab();
    const enrollment = await lab.api<{ profileUrl: string }>('POST', '/api/v1/enrollments', 'operator', {
      name: 'apns',
      platform: 'apple',
      ownership: 'corporate',
    });
    device = new AppleDevice();
    lab.apns.onPush(({ token }) => {
      if (token === device.pushTokenHex) void device.wake().catch(() => {});
    });
    await device.enroll(enrollment.json.profileUrl);
    await device.wake();
    const found = await lab.api<{ items: { id: string }[] }>('GET', `/api/v1/devices?search=${device.udid}`, 'auditor');
    deviceId = found.json.items[0]?.id ?? '';
  }, 60_000);
  afterAll(() => lab?.close());

  it('backs off while APNs is unreachable, then delivers the command when it returns', async () => {
    lab.apns.setDown(true);
    const connectionsBefore = lab.apns.stats.connections;
    const res = await lab.api<{ command: { id: string } }>('POST', '/api/v1/commands', 'operator', {
      type: 'lock',
      params: { message: 'after the outage' },
      target: { deviceIds: [deviceId] },
    });
    expect(res.status).toBe(202);
    // Down for 4 s: the client's retries and the job queue's first retries all fail.
    await sleep(4000);
    const attemptsWhileDown = lab.apns.stats.connections - connectionsBefore;
    expect(attemptsWhileDown).toBeGreaterThan(1);
    expect(device.state.locked).toBeUndefined();
    const jobs = await lab.server.ctx.database.db.selectFrom('jobs').selectAll().where('kind', '=', 'apple.push').execute();
    // Besides the 30 s safety net, a retry job is in the queue already (running, or waiting out its backoff).
    const retries = jobs.filter((j) => j.run_at < Date.now() + 20_000);
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((j) => j.attempts > 0 || j.state === 'queued')).toBe(true);

    lab.apns.setDown(false);
    const restored = Date.now();
    const delivery = async () =>
      (await lab.api<{ deliveries: { state: string }[] }>('GET', `/api/v1/commands/${res.json.command.id}`, 'auditor')).json.deliveries[0]?.state;
    while ((await delivery()) !== 'acknowledged') {
      if (Date.now() - restored > 25_000) throw new Error('not delivered after APNs came back');
      await sleep(100);
    }
    process.stdout.write(`APNs outage: ${attemptsWhileDown} connection attempts while down; delivered ${Date.now() - restored} ms after it returned\n`);
    expect(device.state.locked?.message).toBe('after the outage');
    expect(device.state.commandsSeen.filter((c) => c === 'DeviceLock')).toHaveLength(1);
  }, 45_000);
});
