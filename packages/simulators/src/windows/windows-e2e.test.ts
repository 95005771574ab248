import { translateWindowsPolicy } from '@steward/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabRole, type WindowsLab, startWindowsLab } from '../test-support/windows-lab.js';
import { WindowsDevice, WindowsEnrollmentFault } from './windows-device.js';

interface Delivery {
  deviceId: string;
  state: string;
  result: Record<string, unknown> | null;
}

interface AuditItem {
  action: string;
  outcome: string;
  target: { id: string | null };
  actor: { label: string | null };
}

describe('Windows MDM end to end, over real HTTPS with client certificates', () => {
  let lab: WindowsLab;
  let pc: WindowsDevice;
  let deviceId: string;
  let groupId: string;

  const send = async (type: string, params?: Record<string, unknown>, role: LabRole = 'operator', extra: Record<string, unknown> = {}) => {
    const res = await lab.api<{ command: { id: string } }>('POST', '/api/v1/commands', role, {
      type,
      ...(params ? { params } : {}),
      target: { deviceIds: [deviceId] },
      ...extra,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    return res.json.command.id;
  };
  /** The PC polls (a management session), then the command's delivery is read back. */
  const run = async (commandId: string) => {
    await pc.session();
    const res = await lab.api<{ deliveries: Delivery[] }>('GET', `/api/v1/commands/${commandId}`, 'auditor');
    return res.json.deliveries[0];
  };
  const device = () =>
    lab
      .api<{
        name: string;
        osVersion: string;
        serialNumber: string;
        model: string;
        enrollmentState: string;
        groupIds: string[];
        inventory: Record<string, unknown>;
      }>('GET', `/api/v1/devices/${deviceId}`, 'auditor')
      .then((r) => r.json);
  const audit = (action: string) => lab.api<{ items: AuditItem[] }>('GET', `/api/v1/audit-events?action=${action}`, 'auditor').then((r) => r.json.items);

  beforeAll(async () => {
    lab = await startWindowsLab();
    const group = await lab.api<{ id: string }>('POST', '/api/v1/groups', 'operator', { name: 'Windows fleet', kind: 'static' });
    groupId = group.json.id;
    const { token } = await lab.enrollment({ maxUses: 5, groupId });
    pc = new WindowsDevice({ serverUrl: lab.url, ca: lab.ca, upn: 'ada@example.com', token });
    await pc.enroll();
    const found = await lab.api<{ items: { id: string; enrollmentState: string }[] }>('GET', '/api/v1/devices?platform=windows', 'auditor');
    deviceId = found.json.items[0]?.id ?? '';
    expect(found.json.items[0]?.enrollmentState).toBe('pending');
  }, 60_000);
  afterAll(async () => {
    pc?.close();
    await lab?.close();
  });

  it('enrolls through discovery → policy → enrollment and reports its inventory in the first session', async () => {
    expect(pc.provisioning?.managementUrl).toBe(`${lab.url}/ManagementServer/MDM.svc`);
    expect(pc.provisioning?.pollMinutes).toBeGreaterThan(0);
    const exchanges = await pc.session();
    expect(exchanges).toBeGreaterThanOrEqual(2);
    const info = await device();
    expect(info.enrollmentState).toBe('enrolled');
    expect(info.osVersion).toBe(pc.osVersion);
    expect(info.serialNumber).toBe(pc.serialNumber);
    expect(info.name).toBe(pc.name);
    expect(info.groupIds).toContain(groupId);
    const security = info.inventory.security as { encrypted?: boolean; firewall?: { enabled?: boolean }; secureBoot?: boolean };
    expect(security).toMatchObject({ encrypted: false, firewall: { enabled: true }, secureBoot: true });
    expect(Array.isArray(info.inventory.apps)).toBe(true);
    expect((await audit('windows.enrolled')).some((e) => e.target.id === deviceId)).toBe(true);
    expect((await audit('windows.certificate_issued')).some((e) => e.target.id === deviceId)).toBe(true);
  });

  it('locks and restarts on an operator’s command, with the audit trail', async () => {
    const lock = await send('lock', undefined, 'helpdesk');
    expect((await run(lock))?.state).toBe('acknowledged');
    expect(pc.state.locks).toBe(1);
    const restart = await send('restart');
    expect((await run(restart))?.state).toBe('acknowledged');
    expect(pc.state.restarts).toBe(1);
    const created = await audit('commands.create');
    expect(created.some((e) => e.target.id === lock)).toBe(true);
    expect(created.find((e) => e.target.id === restart)?.actor.label).toBe('token:lab-operator');
  });

  it('refuses intents Windows cannot carry out, clearly', async () => {
    const res = await lab.api<{ skipped: number }>('POST', '/api/v1/commands', 'operator', { type: 'shutdown', target: { deviceIds: [deviceId] } });
    expect(res.status).toBe(202);
    const id = (res.json as unknown as { command: { id: string } }).command.id;
    const done = await run(id);
    expect(done?.state).toBe('error');
    expect(JSON.stringify(done?.result)).toMatch(/shutdown has no Windows MDM command/);
  });

  it('enforces BitLocker, escrows the recovery key, and shows it only to permitted roles, auditing each view', async () => {
    const translatePolicy = translateWindowsPolicy;
    const translation = translatePolicy({ encryption: { required: true } }, { platform: 'windows', ownership: 'corporate' });
    const id = await send('apply_configuration', {
      key: 'policy.0190c2a4-7b1e-7c3a-9f00-000000000001',
      name: 'Encryption',
      version: '00112233445566778899',
      source: 'policy',
      payload: translation.payload,
    });
    const done = await run(id);
    expect(done?.state, JSON.stringify(done?.result)).toBe('acknowledged');
    expect(pc.state.encrypted).toBe(true);
    expect(pc.state.recoveryPassword).toMatch(/^[0-9]{6}(-[0-9]{6}){7}$/);
    expect((await audit('windows.bitlocker_key_escrowed')).some((e) => e.target.id === deviceId)).toBe(true);

    const keyPath = `/api/v1/windows/devices/${deviceId}/bitlocker-recovery-key`;
    const helpdesk = await lab.api<{ recoveryPassword: string }>('GET', keyPath, 'helpdesk');
    expect(helpdesk.status).toBe(200);
    expect(helpdesk.json.recoveryPassword).toBe(pc.state.recoveryPassword);
    expect((await lab.api('GET', keyPath, 'auditor')).status).toBe(403);
    expect((await lab.api('GET', keyPath, 'operator')).status).toBe(403);
    const views = (await audit('windows.bitlocker_key_view')).filter((e) => e.target.id === deviceId);
    expect(views.filter((e) => e.outcome === 'success').map((e) => e.actor.label)).toEqual(['token:lab-helpdesk']);
    expect(views.filter((e) => e.outcome === 'denied')).toHaveLength(2);

    const refresh = await send('refresh_inventory', undefined, 'helpdesk');
    expect((await run(refresh))?.state).toBe('acknowledged');
    expect((await device()).inventory.security).toMatchObject({ encrypted: true });
  });

  it('installs a password policy that reports success, then removes it', async () => {
    const translatePolicy = translateWindowsPolicy;
    const translation = translatePolicy(
      { passcode: { required: true, minLength: 12, complexity: 'complex' as never, maxInactivityMinutes: 5, maxFailedAttempts: 8 } },
      { platform: 'windows', ownership: 'corporate' },
    );
    const key = 'policy.0190c2a4-7b1e-7c3a-9f00-000000000002';
    const id = await send('apply_configuration', { key, name: 'Passwords', version: 'aabbccddeeff00112233', source: 'policy', payload: translation.payload });
    const done = await run(id);
    expect(done?.state, JSON.stringify(done?.result)).toBe('acknowledged');
    expect(pc.state.nodes.get('./Device/Vendor/MSFT/Policy/Config/DeviceLock/MinDevicePasswordLength')).toBe('12');
    expect(pc.state.nodes.get('./Device/Vendor/MSFT/Policy/Config/DeviceLock/DevicePasswordEnabled')).toBe('0');
    expect((await audit('commands.create')).some((e) => e.target.id === id)).toBe(true);
    const removed = await run(await send('remove_configuration', { key, payload: translation.payload }));
    expect(removed?.state).toBe('acknowledged');
    expect(pc.state.nodes.has('./Device/Vendor/MSFT/Policy/Config/DeviceLock/MinDevicePasswordLength')).toBe(false);
  });

  it('retries an Add the PC answers 418 as a Replace, and one failing profile never blocks another', async () => {
    const profile = (value: number) =>
      `<Add><CmdID>1</CmdID><Item><Target><LocURI>./Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera</LocURI></Target><Meta><Format xmlns="syncml:metinf">int</Format></Meta><Data>${value}</Data></Item></Add>`;
    const first = await send('apply_configuration', {
      key: 'profile.0190c2a4-7b1e-7c3a-9f00-000000000003',
      name: 'Camera',
      version: '0000000000000001',
      source: 'raw',
      payload: profile(0),
    });
    expect((await run(first))?.state).toBe('acknowledged');
    // The node exists now: the PC answers the Add with 418 and Steward sends it again as Replace.
    const again = await send('apply_configuration', {
      key: 'profile.0190c2a4-7b1e-7c3a-9f00-000000000003',
      name: 'Camera',
      version: '0000000000000002',
      source: 'raw',
      payload: profile(1),
    });
    const broken = await send('raw', undefined, 'operator', {
      platform: 'windows',
      payload: {
        syncml: '<Replace><CmdID>1</CmdID><Item><Target><LocURI>./Device/Vendor/MSFT/NoSuchCsp/Setting</LocURI></Target><Data>1</Data></Item></Replace>',
      },
    });
    await pc.session();
    const read = async (id: string) => (await lab.api<{ deliveries: Delivery[] }>('GET', `/api/v1/commands/${id}`, 'auditor')).json.deliveries[0];
    expect((await read(again))?.state).toBe('acknowledged');
    expect(pc.state.nodes.get('./Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera')).toBe('1');
    const failed = await read(broken);
    expect(failed?.state).toBe('error');
    expect(JSON.stringify(failed?.result)).toMatch(/not a known CSP node/);
  });

  it('installs an MSI (hash checked, status polled) and lists it in inventory', async () => {
    const code = '{0E1D2C3B-4A59-6877-8695-A4B3C2D1E0F9}';
    const id = await send('install_app', { identifier: `msi:${code}:${'ab'.repeat(32)}:https://downloads.example.com/tool.msi` });
    const done = await run(id);
    expect(done?.state, JSON.stringify(done?.result)).toBe('acknowledged');
    expect(pc.state.msi.get(code)?.hash).toBe('AB'.repeat(32));
    await run(await send('refresh_inventory', undefined, 'helpdesk'));
    expect((await device()).inventory.apps).toEqual(expect.arrayContaining([{ identifier: code }]));
  });

  it('answers a multi-message reply (Alert 1222)', async () => {
    const split = new WindowsDevice({ serverUrl: lab.url, ca: lab.ca, upn: 'bob@example.com', token: (await lab.enrollment()).token, splitAt: 5 });
    await split.enroll();
    await split.session(); // the first inventory (28 Gets, answered in several messages)
    const found = await lab.api<{ items: { id: string; serialNumber: string }[] }>('GET', `/api/v1/devices?search=${split.serialNumber}`, 'auditor');
    expect(found.json.items).toHaveLength(1);
    split.close();
  });

  it('enrolls with the Federated policy: the sign-in page’s token comes back as a BinarySecurityToken', async () => {
    const { token } = await lab.enrollment();
    const federated = new WindowsDevice({ serverUrl: lab.url, ca: lab.ca, upn: 'cy@example.com', token, authPolicy: 'Federated' });
    await federated.enroll();
    await federated.session();
    expect(federated.state.sessions).toBe(1);
    federated.close();
    const wrong = new WindowsDevice({ serverUrl: lab.url, ca: lab.ca, upn: 'cy@example.com', token: 'not-a-token', authPolicy: 'Federated' });
    await expect(wrong.enroll()).rejects.toThrow(/federated sign-in failed \(401\)/);
  });

  it('wipes, then the user’s unenrollment (Alert 1226) takes the PC out of management', async () => {
    const wipe = await send('wipe');
    expect((await run(wipe))?.state).toBe('acknowledged');
    expect(pc.state.wiped).toBe('doWipe');
    await pc.unenroll();
    expect((await device()).enrollmentState).toBe('unenrolled');
    expect((await audit('windows.unenrolled')).some((e) => e.target.id === deviceId)).toBe(true);
    await expect(pc.session()).rejects.toThrow(/403/);
  });

  it('refuses a used-up token with an MS-MDE2 Authentication fault', async () => {
    const { token } = await lab.enrollment({ maxUses: 1 });
    await new WindowsDevice({ serverUrl: lab.url, ca: lab.ca, upn: 'd@example.com', token }).enroll();
    const late = new WindowsDevice({ serverUrl: lab.url, ca: lab.ca, upn: 'e@example.com', token });
    const error = await late.enroll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WindowsEnrollmentFault);
    expect((error as WindowsEnrollmentFault).subcode).toBe('s:Authentication');
  });
});
