import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppleLab, startAppleLab } from '../test-support/apple-lab.js';
import { AppleDevice } from './apple-device.js';

async function until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

/** A webhook receiver that checks Steward-Signature (HMAC-SHA256 of "<t>.<raw body>") as a real one would. */
async function startWebhookReceiver(options: { secret: () => string | undefined }) {
  const received: { body: string; signatureValid: boolean }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = String(req.headers['steward-signature'] ?? '');
      const t = /t=(\d+)/.exec(header)?.[1] ?? '';
      const v1 = Buffer.from(/v1=([0-9a-f]{64})/.exec(header)?.[1] ?? '', 'hex');
      const expected = createHmac('sha256', options.secret() ?? '')
        .update(`${t}.${body}`)
        .digest();
      received.push({ body, signatureValid: v1.length === 32 && timingSafeEqual(expected, v1) });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Compliance {
  state: string;
  reasons: { rule: string; message: string; outcome: string }[];
  violations: { actionsFired: string[] | null }[];
}

/**
 * Compliance over the real protocol: an iPhone in a group with an "encrypted" rule reports data
 * protection on (compliant), then off after its passcode is removed (non-compliant, with the
 * reason); with no grace period the rule's actions fire: a signed webhook and a lock the phone obeys.
 */
describe('Apple compliance end to end, over real HTTP', () => {
  let lab: AppleLab;
  let device: AppleDevice;
  let deviceId: string;
  let secret: string | undefined;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({ secret: () => secret });
    lab = await startAppleLab({ config: { webhooksAllowHttp: true } });
    const hook = await lab.api<{ secret: string }>('POST', '/api/v1/webhooks', 'admin', {
      name: 'SOC',
      url: receiver.url,
      eventTypes: ['device.enrolled', 'compliance.changed', 'compliance.grace_expired'],
    });
    expect(hook.status).toBe(201);
    secret = hook.json.secret;
    const group = await lab.api<{ id: string }>('POST', '/api/v1/groups', 'operator', { name: 'Field workers', kind: 'static' });
    const rule = await lab.api('POST', '/api/v1/compliance/rules', 'operator', {
      name: 'Data protection',
      type: 'encrypted',
      gracePeriodSeconds: 0,
      actions: { notify: true, lock: true },
      groupIds: [group.json.id],
    });
    expect(rule.status).toBe(201);
    const enrollment = await lab.api<{ profileUrl: string }>('POST', '/api/v1/enrollments', 'operator', {
      name: 'Field iPhones',
      platform: 'apple',
      ownership: 'corporate',
      groupId: group.json.id,
    });
    device = new AppleDevice({ model: 'iPhone' });
    lab.apns.onPush((push) => {
      if (push.token === device.pushTokenHex) void device.wake();
    });
    await device.enroll(enrollment.json.profileUrl);
    const devices = await lab.api<{ items: { id: string }[] }>('GET', `/api/v1/devices?search=${device.udid}`, 'auditor');
    deviceId = devices.json.items[0]?.id ?? '';
  }, 60_000);
  afterAll(async () => {
    await lab?.close();
    await receiver?.close();
  });

  const compliance = () => lab.api<Compliance>('GET', `/api/v1/devices/${deviceId}/compliance`, 'auditor').then((r) => r.json);

  it('is compliant once SecurityInfo reports data protection', async () => {
    const status = await until('compliant', compliance, (c) => c.state === 'compliant');
    expect(status.reasons).toEqual([]);
  });

  it('turns non-compliant with the reason when protection goes off, and the actions fire', async () => {
    device.state.security.passcodePresent = false;
    const refresh = await lab.api<{ command: { id: string } }>('POST', '/api/v1/commands', 'operator', {
      type: 'refresh_inventory',
      target: { deviceIds: [deviceId] },
    });
    expect(refresh.status).toBe(202);
    const status = await until('noncompliant', compliance, (c) => c.state === 'noncompliant');
    expect(status.reasons).toEqual([expect.objectContaining({ rule: 'Data protection', outcome: 'fail', message: 'Storage is not encrypted.' })]);

    // No grace period: the actions job runs at once, locks the phone (which obeys) and notifies.
    await until('actions fired', compliance, (c) => c.violations[0]?.actionsFired !== null && c.violations[0]?.actionsFired !== undefined);
    await until(
      'locked',
      async () => device.state.locked,
      (locked) => locked !== undefined,
    );
    expect(device.state.locked?.message).toContain('Data protection');
    const events = await until(
      'webhooks',
      async () => receiver.received.map((r) => JSON.parse(r.body) as { event: string; data: Record<string, unknown> }),
      (e) => e.some((x) => x.event === 'compliance.grace_expired'),
    );
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    expect(events.map((e) => [e.event, e.data.state ?? null])).toEqual(
      expect.arrayContaining([
        ['device.enrolled', null],
        ['compliance.changed', 'compliant'],
        ['compliance.changed', 'noncompliant'],
        ['compliance.grace_expired', null],
      ]),
    );
    const audit = await lab.api<{ items: { action: string; actorType: string }[] }>('GET', `/api/v1/audit-events?targetId=${deviceId}`, 'auditor');
    expect(audit.json.items.map((a) => a.action)).toEqual(expect.arrayContaining(['compliance.action.lock', 'compliance.action.notify']));
  }, 60_000);
});
