import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { type Context, createContext } from '../../context.js';
import { TEST_DATABASES } from '../../test-support/databases.js';
import { AndroidRepository } from './android-repository.js';
import { AndroidService } from './android-service.js';

const ENTERPRISE = 'enterprises/LC0test';
const envelope = (type: string, resource: unknown, messageId: string) => ({
  message: { data: Buffer.from(JSON.stringify(resource)).toString('base64'), attributes: { notificationType: type }, messageId },
});

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`Android Pub/Sub handling on ${database.dialect}`, () => {
    let ctx: Context;
    let drop: () => Promise<void>;
    let service: AndroidService;

    beforeAll(async () => {
      const created = await database.create();
      drop = created.drop;
      ctx = await createContext(loadConfig({ dataDir: created.dataDir, databaseUrl: created.url, noTls: true }));
      service = new AndroidService(ctx, new AndroidRepository(ctx.database.db), pino({ level: 'silent' }));
      await service.enterprise();
      await service.repo.updateEnterprise({ enterprise_name: ENTERPRISE });
    });
    afterAll(async () => {
      await ctx?.close();
      await drop?.();
    });

    it('enrolls a device once, with the enrollment’s ownership and group, and ignores redeliveries, stale reports and other enterprises', async () => {
      const row = await service.enterprise();
      const group = await ctx.groups.create({ name: `android-${database.dialect}`, kind: 'static' });
      const { row: enrollment } = await ctx.enrollments.create({
        name: 'BYOD',
        platform: 'android',
        ownership: 'personal',
        groupId: group.id,
        assignedUser: 'ana@example.com',
      });
      const device = {
        name: `${ENTERPRISE}/devices/d1`,
        state: 'ACTIVE',
        managementMode: 'PROFILE_OWNER',
        enrollmentTokenData: JSON.stringify({ steward: enrollment.id }),
        hardwareInfo: { brand: 'Google', model: 'Pixel 7', serialNumber: 'PG1' },
        softwareInfo: { androidVersion: '14' },
        lastStatusReportTime: '2026-01-01T10:00:00.123456789Z',
      };
      expect(await service.handlePush(envelope('ENROLLMENT', device, 'm1'), row)).toBe('processed');
      expect(await service.handlePush(envelope('ENROLLMENT', device, 'm1'), row)).toBe('duplicate');
      // Two deliveries of the same device under different ids at once create one device.
      const both = await Promise.all([
        service.handlePush(envelope('STATUS_REPORT', { ...device, lastStatusReportTime: '2026-01-01T10:05:00Z' }, 'm2'), row),
        service.handlePush(envelope('STATUS_REPORT', { ...device, lastStatusReportTime: '2026-01-01T10:06:00Z' }, 'm3'), row),
      ]);
      expect(both.sort()).toEqual(['processed', 'processed']);
      const android = await service.repo.byName(device.name);
      const steward = await ctx.devices.get(android?.device_id as string);
      expect(steward).toMatchObject({
        channel: 'android',
        platform: 'android',
        ownership: 'personal',
        assigned_user: 'ana@example.com',
        model: 'Pixel 7',
        os_version: '14',
      });
      expect(await ctx.groups.groupIdsOf(steward?.id as string)).toContain(group.id);
      expect((await ctx.enrollments.get(enrollment.id))?.uses).toBe(1);
      const { total } = await ctx.devices.list({ filter: { platform: ['android'] }, sort: 'name', order: 'asc', offset: 0, limit: 10 });
      expect(total).toBe(1);

      expect(
        await service.handlePush(
          envelope('STATUS_REPORT', { ...device, softwareInfo: { androidVersion: '13' }, lastStatusReportTime: '2026-01-01T09:00:00Z' }, 'm4'),
          row,
        ),
      ).toBe('stale');
      expect((await ctx.devices.get(steward?.id as string))?.os_version).toBe('14');
      expect(await service.handlePush(envelope('STATUS_REPORT', { ...device, name: 'enterprises/other/devices/d1' }, 'm5'), row)).toBe('foreign');
      expect(await service.handlePush(envelope('USAGE_LOGS', device, 'm6'), row)).toBe('ignored');
      expect(await service.handlePush({ message: { data: '***', attributes: { notificationType: 'STATUS_REPORT' }, messageId: 'm7' } }, row)).toBe('malformed');
      expect(
        await service.handlePush(envelope('STATUS_REPORT', { ...device, state: 'DELETED', lastStatusReportTime: '2026-01-01T11:00:00Z' }, 'm8'), row),
      ).toBe('processed');
      expect((await ctx.devices.get(steward?.id as string))?.enrollment_state).toBe('unenrolled');

      // A wait whose delivery is no longer out (expired, cancelled) is pruned by the reconciliation.
      const wait = { device_id: steward?.id as string, kind: 'policy', operation_name: null, policy_name: 'p', policy_version: '1', created_at: Date.now() };
      await service.repo.addPending({ ...wait, command_id: '0190f5a2-0000-7000-8000-00000000dead' });
      expect(await service.repo.prunePending()).toBe(1);
      expect(await service.repo.pendingFor(steward?.id as string, 'policy')).toEqual([]);
    });

    it('refuses a push without the right secret, in constant time', async () => {
      await expect(service.checkPushSecret('wrong')).rejects.toMatchObject({ code: 'pubsub_unauthenticated' });
      await expect(service.checkPushSecret(undefined)).rejects.toMatchObject({ code: 'pubsub_unauthenticated' });
      const row = await service.enterprise();
      await expect(service.checkPushSecret(service.pushSecret(row))).resolves.toMatchObject({ id: 'default' });
    });
  });
}
