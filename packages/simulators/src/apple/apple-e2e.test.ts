import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppleLab, startAppleLab } from '../test-support/apple-lab.js';
import { AppleDevice } from './apple-device.js';

interface Delivery {
  deviceId: string;
  state: string;
  result: Record<string, unknown> | null;
}

/** Waits until `check` holds, polling; fails with the last value after `ms`. */
async function until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

describe('Apple MDM end to end, over real HTTP', () => {
  let lab: AppleLab;
  let device: AppleDevice;
  let deviceId: string;
  let groupId: string;

  const send = async (type: string, params?: Record<string, unknown>, role: 'operator' | 'helpdesk' = 'operator', extra: Record<string, unknown> = {}) => {
    const res = await lab.api<{ command: { id: string } }>('POST', '/api/v1/commands', role, {
      type,
      ...(params ? { params } : {}),
      target: { deviceIds: [deviceId] },
      ...extra,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    return res.json.command.id;
  };
  const delivery = async (commandId: string) => {
    const res = await lab.api<{ deliveries: Delivery[] }>('GET', `/api/v1/commands/${commandId}`, 'auditor');
    return res.json.deliveries[0];
  };
  const completed = (commandId: string) =>
    until(
      `command ${commandId}`,
      () => delivery(commandId),
      (d) => d?.state === 'acknowledged' || d?.state === 'error',
    );

  beforeAll(async () => {
    lab = await startAppleLab();
    const group = await lab.api<{ id: string }>('POST', '/api/v1/groups', 'operator', { name: 'Field workers', kind: 'static' });
    groupId = group.json.id;
    const enrollment = await lab.api<{ profileUrl: string; url: string; qrCodeSvg: string }>('POST', '/api/v1/enrollments', 'operator', {
      name: 'Field iPhones',
      platform: 'apple',
      ownership: 'corporate',
      groupId,
      maxUses: 5,
    });
    expect(enrollment.status).toBe(201);
    expect(enrollment.json.qrCodeSvg).toMatch(/^<svg/);
    device = new AppleDevice({ model: 'iPhone' });
    lab.apns.onPush((push) => {
      if (push.token === device.pushTokenHex) void device.wake();
    });
    await device.enroll(enrollment.json.profileUrl);
    const devices = await lab.api<{ items: { id: string; udid: string; enrollmentState: string }[] }>(
      'GET',
      `/api/v1/devices?search=${device.udid}`,
      'auditor',
    );
    deviceId = devices.json.items[0]?.id ?? '';
    expect(devices.json.items[0]?.enrollmentState).toBe('enrolled');
  }, 60_000);
  afterAll(() => lab?.close());

  it('enrolls through the link into the enrollment’s group, and reports its first inventory', async () => {
    const info = await until(
      'first inventory',
      () =>
        lab
          .api<{ osVersion: string; serialNumber: string; groupIds: string[]; inventory: Record<string, unknown> }>(
            'GET',
            `/api/v1/devices/${deviceId}`,
            'auditor',
          )
          .then((r) => r.json),
      (d) => Boolean(d.inventory.security) && Boolean(d.inventory.apps),
    );
    expect(info.osVersion).toBe('18.1');
    expect(info.serialNumber).toBe(device.serialNumber);
    expect(info.groupIds).toContain(groupId);
    expect(lab.apns.deliveries.some((d) => d.token === device.pushTokenHex && d.pushMagic === device.pushMagic)).toBe(true);
  });

  it('locks: operator → push → fetch → obey → acknowledge, with history and audit', async () => {
    const pushesBefore = lab.apns.deliveries.length;
    const id = await send('lock', { message: 'Return to IT', phoneNumber: '+1 555 0100' }, 'helpdesk');
    const done = await completed(id);
    expect(done?.state).toBe('acknowledged');
    expect(device.state.locked).toEqual({ message: 'Return to IT', phoneNumber: '+1 555 0100' });
    expect(lab.apns.deliveries.length).toBeGreaterThan(pushesBefore);
    const timeline = await lab.api<{ items: { commandId: string; type: string; state: string }[] }>('GET', `/api/v1/devices/${deviceId}/commands`, 'auditor');
    expect(timeline.json.items.find((c) => c.commandId === id)).toMatchObject({ type: 'lock', state: 'acknowledged' });
    const audit = await lab.api<{ items: { action: string; target: { id: string } }[] }>('GET', '/api/v1/audit-events?action=commands.create', 'auditor');
    expect(audit.json.items.some((e) => e.target.id === id)).toBe(true);
  });

  it('enables lost mode and reports the location; plays a sound; leaves lost mode', async () => {
    await completed(await send('enable_lost_mode', { message: 'Found me? Call us', phoneNumber: '+1 555 0101' }));
    expect(device.state.lostMode?.message).toBe('Found me? Call us');
    const locate = await completed(await send('locate', undefined, 'helpdesk'));
    expect(locate?.state).toBe('acknowledged');
    const info = await lab.api<{ inventory: { location?: { latitude?: number } } }>('GET', `/api/v1/devices/${deviceId}`, 'auditor');
    expect(info.json.inventory.location?.latitude).toBeCloseTo(52.52);
    expect((await completed(await send('play_lost_mode_sound', undefined, 'helpdesk')))?.state).toBe('acknowledged');
    await completed(await send('disable_lost_mode'));
    expect(device.state.lostMode).toBeUndefined();
    // Out of lost mode the device refuses to report a location: the error comes back as the result.
    const refused = await completed(await send('locate', undefined, 'helpdesk'));
    expect(refused?.state).toBe('error');
  });

  it('installs and removes a profile', async () => {
    const profile = Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>PayloadIdentifier</key><string>com.example.wifi</string><key>PayloadDisplayName</key><string>Office Wi-Fi</string><key>PayloadType</key><string>Configuration</string><key>PayloadUUID</key><string>6F1A3B0E-0D43-4E8B-9C0A-2B1F1D9E8C11</string><key>PayloadVersion</key><integer>1</integer><key>PayloadContent</key><array/></dict></plist>`,
    );
    const install = await send('raw', undefined, 'operator', {
      platform: 'apple',
      payload: { RequestType: 'InstallProfile', Payload: { $data: profile.toString('base64') } },
    });
    expect((await completed(install))?.state).toBe('acknowledged');
    expect(device.state.profiles.has('com.example.wifi')).toBe(true);
    const refresh = await completed(await send('refresh_inventory', undefined, 'helpdesk'));
    expect(refresh?.state).toBe('acknowledged');
    const listed = await lab.api<{ inventory: { profiles?: { identifier: string }[] } }>('GET', `/api/v1/devices/${deviceId}`, 'auditor');
    expect(listed.json.inventory.profiles?.map((p) => p.identifier)).toContain('com.example.wifi');
    expect((await completed(await send('remove_profile', { identifier: 'com.example.wifi' })))?.state).toBe('acknowledged');
    expect(device.state.profiles.has('com.example.wifi')).toBe(false);
  });

  it('refreshes inventory on demand', async () => {
    device.name = 'Renamed on the device';
    device.osVersion = '18.2';
    const id = await send('refresh_inventory', undefined, 'helpdesk');
    const done = await completed(id);
    expect(Object.keys(done?.result ?? {})).toEqual(
      expect.arrayContaining(['DeviceInformation', 'SecurityInfo', 'InstalledApplicationList', 'ProfileList', 'CertificateList']),
    );
    const info = await lab.api<{ name: string; osVersion: string }>('GET', `/api/v1/devices/${deviceId}`, 'auditor');
    expect(info.json).toMatchObject({ name: 'Renamed on the device', osVersion: '18.2' });
  });

  it('wipes, last', async () => {
    const id = await send('wipe');
    expect((await completed(id))?.state).toBe('acknowledged');
    expect(device.state.wiped).toBe(true);
    const audit = await lab.api<{ items: { action: string; target: { id: string }; actor: { label: string } }[] }>(
      'GET',
      '/api/v1/audit-events?action=commands.create',
      'auditor',
    );
    expect(audit.json.items.find((e) => e.target.id === id)?.actor.label).toBe('token:lab-operator');
  });
});
