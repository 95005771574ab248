import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../test-support/databases.js';
import { type Harness, createHarness } from '../../test-support/harness.js';
import { parsePlistDict } from '../../protocols/apple/plist.js';

const PROFILE = (payloadType: string) => `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>PayloadType</key><string>Configuration</string><key>PayloadVersion</key><integer>1</integer>
<key>PayloadIdentifier</key><string>com.example.raw</string><key>PayloadUUID</key><string>0C0D4E5A-1111-4222-8333-444455556666</string>
<key>PayloadContent</key><array><dict><key>PayloadType</key><string>${payloadType}</string><key>PayloadVersion</key><integer>1</integer>
<key>PayloadIdentifier</key><string>com.example.raw.1</string><key>PayloadUUID</key><string>0C0D4E5A-1111-4222-8333-444455556667</string></dict></array>
</dict></plist>`;

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`policies API on ${database.dialect}`, () => {
    let h: Harness;
    let group: string;
    let iphone: string;
    let personalMac: string;
    let pc: string;
    const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, role: 'admin' | 'helpdesk' = 'admin') =>
      h.app.inject({ method, url, headers: h.auth(role), ...(payload === undefined ? {} : { payload: payload as object }) });

    beforeAll(async () => {
      h = await createHarness(database);
      group = (await h.ctx.groups.create({ name: 'Executives', kind: 'static' })).id;
      iphone = (await h.ctx.devices.create({ platform: 'ios', ownership: 'corporate', name: 'CEO iPhone', osVersion: '17.6' })).id;
      personalMac = (await h.ctx.devices.create({ platform: 'macos', ownership: 'personal', name: 'Own Mac' })).id;
      pc = (await h.ctx.devices.create({ platform: 'windows', ownership: 'corporate', name: 'CFO PC' })).id;
      await h.ctx.groups.addMembers(group, [iphone, personalMac, pc]);
    });
    afterAll(() => h?.close());

    it('creates policies, refusing bad settings, duplicates and roles without policies.write', async () => {
      const bad = await call('POST', '/api/v1/policies', { name: 'Bad', settings: { passcode: { minLength: 2 } } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('validation_failed');
      const unknownKey = await call('POST', '/api/v1/policies', { name: 'Bad', settings: { passcode: { length: 6 } } });
      expect(unknownKey.statusCode).toBe(400);
      const denied = await call('POST', '/api/v1/policies', { name: 'X', settings: {} }, 'helpdesk');
      expect(denied.statusCode).toBe(403);

      const base = await call('POST', '/api/v1/policies', {
        name: 'Baseline',
        priority: 50,
        settings: {
          passcode: { minLength: 6, maxInactivityMinutes: 10 },
          restrictions: { camera: true },
          wifi: [{ ssid: 'Corp', security: 'wpa2-personal', password: 'corp-secret' }],
        },
        groupIds: [group],
      });
      expect(base.statusCode).toBe(201);
      const strict = await call('POST', '/api/v1/policies', {
        name: 'Executives',
        priority: 10,
        settings: {
          passcode: { minLength: 8, complexity: 'alphanumeric', maxInactivityMinutes: 5 },
          encryption: { required: true },
          restrictions: { camera: false, usbStorage: false },
        },
      });
      expect(strict.statusCode).toBe(201);
      const assign = await call('PUT', `/api/v1/policies/${strict.json().id}/assignments`, { groupIds: [group] });
      expect(assign.statusCode).toBe(200);
      const dup = await call('POST', '/api/v1/policies', { name: 'Baseline', settings: {} });
      expect(dup.statusCode).toBe(409);
      const missingGroup = await call('PUT', `/api/v1/policies/${strict.json().id}/assignments`, { groupIds: ['0190f5a2-0000-7000-8000-000000000002'] });
      expect(missingGroup.statusCode).toBe(404);
    });

    it('shows each device its effective policy with where every value came from and its channel’s translation', async () => {
      const res = await call('GET', `/api/v1/devices/${iphone}/effective-policy`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.settings.passcode).toEqual({ minLength: 8, complexity: 'alphanumeric', maxInactivityMinutes: 5 });
      expect(body.sources['passcode.minLength'].policyName).toBe('Executives');
      expect(body.sources['wifi[Corp]'].policyName).toBe('Baseline');
      expect(body.settings.restrictions.camera).toBe(false);
      expect(body.translation.supported).toBe(true);
      const profile = parsePlistDict(Buffer.from(body.translation.payload.mobileconfig, 'base64'));
      expect(profile.PayloadIdentifier).toBe(body.translation.payload.identifier);
      expect(body.items.map((i: { itemType: string }) => i.itemType)).toEqual(['policy']);

      const mac = (await call('GET', `/api/v1/devices/${personalMac}/effective-policy`)).json();
      const unsupported = mac.translation.unsupported.map((u: { setting: string }) => u.setting);
      expect(unsupported).toEqual(expect.arrayContaining(['encryption.required', 'restrictions.camera', 'restrictions.usbStorage']));

      const windows = (await call('GET', `/api/v1/devices/${pc}/effective-policy`)).json();
      // Windows gets the same settings as CSP operations (the Windows adapter's translator).
      expect(windows.translation).toMatchObject({ channel: 'windows', supported: true });
      const locUris = JSON.stringify(windows.translation.payload);
      expect(locUris).toContain('DeviceLock');
      expect(windows.items.map((i: { itemType: string }) => i.itemType)).toEqual(['policy']);
    });

    it('previews a policy for a device, or for a kind of device', async () => {
      const created = await call('POST', '/api/v1/policies', { name: 'Kiosk', settings: { kiosk: { app: 'com.example.kiosk' } } });
      const id = created.json().id;
      const forDevice = (await call('GET', `/api/v1/policies/${id}/preview?deviceId=${iphone}`)).json();
      expect(forDevice.settings.kiosk).toEqual({ app: 'com.example.kiosk' });
      expect(forDevice.settings.passcode.minLength).toBe(8);
      const forMac = (await call('GET', `/api/v1/policies/${id}/preview?platform=macos`)).json();
      expect(forMac.translation.unsupported).toEqual([{ setting: 'kiosk', reason: expect.any(String) }]);
      expect((await call('GET', `/api/v1/policies/${id}/preview`)).statusCode).toBe(400);
      expect((await call('GET', `/api/v1/policies/${id}/preview?platform=beos`)).statusCode).toBe(400);
    });

    it('checks raw profiles with the channel’s validator and lists every problem', async () => {
      const bad = await call('POST', '/api/v1/profiles', { name: 'Broken', channel: 'apple', content: PROFILE('com.example.not-a-payload') });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('invalid_profile');
      expect(bad.json().error.details.problems).toEqual(['PayloadContent[0].PayloadType: "com.example.not-a-payload" is not a payload type Apple documents']);
      const entity = await call('POST', '/api/v1/profiles', {
        name: 'XXE',
        channel: 'apple',
        content: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><plist><dict/></plist>',
      });
      expect(entity.statusCode).toBe(400);
      const good = await call('POST', '/api/v1/profiles', { name: 'AirPrint', channel: 'apple', content: PROFILE('com.apple.airprint'), groupIds: [group] });
      expect(good.statusCode).toBe(201);
      expect(good.json()).toMatchObject({ identifier: 'com.example.raw', validated: true, groupIds: [group] });
      const effective = (await call('GET', `/api/v1/devices/${iphone}/effective-policy`)).json();
      expect(effective.profiles.map((p: { name: string }) => p.name)).toEqual(['AirPrint']);
    });

    it('catalogues store apps and hashed packages, assigned per group', async () => {
      const store = await call('POST', '/api/v1/apps', { name: 'Slack', platform: 'ios', identifier: 'com.tinyspeck.chatlyio' });
      expect(store.statusCode).toBe(201);
      const content = Buffer.from('not really an ipa, but bytes');
      const sha256 = createHash('sha256').update(content).digest('hex');
      const wrong = await call('POST', '/api/v1/apps/packages', {
        name: 'Field',
        platform: 'ios',
        identifier: 'com.example.field',
        fileName: 'field.ipa',
        sha256: '0'.repeat(64),
        content: content.toString('base64'),
      });
      expect(wrong.json().error.code).toBe('package_hash_mismatch');
      const mismatch = await call('POST', '/api/v1/apps/packages', {
        name: 'Field',
        platform: 'windows',
        identifier: 'com.example.field',
        fileName: 'field.ipa',
        sha256,
        content: content.toString('base64'),
      });
      expect(mismatch.statusCode).toBe(400);
      const pkg = await call('POST', '/api/v1/apps/packages', {
        name: 'Field',
        platform: 'ios',
        identifier: 'com.example.field',
        fileName: 'field.ipa',
        sha256,
        content: content.toString('base64'),
      });
      expect(pkg.statusCode).toBe(201);
      expect(pkg.json()).toMatchObject({ kind: 'package', sha256, size: content.length });
      const download = await call('GET', `/api/v1/apps/${pkg.json().id}/package`);
      expect(download.rawPayload.equals(content)).toBe(true);

      const assigned = await call('PUT', `/api/v1/apps/${store.json().id}/assignments`, {
        assignments: [{ groupId: group, install: 'required', configuration: { server: 'x' } }],
      });
      expect(assigned.statusCode).toBe(200);
      expect(assigned.json().assignments).toEqual([{ groupId: group, install: 'required', configuration: { server: 'x' } }]);
      const badInstall = await call('PUT', `/api/v1/apps/${store.json().id}/assignments`, { assignments: [{ groupId: group, install: 'maybe' }] });
      expect(badInstall.statusCode).toBe(400);
      const effective = (await call('GET', `/api/v1/devices/${iphone}/effective-policy`)).json();
      expect(effective.apps).toEqual([expect.objectContaining({ identifier: 'com.tinyspeck.chatlyio', install: 'required' })]);
      expect(effective.items.map((i: { command: string }) => i.command)).toContain('install_app');
    });

    it('sets OS targets per group and platform and reports progress', async () => {
      const bad = await call('PUT', '/api/v1/os-updates', { groupId: group, platform: 'ios', minimumVersion: 'latest' });
      expect(bad.statusCode).toBe(400);
      const set = await call('PUT', '/api/v1/os-updates', { groupId: group, platform: 'ios', minimumVersion: '18.2', deadline: '2030-01-01T00:00:00.000Z' });
      expect(set.statusCode).toBe(200);
      const again = await call('PUT', '/api/v1/os-updates', { groupId: group, platform: 'ios', minimumVersion: '18.3' });
      expect(again.json().id).toBe(set.json().id);
      const effective = (await call('GET', `/api/v1/devices/${iphone}/effective-policy`)).json();
      expect(effective.osTarget).toEqual({ minimumVersion: '18.3', deadline: null });
      const progress = (await call('GET', `/api/v1/os-updates/${set.json().id}/progress`)).json();
      expect(progress.devices).toBe(1);
    });

    it('BYOD: a personal device refuses a full wipe and a location request; groups skip and count it', async () => {
      for (const type of ['wipe', 'locate'] as const) {
        const personalPhone = (await h.ctx.devices.create({ platform: 'ios', ownership: 'personal', name: `BYOD ${type}` })).id;
        const res = await call('POST', '/api/v1/commands', { type, target: { deviceIds: [personalPhone] } });
        expect(res.statusCode).toBe(409);
        expect(res.json().error).toMatchObject({ code: 'personal_device', details: { deviceId: personalPhone, intent: type } });
      }
      const mixed = (await h.ctx.groups.create({ name: 'Mixed', kind: 'static' })).id;
      const own = (await h.ctx.devices.create({ platform: 'ios', ownership: 'personal', name: 'Own' })).id;
      const corp = (await h.ctx.devices.create({ platform: 'ios', ownership: 'corporate', name: 'Corp' })).id;
      await h.ctx.groups.addMembers(mixed, [own, corp]);
      const res = await call('POST', '/api/v1/commands', { type: 'locate', target: { groupId: mixed } });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ skipped: 1, command: { deviceCount: 1 } });
    });

    it('BYOD: no location and no app inventory is stored for a personal device', async () => {
      await h.ctx.devices.applyInventory(personalMac, {
        facts: { location: { latitude: 1, longitude: 2 }, apps: [{ identifier: 'com.private' }], managedApps: [{ identifier: 'com.work' }] },
      });
      const inventory = JSON.parse((await h.ctx.devices.get(personalMac))?.inventory ?? '{}');
      expect(inventory.location).toBeUndefined();
      expect(inventory.apps).toBeUndefined();
      expect(inventory.managedApps).toEqual([{ identifier: 'com.work' }]);
      await h.ctx.devices.applyInventory(iphone, { facts: { location: { latitude: 1, longitude: 2 } } });
      expect(JSON.parse((await h.ctx.devices.get(iphone))?.inventory ?? '{}').location).toEqual({ latitude: 1, longitude: 2 });
    });

    it('group membership changes mark the devices for the reconciler', async () => {
      await h.ctx.database.db.deleteFrom('reconcile_dirty').execute();
      const newcomer = (await h.ctx.devices.create({ platform: 'ios', ownership: 'corporate', name: 'Newcomer' })).id;
      await h.ctx.database.db.deleteFrom('reconcile_dirty').execute();
      const res = await call('POST', `/api/v1/groups/${group}/members`, { add: [newcomer] });
      expect(res.statusCode).toBe(200);
      const dirty = await h.ctx.database.db.selectFrom('reconcile_dirty').select('device_id').execute();
      expect(dirty.map((d) => d.device_id)).toEqual([newcomer]);
      const effective = (await call('GET', `/api/v1/devices/${newcomer}/effective-policy`)).json();
      expect(effective.policies.map((p: { policyName: string }) => p.policyName)).toEqual(['Executives', 'Baseline']);
    });

    it('deleting a policy leaves its devices dirty for the reconciler and audits the change', async () => {
      const list = (await call('GET', '/api/v1/policies')).json().items;
      const baseline = list.find((p: { name: string }) => p.name === 'Baseline');
      await h.ctx.database.db.deleteFrom('reconcile_dirty').execute();
      const res = await call('DELETE', `/api/v1/policies/${baseline.id}`);
      expect(res.statusCode).toBe(204);
      const dirty = await h.ctx.database.db.selectFrom('reconcile_dirty').select('device_id').execute();
      const members = await h.ctx.database.db.selectFrom('group_members').select('device_id').where('group_id', '=', group).execute();
      expect(members.map((m) => m.device_id)).toEqual(expect.arrayContaining([iphone, personalMac, pc]));
      expect(dirty.map((d) => d.device_id).sort()).toEqual(members.map((m) => m.device_id).sort());
      const audit = await h.auditFor(String(res.headers['x-request-id']));
      expect(audit[0]).toMatchObject({ action: 'policies.delete', target_type: 'policy', target_id: baseline.id });
    });
  });
}
