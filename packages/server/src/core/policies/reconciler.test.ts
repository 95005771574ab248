import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { type Context, createContext } from '../../context.js';
import { createApplePolicyTranslator } from '../../protocols/apple/policy.js';
import { TEST_DATABASES } from '../../test-support/databases.js';
import type { Platform } from '../devices/device-model.js';
import type { PolicyTranslator } from './policy-model.js';
import { Reconciler } from './reconciler.js';

const RAW = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>PayloadType</key><string>Configuration</string><key>PayloadVersion</key><integer>1</integer>
<key>PayloadIdentifier</key><string>com.example.wallpaper</string><key>PayloadUUID</key><string>5D2C1A4E-7B8F-4C3D-9E2A-1F0B6C7D8E9F</string>
<key>PayloadContent</key><array><dict><key>PayloadType</key><string>com.apple.airprint</string><key>PayloadVersion</key><integer>1</integer>
<key>PayloadIdentifier</key><string>com.example.wallpaper.airprint</string><key>PayloadUUID</key><string>6E3D2B5F-8C9A-4D4E-8F3B-2A1C7D8E9F0A</string></dict></array>
</dict></plist>`;

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`reconciler on ${database.dialect}`, () => {
    let ctx: Context;
    let drop: () => Promise<void>;
    let translators: PolicyTranslator[];
    let reconciler: Reconciler;
    let group: string;
    const members: string[] = [];
    const outsiders: string[] = [];
    let windowsDevice: string;
    let policyId: string;

    const deliveries = async (deviceId: string) =>
      ctx.database.db
        .selectFrom('command_deliveries')
        .innerJoin('commands', 'commands.id', 'command_deliveries.command_id')
        .select(['commands.type', 'commands.payload', 'command_deliveries.command_id', 'command_deliveries.state'])
        .where('command_deliveries.device_id', '=', deviceId)
        .orderBy('command_deliveries.seq')
        .execute();
    const states = async (deviceId: string) =>
      ctx.database.db.selectFrom('configuration_states').selectAll().where('device_id', '=', deviceId).orderBy('key').execute();
    const totalDeliveries = async () =>
      Number(
        (
          await ctx.database.db
            .selectFrom('command_deliveries')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    /** The device answers every command it was sent. */
    const answerAll = async (deviceId: string, outcome: 'acknowledged' | 'error' = 'acknowledged') => {
      for (const d of await deliveries(deviceId)) {
        if (d.state !== 'queued') continue;
        await ctx.commands.markSent(deviceId, d.command_id);
        await ctx.commands.recordResult(
          deviceId,
          d.command_id,
          outcome,
          outcome === 'error' ? { ErrorChain: [{ LocalizedDescription: 'Profile rejected' }] } : {},
        );
      }
    };

    beforeAll(async () => {
      const created = await database.create();
      drop = created.drop;
      ctx = await createContext(loadConfig({ dataDir: created.dataDir, databaseUrl: created.url, noTls: true, listen: '127.0.0.1:0', logLevel: 'silent' }));
      translators = [createApplePolicyTranslator({ publicUrl: 'https://mdm.example.com' })];
      reconciler = new Reconciler(ctx.database.db, ctx.database.dialect, ctx.commands, () => translators, {
        commandTtlMs: 86_400_000,
        batchSize: 7,
        compliance: ctx.compliance,
        events: ctx.events,
      });
      group = (await ctx.groups.create({ name: 'Field workers', kind: 'static' })).id;
      for (let i = 0; i < 20; i++) {
        const platform: Platform = i % 4 === 0 ? 'macos' : 'ios';
        const d = await ctx.devices.create({ platform, ownership: 'corporate', name: `field-${i}`, osVersion: i % 2 ? '18.3' : '17.5' });
        members.push(d.id);
      }
      windowsDevice = (await ctx.devices.create({ platform: 'windows', ownership: 'corporate', name: 'field-pc' })).id;
      for (let i = 0; i < 5; i++) outsiders.push((await ctx.devices.create({ platform: 'ios', ownership: 'corporate', name: `office-${i}` })).id);
      await ctx.groups.addMembers(group, [...members, windowsDevice]);
      policyId = (
        await ctx.policies.createPolicy({
          name: 'Field security',
          settings: { passcode: { minLength: 6, complexity: 'numeric' }, encryption: { required: true }, restrictions: { camera: false } },
          priority: 10,
        })
      ).id;
      await ctx.policies.setAssignments('policy', policyId, [{ groupId: group }]);
      const profile = await ctx.policies.createProfile({
        name: 'AirPrint',
        channel: 'apple',
        identifier: 'com.example.wallpaper',
        content: RAW,
        validated: true,
      });
      await ctx.policies.setAssignments('profile', profile.id, [{ groupId: group }]);
      const app = await ctx.policies.createApp({ name: 'Work', platform: 'ios', kind: 'store', identifier: 'com.example.work' });
      await ctx.policies.setAssignments('app', app.id, [{ groupId: group, install: 'required' }]);
      await ctx.policies.upsertOsTarget({ groupId: group, platform: 'ios', minimumVersion: '18.2', deadline: null });
    });
    afterAll(async () => {
      await ctx?.close();
      await drop?.();
    });

    it('from scratch: every member gets exactly what closes its gap, outsiders and untranslatable channels nothing', async () => {
      const stats = await reconciler.run();
      expect(stats.failedDevices).toBe(0);
      for (const [i, id] of members.entries()) {
        const types = (await deliveries(id)).map((d) => d.type).sort();
        const expected = ['apply_configuration', 'apply_configuration'];
        if (i % 4 !== 0) expected.push('install_app');
        if (i % 4 !== 0 && i % 2 === 0) expected.push('os_update');
        expect(types, `device ${i}`).toEqual(expected.sort());
        for (const s of await states(id)) expect(s.state).toBe(s.item_type === 'os_update' && i % 2 ? 'installed' : 'installing');
      }
      for (const id of outsiders) expect(await deliveries(id)).toEqual([]);
      // Windows has no translator here: skipped, not crashed, nothing recorded.
      expect(await deliveries(windowsDevice)).toEqual([]);
      const policyState = (await states(members[1] as string)).find((s) => s.item_type === 'policy');
      expect(policyState?.item_id).toBe(policyId);
      expect(policyState?.key).toMatch(/^policy\.[0-9a-f-]{36}$/);
      expect(await reconciler.dirtyCount()).toBe(0);
    });

    it('a second run enqueues nothing', async () => {
      const before = await totalDeliveries();
      for (const id of [...members, ...outsiders]) await ctx.policies.markDevices([id]);
      const stats = await reconciler.run();
      expect(stats.commands).toBe(0);
      expect(await totalDeliveries()).toBe(before);
    });

    it('acknowledged → installed; error → failed with the reason, retried up to the cap', async () => {
      const ok = members[1] as string;
      const bad = members[3] as string;
      await answerAll(ok);
      await answerAll(bad, 'error');
      await ctx.database.db.deleteFrom('compliance_dirty').execute();
      await reconciler.syncOutcomes();
      // Compliance re-evaluates both (policy_installed reads these states); the failure is an event for webhooks.
      const complianceDirty = (await ctx.database.db.selectFrom('compliance_dirty').select('device_id').execute()).map((r) => r.device_id);
      expect(complianceDirty.sort()).toEqual([ok, bad].sort());
      const events = await ctx.database.db.selectFrom('events').select('payload').where('type', '=', 'policy.failed').execute();
      const payloads = events.map((e) => JSON.parse(e.payload) as Record<string, string>);
      const policyFailed = payloads.find((p) => p.deviceId === bad && p.key?.startsWith('policy.'));
      expect(policyFailed).toMatchObject({ deviceId: bad, itemId: policyId, name: 'Field security' });
      expect(policyFailed?.reason).toContain('Profile rejected');
      expect(payloads.every((p) => p.deviceId === bad)).toBe(true);
      expect((await states(ok)).filter((s) => s.item_type !== 'os_update').every((s) => s.state === 'installed')).toBe(true);
      const failed = (await states(bad)).filter((s) => s.item_type !== 'os_update');
      expect(failed.every((s) => s.state === 'failed')).toBe(true);
      expect(failed[0]?.reason).toContain('Profile rejected');
      // Retried (the device was marked dirty by the failure) until three attempts, then left failed.
      for (let attempt = 2; attempt <= 4; attempt++) {
        const stats = await reconciler.run();
        if (attempt <= 3) expect(stats.deliveries).toBe(failed.length);
        else expect(stats.deliveries).toBe(0);
        await answerAll(bad, 'error');
      }
      await reconciler.run();
      const final = (await states(bad)).filter((s) => s.item_type !== 'os_update');
      expect(final.every((s) => s.state === 'failed' && s.attempts === 3)).toBe(true);
    });

    it('a change reaches only the affected devices, as a new version under the same key', async () => {
      const before = await totalDeliveries();
      const keyBefore = (await states(members[0] as string)).find((s) => s.item_type === 'policy')?.key;
      await ctx.policies.updatePolicy(policyId, { settings: { passcode: { minLength: 8 }, encryption: { required: true }, restrictions: { camera: false } } });
      expect(await reconciler.dirtyCount()).toBe(members.length + 1);
      const stats = await reconciler.run();
      expect(stats.deliveries).toBe(members.length);
      expect(await totalDeliveries()).toBe(before + members.length);
      for (const id of outsiders) expect(await deliveries(id)).toEqual([]);
      const after = (await states(members[0] as string)).find((s) => s.item_type === 'policy');
      expect(after?.key).toBe(keyBefore);
      expect(after?.attempts).toBe(1);
    });

    it('killed mid-run: the rerun converges with no duplicate command', async () => {
      await ctx.policies.updatePolicy(policyId, { settings: { passcode: { minLength: 10 }, encryption: { required: true } } });
      const partial = await reconciler.run({ maxBatches: 1 });
      expect(partial.batches).toBe(1);
      expect(await reconciler.dirtyCount()).toBeGreaterThan(0);
      await reconciler.run();
      expect(await reconciler.dirtyCount()).toBe(0);
      for (const id of members) {
        const state = (await states(id)).find((s) => s.item_type === 'policy');
        const sends = (await deliveries(id)).filter((d) => d.type === 'apply_configuration' && JSON.parse(d.payload).version === state?.desired_version);
        expect(sends, id).toHaveLength(1);
        expect(state?.command_id).toBe(sends[0]?.command_id);
      }
      expect((await reconciler.run()).commands).toBe(0);
    });

    it('a failing item never blocks the others', async () => {
      const original = translators[0] as PolicyTranslator;
      translators = [
        {
          ...original,
          translate: (settings, target) => {
            if (target.platform === 'macos') throw new Error('broken translator');
            return original.translate(settings, target);
          },
        },
      ];
      await ctx.policies.updatePolicy(policyId, { settings: { passcode: { minLength: 12 } } });
      const stats = await reconciler.run();
      const macs = members.filter((_, i) => i % 4 === 0);
      expect(stats.failedDevices).toBe(0);
      expect(stats.deliveries).toBe(members.length - macs.length);
      expect(await reconciler.dirtyCount()).toBe(0);
      for (const id of macs) {
        const policy = (await states(id)).find((s) => s.item_type === 'policy');
        expect(policy).toMatchObject({ state: 'failed', reason: 'translation failed: broken translator' });
      }
      // Their raw profile still gets its update when it changes: the broken policy doesn't hold it back.
      const profile = await ctx.policies.listProfiles();
      await ctx.policies.updateProfile(profile[0]?.id as string, { content: RAW.replace('com.apple.airprint', 'com.apple.airplay') });
      const profileRun = await reconciler.run();
      expect(profileRun.deliveries).toBe(members.length);
      translators = [original];
      await ctx.policies.markDevices(macs);
      const again = await reconciler.run();
      expect(again.deliveries).toBe(macs.length);
      expect(await reconciler.dirtyCount()).toBe(0);
    });

    it('unassigning removes what was installed, by its identifier', async () => {
      await ctx.policies.setAssignments('policy', policyId, []);
      await reconciler.run();
      const id = members[5] as string;
      const removal = (await deliveries(id)).filter((d) => d.type === 'remove_configuration');
      expect(removal).toHaveLength(1);
      const params = JSON.parse(removal[0]?.payload ?? '{}');
      expect(params.key).toMatch(/^policy\./);
      expect(params.payload.identifier).toBe(`steward.${params.key}`);
      expect((await states(id)).find((s) => s.item_type === 'policy')?.state).toBe('removing');
      await answerAll(id);
      await reconciler.syncOutcomes();
      expect((await states(id)).find((s) => s.item_type === 'policy')?.state).toBe('removed');
      expect((await reconciler.run()).commands).toBe(0);
    });

    it('OS targets are satisfied from inventory; reported apps count as installed', async () => {
      const id = members[2] as string;
      await ctx.devices.applyInventory(id, { osVersion: '18.2', facts: { apps: [{ identifier: 'com.example.work' }] } });
      await reconciler.run();
      const byType = Object.fromEntries((await states(id)).map((s) => [s.item_type, s.state]));
      expect(byType.os_update).toBe('installed');
      expect(byType.app).toBe('installed');
    });
  });
}
