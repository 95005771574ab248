import { translateAndroid } from '@steward/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AndroidLab, startAndroidLab } from '../test-support/android-lab.js';
import type { SimDevice } from './stand-in.js';

interface Delivery {
  deviceId: string;
  state: string;
  result: Record<string, unknown> | null;
}
interface DeviceDetail {
  id: string;
  channel: string;
  platform: string;
  ownership: string;
  enrollmentState: string;
  model: string | null;
  osVersion: string | null;
  serialNumber: string | null;
  imei: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: the tests read deep into the inventory JSON
  inventory: Record<string, any>;
}

async function until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 30));
    value = await read();
  }
  return value;
}

describe('Android Management API end to end, with the stand-in over real HTTP', () => {
  let lab: AndroidLab;
  let sim: SimDevice;
  let deviceId: string;

  const send = async (type: string, params?: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const res = await lab.api<{ command: { id: string } }>('POST', '/api/v1/commands', 'admin', {
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
    return res.json.deliveries.find((d) => d.deviceId === deviceId) as Delivery;
  };
  const settled = (commandId: string, ms = 10_000) =>
    until(
      `command ${commandId}`,
      () => delivery(commandId),
      (d) => d.state === 'acknowledged' || d.state === 'error',
      ms,
    );
  const device = async () => (await lab.api<DeviceDetail>('GET', `/api/v1/devices/${deviceId}`, 'auditor')).json;

  beforeAll(async () => {
    lab = await startAndroidLab();
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('binds the enterprise: credentials sealed, sign-up completed, Pub/Sub topic and notification types set', async () => {
    const { json } = await lab.api<Record<string, unknown>>('GET', '/api/v1/android/enterprise', 'auditor');
    expect(json).toMatchObject({
      credentialsUploaded: true,
      bound: true,
      enterpriseName: lab.enterpriseName,
      notificationTypes: ['ENROLLMENT', 'STATUS_REPORT', 'COMMAND'],
    });
    const enterprise = lab.standIn.enterprises.get(lab.enterpriseName);
    expect(enterprise?.pubsubTopic).toBe(`projects/${lab.standIn.projectId}/topics/steward-android`);
    expect(enterprise?.enabledNotificationTypes).toEqual(['ENROLLMENT', 'STATUS_REPORT', 'COMMAND']);
    // The key never comes back, and it is stored sealed.
    expect(JSON.stringify(json)).not.toContain('PRIVATE KEY');
    const stored = await lab.server.ctx.database.db.selectFrom('android_enterprises').selectAll().executeTakeFirstOrThrow();
    expect(stored.credentials_sealed).not.toContain('PRIVATE KEY');
    // Every call went through the stand-in's token endpoint with the service account's signed JWT.
    expect(lab.standIn.requests.some((r) => r.path === '/token' && r.status === 200)).toBe(true);
    // The push endpoint's secret is for admins only.
    const shown = await lab.api<{ pushEndpoint: string }>('GET', '/api/v1/android/enterprise', 'admin');
    expect(shown.json.pushEndpoint).toBe(lab.pushEndpoint);
    expect(json.pushEndpoint).toMatch(/\/android\/pubsub\?token=…$/);
    // Only admins bind enterprises.
    expect((await lab.api('PUT', '/api/v1/android/credentials', 'operator', { serviceAccount: lab.standIn.serviceAccount() })).status).toBe(403);
  });

  it('serves the enrollment token with a link and QR codes (PNG and SVG)', async () => {
    const { json } = await lab.api<Record<string, string>>('GET', `/api/v1/android/enrollment-tokens/${lab.enrollmentId}`, 'helpdesk');
    expect(json.token).toBe(lab.tokenValue);
    expect(json.mode).toBe('fully_managed');
    expect(json.enrollmentLink).toBe(`https://enterprise.google.com/android/enroll?et=${lab.tokenValue}`);
    expect(JSON.parse(json.qrCode as string)['android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE']).toBeDefined();
    const png = await fetch(`${lab.url}${json.qrCodePng}`, { headers: { authorization: (await adminHeader()).authorization } });
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const svg = await lab.api<string>('GET', `${json.qrCodeSvg}`, 'auditor');
    expect(svg.json).toContain('<svg');
    const token = [...lab.standIn.enrollmentTokens.values()].find((t) => t.value === lab.tokenValue);
    expect(token).toMatchObject({ allowPersonalUsage: 'PERSONAL_USAGE_DISALLOWED', oneTimeOnly: false });
    expect(JSON.parse(token?.additionalData ?? '{}')).toEqual({ steward: lab.enrollmentId });
  });

  async function adminHeader() {
    const created = await lab.server.ctx.auth.createToken({ name: 'png', role: 'auditor', createdBy: null });
    return { authorization: `Bearer ${created.secret}` };
  }

  it('a device enrolls with the token and appears with its inventory', async () => {
    sim = await lab.standIn.enroll(lab.tokenValue, { serial: 'E2E0001', model: 'Pixel 8 Pro', passcodeLength: 6 });
    const list = await until(
      'the device in Steward',
      () => lab.api<{ items: { id: string; serialNumber: string }[] }>('GET', '/api/v1/devices?platform=android', 'auditor'),
      (r) => r.json.items.some((d) => d.serialNumber === 'E2E0001'),
    );
    deviceId = list.json.items.find((d) => d.serialNumber === 'E2E0001')?.id as string;
    const d = await until('inventory', device, (x) => Boolean(x.inventory.android?.appliedPolicyName));
    expect(d).toMatchObject({
      channel: 'android',
      platform: 'android',
      ownership: 'corporate',
      enrollmentState: 'enrolled',
      model: 'Pixel 8 Pro',
      osVersion: '14',
      serialNumber: 'E2E0001',
    });
    expect(d.imei).toBe(sim.resource.networkInfo?.imei);
    expect(d.inventory.security).toMatchObject({ compromised: false, encrypted: true, passcodePresent: true });
    expect(d.inventory.apps).toContainEqual({ identifier: 'com.android.chrome', name: 'Chrome', version: '127.0.6533.103' });
    expect(d.inventory.android.memory.totalRam).toBe('12884901888');
    expect(d.inventory.android.displays[0]).toMatchObject({ width: 1344, height: 2992 });
    const enrollment = await lab.api<{ uses: number }>('GET', `/api/v1/enrollments/${lab.enrollmentId}`, 'auditor');
    expect(enrollment.json.uses).toBe(1);
  });

  it('applies a policy: one deterministic AMAPI policy, the device pointed at it, the result recorded when the device reports it applied', async () => {
    const payload = translateAndroid(
      {
        passcode: { minLength: 8, complexity: 'numeric' },
        restrictions: { camera: false, screenCapture: false },
        apps: [{ identifier: 'com.example.crm', install: 'required', configuration: { server: 'crm.example.com' } }],
      } as unknown as Parameters<typeof translateAndroid>[0],
      { platform: 'android', ownership: 'corporate' },
    ).payload;
    const key = 'policy.0190f5a2-0000-7000-8000-0000000000aa';
    const commandId = await send('apply_configuration', { key, name: 'Baseline', version: 'a1b2c3d4e5f60718', source: 'policy', payload });
    const result = await settled(commandId);
    expect(result.state).toBe('acknowledged');
    const policyName = sim.resource.policyName as string;
    expect(policyName).toMatch(new RegExp(`^${lab.enterpriseName}/policies/steward-[0-9a-f]{20}$`));
    expect(result.result).toMatchObject({ appliedPolicyName: policyName, appliedPolicyVersion: lab.standIn.policies.get(policyName)?.version });
    const policy = lab.standIn.policies.get(policyName);
    expect(policy).toMatchObject({
      cameraAccess: 'CAMERA_ACCESS_DISABLED',
      screenCaptureDisabled: true,
      passwordPolicies: [{ passwordMinimumLength: 8, passwordQuality: 'NUMERIC', passwordScope: 'SCOPE_DEVICE' }],
    });
    expect(policy?.applications).toEqual([
      { packageName: 'com.example.crm', installType: 'FORCE_INSTALLED', managedConfiguration: { server: 'crm.example.com' } },
    ]);
    expect(policy?.statusReportingSettings?.applicationReportsEnabled).toBe(true);
    const d = await until('configurations reported', device, (x) => (x.inventory.configurations ?? []).some((c: { key: string }) => c.key === key));
    expect(d.inventory.configurations).toEqual([{ key, version: 'a1b2c3d4e5f60718' }]);
    expect(d.inventory.apps.map((a: { identifier: string }) => a.identifier)).toContain('com.example.crm');

    // The same effective set on another device would share the policy; applying it again changes nothing at Google.
    const patches = lab.standIn.requests.filter((r) => r.method === 'PATCH' && r.path.includes('/policies/')).length;
    const again = await send('apply_configuration', { key, name: 'Baseline', version: 'a1b2c3d4e5f60718', source: 'policy', payload });
    expect((await settled(again)).state).toBe('acknowledged');
    expect(lab.standIn.requests.filter((r) => r.method === 'PATCH' && r.path.includes('/policies/')).length).toBe(patches);
  });

  it('shows the non-compliance the device reports (passcode shorter than the policy asks, and one the user caused)', async () => {
    const d = await until('non-compliance', device, (x) => (x.inventory.android?.nonComplianceDetails ?? []).length > 0);
    expect(d.inventory.android.policyCompliant).toBe(false);
    expect(d.inventory.android.nonComplianceDetails).toContainEqual(expect.objectContaining({ settingName: 'passwordPolicies', reason: 'USER_ACTION' }));
    await lab.standIn.reportNonCompliance(sim, {
      settingName: 'applications',
      nonComplianceReason: 'APP_NOT_INSTALLED',
      packageName: 'com.example.vpn',
      installationFailureReason: 'NOT_FOUND',
    });
    const after = await until('app non-compliance', device, (x) =>
      x.inventory.android.nonComplianceDetails.some((n: { settingName: string }) => n.settingName === 'applications'),
    );
    expect(after.inventory.android.nonComplianceDetails).toContainEqual({
      settingName: 'applications',
      reason: 'APP_NOT_INSTALLED',
      packageName: 'com.example.vpn',
      installationFailureReason: 'NOT_FOUND',
    });
  });

  it('a compromised security posture flags the device as rooted', async () => {
    await lab.standIn.setCompromised(sim);
    const d = await until('compromised', device, (x) => x.inventory.security?.compromised === true);
    expect(d.inventory.security).toMatchObject({ compromised: true, posture: 'POTENTIALLY_COMPROMISED', risks: ['COMPROMISED_OS'] });
  });

  it('removing the configuration points the device back at the base policy', async () => {
    const key = 'policy.0190f5a2-0000-7000-8000-0000000000aa';
    const before = sim.resource.policyName;
    const commandId = await send('remove_configuration', { key });
    expect((await settled(commandId)).state).toBe('acknowledged');
    expect(sim.resource.policyName).not.toBe(before);
    expect(lab.standIn.policies.get(sim.resource.policyName as string)?.applications).toBeUndefined();
    await until('configurations cleared', device, (x) => (x.inventory.configurations ?? []).length === 0);
  });

  it('two configurations changed before the device applied the first both settle when it applies the policy carrying both', async () => {
    lab.standIn.applyDelayMs = 1500;
    try {
      const camera = {
        key: 'policy.0190f5a2-0000-7000-8000-0000000000b1',
        name: 'No camera',
        version: 'b1b1b1b1b1b1b1b1',
        source: 'policy',
        payload: { cameraAccess: 'CAMERA_ACCESS_DISABLED' },
      };
      const raw = {
        key: 'profile.0190f5a2-0000-7000-8000-0000000000b2',
        name: 'Raw',
        version: 'b2b2b2b2b2b2b2b2',
        source: 'raw',
        payload: '{"screenCaptureDisabled":true}',
      };
      const first = await send('apply_configuration', camera);
      await until(
        'first sent',
        () => delivery(first),
        (d) => d.state === 'sent',
      );
      const second = await send('apply_configuration', raw);
      const [a, b] = [await settled(first), await settled(second)];
      expect([a.state, b.state]).toEqual(['acknowledged', 'acknowledged']);
      expect(a.result?.supersedes).toBeDefined();
      const policy = lab.standIn.policies.get(sim.resource.appliedPolicyName as string);
      expect(policy).toMatchObject({ cameraAccess: 'CAMERA_ACCESS_DISABLED', screenCaptureDisabled: true });
      for (const c of [camera, raw]) expect((await settled(await send('remove_configuration', { key: c.key }))).state).toBe('acknowledged');
    } finally {
      lab.standIn.applyDelayMs = 5;
    }
  });

  it('lock, lost mode and clear app data complete through long-running operations', async () => {
    const lock = await send('lock');
    const locked = await settled(lock);
    expect(locked.state).toBe('acknowledged');
    expect(String(locked.result?.operation)).toMatch(new RegExp(`^${sim.resource.name}/operations/`));
    expect(sim.locked).toBe(1);
    const lost = await settled(await send('enable_lost_mode', { message: 'Please call IT', phoneNumber: '+1 555 0100' }));
    expect(lost.state).toBe('acknowledged');
    expect(sim.lostMode).toBe(true);
    const issued = lab.standIn.requests.filter((r) => r.path.endsWith(':issueCommand')).map((r) => r.body);
    expect(issued).toContainEqual({
      type: 'START_LOST_MODE',
      startLostModeParams: { lostMessage: { defaultMessage: 'Please call IT' }, lostPhoneNumber: { defaultMessage: '+1 555 0100' } },
    });
    expect((await settled(await send('disable_lost_mode'))).state).toBe('acknowledged');
    expect(sim.lostMode).toBe(false);
    const clear = await settled(
      await send('raw', undefined, { platform: 'android', payload: { type: 'CLEAR_APP_DATA', clearAppsDataParams: { packageNames: ['com.android.chrome'] } } }),
    );
    expect(clear.state).toBe('acknowledged');
    const reset = await settled(await send('clear_passcode'));
    expect(reset.state).toBe('acknowledged');
    expect(lab.standIn.requests.filter((r) => r.path.endsWith(':issueCommand')).at(-1)?.body).toEqual({
      type: 'RESET_PASSWORD',
      resetPasswordFlags: ['REQUIRE_ENTRY'],
    });
    // Inventory on demand: devices.get, applied like a status report.
    expect((await settled(await send('refresh_inventory'))).state).toBe('acknowledged');
    // An intent AMAPI has no command for fails plainly instead of hanging in the queue.
    const locate = await settled(await send('locate'));
    expect(locate.state).toBe('error');
  });

  it('429 and 5xx from the API are retried with backoff and the command is not lost', async () => {
    lab.standIn.faults.push({ status: 429, match: /issueCommand/ }, { status: 503, match: /issueCommand/ }, { status: 500, match: /issueCommand/ });
    const before = sim.reboots;
    const reboot = await settled(await send('restart'));
    expect(reboot.state).toBe('acknowledged');
    expect(sim.reboots).toBe(before + 1);
    const attempts = lab.standIn.requests
      .filter((r) => r.path.endsWith(':issueCommand'))
      .slice(-4)
      .map((r) => r.status);
    expect(attempts).toEqual([429, 503, 500, 200]);

    // A longer outage than the retries cover: the command stays queued, and goes out once the API is back.
    for (let i = 0; i < 6; i++) lab.standIn.faults.push({ status: 503, match: /issueCommand/ });
    const locks = sim.locked;
    const lock = await send('lock');
    await until(
      'the outage to pass',
      async () => lab.standIn.faults.length,
      (n) => n <= 1,
      15_000,
    );
    expect((await delivery(lock)).state).toBe('queued');
    lab.standIn.faults.length = 0;
    // The durable safety net: the sweep job (every minute; run now) delivers what is still queued.
    await lab.server.ctx.database.db.updateTable('jobs').set({ run_at: Date.now() }).where('unique_key', '=', 'periodic:android.deliver-sweep').execute();
    expect((await settled(lock)).state).toBe('acknowledged');
    expect(sim.locked).toBe(locks + 1);
    // So does any later wake-up for the device (here, the next command), in order.
    lab.standIn.faults.push(...Array.from({ length: 6 }, () => ({ status: 503 as const, match: /issueCommand/ })));
    const queued = await send('lock');
    await until(
      'the outage to pass',
      async () => lab.standIn.faults.length,
      (n) => n <= 1,
      15_000,
    );
    lab.standIn.faults.length = 0;
    const next = await send('lock');
    expect((await settled(queued)).state).toBe('acknowledged');
    expect((await settled(next)).state).toBe('acknowledged');
    expect(sim.locked).toBe(locks + 3);
  });

  it('every request Steward sent matches the schemas of Google’s androidmanagement v1 client', () => {
    expect(lab.standIn.violations).toEqual([]);
    const seen = new Set(
      lab.standIn.requests.filter((r) => r.status === 200).map((r) => `${r.method} ${r.path.replace(/^\/v1\//, '').replace(/[^/:]*[0-9a-f]{8,}[^/:]*/g, '*')}`),
    );
    for (const call of [
      'POST /token',
      'POST signupUrls',
      'POST enterprises',
      'PATCH enterprises/*/policies/*',
      'POST enterprises/*/enrollmentTokens',
      'PATCH enterprises/*/devices/*',
      'POST enterprises/*/devices/*:issueCommand',
      'GET enterprises/*/devices/*',
    ])
      expect(seen, call).toContain(call);
  });

  it('personal devices enroll into a work profile; retiring deletes only the work profile', async () => {
    const created = await lab.api<{ id: string; token: string; mode: string; oneTime: boolean }>('POST', '/api/v1/android/enrollment-tokens', 'operator', {
      name: 'BYOD',
      ownership: 'personal',
      oneTime: true,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json).toMatchObject({ mode: 'work_profile', oneTime: true });
    const token = [...lab.standIn.enrollmentTokens.values()].find((t) => t.value === created.json.token);
    expect(token).toMatchObject({ allowPersonalUsage: 'PERSONAL_USAGE_ALLOWED', oneTimeOnly: true });
    const phone = await lab.standIn.enroll(created.json.token, { serial: 'BYOD0001' });
    await expect(lab.standIn.enroll(created.json.token)).rejects.toThrow(/already used/);
    const list = await until(
      'the personal device',
      () => lab.api<{ items: { id: string; serialNumber: string; ownership: string }[] }>('GET', '/api/v1/devices?platform=android', 'auditor'),
      (r) => r.json.items.some((d) => d.serialNumber === 'BYOD0001'),
    );
    const personal = list.json.items.find((d) => d.serialNumber === 'BYOD0001');
    expect(personal?.ownership).toBe('personal');
    const saved = deviceId;
    deviceId = personal?.id as string;
    try {
      // Steward never wipes a personal device: the intent skips it.
      const wipe = await lab.api<{ error: { code: string } }>('POST', '/api/v1/commands', 'admin', { type: 'wipe', target: { deviceIds: [deviceId] } });
      expect(wipe.json.error.code).toBe('personal_device');
      // Retire: delete the work profile (devices.delete on a PROFILE_OWNER device), no wipe flags.
      const retire = await settled(await send('raw', undefined, { platform: 'android', payload: { type: 'DELETE' } }));
      expect(retire.state).toBe('acknowledged');
      expect(phone.wiped).toBe(true);
      const deletion = lab.standIn.requests.filter((r) => r.method === 'DELETE' && r.path.endsWith(phone.id)).at(-1);
      expect(deletion?.query.getAll('wipeDataFlags')).toEqual([]);
    } finally {
      deviceId = saved;
    }
  });

  it('without notifications, the reconciliation finds new devices and a job polls operations to completion', async () => {
    const topic = `projects/${lab.standIn.projectId}/topics/steward-android`;
    lab.standIn.subscriptions.delete(topic);
    const saved = deviceId;
    try {
      const quiet = await lab.standIn.enroll(lab.tokenValue, { serial: 'QUIET001', passcodeLength: 4 });
      const pushes = lab.standIn.pushes.length;
      const synced = await lab.api<{ seen: number; missing: number }>('POST', '/api/v1/android/sync', 'admin');
      expect(synced.status).toBe(200);
      expect(synced.json.seen).toBeGreaterThanOrEqual(2);
      const list = await lab.api<{ items: { id: string; serialNumber: string; model: string }[] }>('GET', '/api/v1/devices?platform=android', 'auditor');
      const found = list.json.items.find((d) => d.serialNumber === 'QUIET001');
      expect(found?.model).toBe('Pixel 8 Pro');
      deviceId = found?.id as string;
      expect((await device()).inventory.android.name).toBe(quiet.resource.name);
      // No COMMAND notification will come: the operations job (every 5 s; run now) polls operations.get.
      const lock = await send('lock');
      await until(
        'the lock to be sent',
        () => delivery(lock),
        (d) => d.state === 'sent',
      );
      await new Promise((r) => setTimeout(r, lab.standIn.commandDelayMs + 50));
      await lab.server.ctx.database.db.updateTable('jobs').set({ run_at: Date.now() }).where('unique_key', '=', 'periodic:android.operations').execute();
      const locked = await settled(lock);
      expect(locked.state).toBe('acknowledged');
      expect(quiet.locked).toBe(1);
      expect(lab.standIn.pushes.length).toBe(pushes);
      expect(lab.standIn.requests.some((r) => r.method === 'GET' && r.path.includes('/operations/'))).toBe(true);
    } finally {
      lab.standIn.subscribe(topic, lab.pushEndpoint);
      deviceId = saved;
    }
  });

  it('hostile Pub/Sub deliveries are refused or ignored without corrupting state', async () => {
    const before = await device();
    const count = async () => (await lab.api<{ total: number }>('GET', '/api/v1/devices?platform=android', 'auditor')).json.total;
    const devices = await count();
    const push = async (body: unknown, url = lab.pushEndpoint) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: res.status, outcome: res.headers.get('x-steward-outcome') };
    };
    const tampered = {
      ...sim.resource,
      hardwareInfo: { ...sim.resource.hardwareInfo, model: 'Tampered' },
      lastStatusReportTime: new Date(Date.now() + 60_000).toISOString(),
    };
    const good = lab.standIn.envelope('STATUS_REPORT', tampered);

    // Wrong or missing secret: refused before anything is read.
    expect((await push(good, lab.pushEndpoint.replace(/token=[^&]+/, 'token=not-the-secret'))).status).toBe(401);
    expect((await push(good, lab.pushEndpoint.replace(/\?token=[^&]+/, ''))).status).toBe(401);
    // Not a Pub/Sub envelope at all.
    expect((await push({ hello: 'world' })).status).toBe(400);
    expect((await push('{"message":')).status).toBe(400);
    // Well-formed envelopes with bad contents are acknowledged (so Pub/Sub stops retrying) and ignored.
    expect(await push({ ...good, message: { ...good.message, messageId: 'm-b64', data: '%%%not base64%%%' } })).toEqual({ status: 204, outcome: 'malformed' });
    expect(await push({ ...good, message: { ...good.message, messageId: 'm-json', data: Buffer.from('{"name": ').toString('base64') } })).toEqual({
      status: 204,
      outcome: 'malformed',
    });
    expect(await push({ ...good, message: { ...good.message, messageId: 'm-type', attributes: { notificationType: 'SOMETHING_ELSE' } } })).toEqual({
      status: 204,
      outcome: 'ignored',
    });
    const foreign = lab.standIn.envelope('ENROLLMENT', { ...tampered, name: 'enterprises/LCother/devices/abc', hardwareInfo: { serialNumber: 'FOREIGN1' } });
    expect(await push(foreign)).toEqual({ status: 204, outcome: 'foreign' });
    // A report older than what was applied (Pub/Sub reorders) changes nothing.
    const old = lab.standIn.envelope('STATUS_REPORT', { ...tampered, lastStatusReportTime: '2020-01-01T00:00:00Z' });
    expect(await push(old)).toEqual({ status: 204, outcome: 'stale' });
    expect(await device()).toMatchObject({ model: before.model, inventory: before.inventory });
    expect(await count()).toBe(devices);

    // A replay of a processed message is a no-op, even when its content was altered.
    const report = lab.standIn.envelope('STATUS_REPORT', { ...sim.resource, lastStatusReportTime: new Date(Date.now() + 120_000).toISOString() });
    expect(await push(report)).toEqual({ status: 204, outcome: 'processed' });
    const afterReport = await device();
    expect(await push({ ...good, message: { ...good.message, messageId: report.message.messageId } })).toEqual({ status: 204, outcome: 'duplicate' });
    expect((await device()).model).toBe(afterReport.model);
    expect((await device()).model).not.toBe('Tampered');
  });

  it('wipe deletes the device at Google with wipe flags; the device leaves', async () => {
    const wipe = await settled(await send('wipe'));
    expect(wipe.state).toBe('acknowledged');
    expect(sim.wiped).toBe(true);
    const deletion = lab.standIn.requests.find((r) => r.method === 'DELETE' && r.path.endsWith(sim.id));
    expect(deletion?.query.getAll('wipeDataFlags')).toEqual(['WIPE_ESIMS']);
    expect((await device()).enrollmentState).toBe('unenrolled');
    expect(lab.standIn.violations).toEqual([]);
  });
});
