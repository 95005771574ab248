import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { type Context, createContext } from '../context.js';
import type { EnqueueInput } from '../core/commands/command-queue.js';
import type { NewDevice } from '../core/devices/device-repository.js';
import { TEST_DATABASES } from '../test-support/databases.js';

const ALL_PLATFORMS = ['ios', 'ipados', 'macos', 'windows', 'android', 'linux'] as const;
const by = { type: 'user', id: null, label: 'tester' };
const lockTo = (target: EnqueueInput['target']): EnqueueInput => ({
  kind: 'intent',
  type: 'lock',
  platform: null,
  payload: {},
  target,
  platforms: ALL_PLATFORMS,
  createdBy: by,
  ttlMs: 3_600_000,
});

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`repositories on ${database.dialect}`, () => {
    let ctx: Context;
    let url: string;
    let dataDir: string;
    let drop: () => Promise<void>;
    const open = () => createContext(loadConfig({ dataDir, databaseUrl: url, noTls: true }));

    beforeAll(async () => {
      ({ url, dataDir, drop } = await database.create());
      ctx = await open();
    });
    afterAll(async () => {
      await ctx?.close();
      await drop?.();
    });

    const device = (overrides: Partial<NewDevice> = {}) =>
      ctx.devices.create({ platform: 'ios', ownership: 'corporate', name: 'iPhone', osVersion: '17.4', ...overrides });

    it('filters, searches, sorts and pages devices', async () => {
      const group = await ctx.groups.create({ name: 'filter-test', kind: 'static' });
      const made = [
        await device({ name: 'zz-alpha', osVersion: '9.3.5', serialNumber: 'SER%_1' }),
        await device({ name: 'zz-beta', osVersion: '18.2', platform: 'ipados' }),
        await device({ name: 'zz-gamma', osVersion: '17.10', platform: 'android', ownership: 'personal', assignedUser: 'ann@example.com' }),
      ];
      await ctx.groups.addMembers(group.id, [made[0]!.id, made[2]!.id]);
      const list = (filter: object, sort: 'name' | 'osVersion' = 'name', order: 'asc' | 'desc' = 'asc') =>
        ctx.devices.list({ filter: { search: 'zz-', ...filter }, sort, order, offset: 0, limit: 50 }).then((r) => r.items.map((d) => d.name));
      expect(await list({})).toEqual(['zz-alpha', 'zz-beta', 'zz-gamma']);
      expect(await list({}, 'osVersion')).toEqual(['zz-alpha', 'zz-gamma', 'zz-beta']);
      expect(await list({}, 'name', 'desc')).toEqual(['zz-gamma', 'zz-beta', 'zz-alpha']);
      expect(await list({ osVersionBelow: '17.5' })).toEqual(['zz-alpha']);
      expect(await list({ osVersionAtLeast: '17.5' })).toEqual(['zz-beta', 'zz-gamma']);
      expect(await list({ platform: ['ios', 'ipados'] })).toEqual(['zz-alpha', 'zz-beta']);
      expect(await list({ ownership: ['personal'] })).toEqual(['zz-gamma']);
      expect(await list({ groupId: group.id })).toEqual(['zz-alpha', 'zz-gamma']);
      expect(await list({ search: 'ANN@' })).toEqual(['zz-gamma']);
      // LIKE wildcards in the search are literal characters.
      expect(await list({ search: 'SER%_' })).toEqual(['zz-alpha']);
      expect(await list({ search: '%' })).toEqual(['zz-alpha']);
      const page = await ctx.devices.list({ filter: { search: 'zz-' }, sort: 'name', order: 'asc', offset: 1, limit: 1 });
      expect(page.total).toBe(3);
      expect(page.items.map((d) => d.name)).toEqual(['zz-beta']);
    });

    it('keeps smart group membership in step with inventory', async () => {
      const a = await device({ name: 'smart-a', osVersion: '16.0', model: 'iPhone15,2' });
      const smart = await ctx.groups.create({ name: 'old iPhones', kind: 'smart', filter: { platform: ['ios'], osVersionBelow: '17' } });
      expect(await ctx.groups.groupIdsOf(a.id)).toContain(smart.id);
      await ctx.devices.applyInventory(a.id, { osVersion: '17.1' });
      await ctx.groups.refreshSmartMembership([a.id]);
      expect(await ctx.groups.groupIdsOf(a.id)).not.toContain(smart.id);
      const b = await device({ name: 'smart-b', osVersion: '15.8' });
      await ctx.groups.refreshSmartMembership([b.id]);
      expect(await ctx.groups.groupIdsOf(b.id)).toContain(smart.id);
    });

    it('fans a command out to 10,000 devices in one transaction', async () => {
      const group = await ctx.groups.create({ name: 'fleet-10k', kind: 'static' });
      const now = Date.now();
      const rows = Array.from({ length: 10_000 }, (_, i) => ({
        id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
        platform: 'ios',
        ownership: 'corporate',
        enrollment_state: 'enrolled',
        name: `fleet-${i}`,
        serial_number: null,
        udid: null,
        hardware_id: null,
        imei: null,
        model: null,
        os_version: '18.0',
        os_version_key: null,
        assigned_user: null,
        compliance_state: 'unknown',
        last_seen_at: now,
        enrolled_at: now,
        inventory: '{}',
        created_at: now,
        updated_at: now,
      }));
      for (let i = 0; i < rows.length; i += 1000)
        await ctx.database.db
          .insertInto('devices')
          .values(rows.slice(i, i + 1000))
          .execute();
      await ctx.groups.addMembers(
        group.id,
        rows.map((r) => r.id),
      );
      const { command, skipped } = await ctx.commands.enqueue(lockTo({ groupId: group.id }));
      expect(command.device_count).toBe(10_000);
      expect(skipped).toBe(0);
      const [counted] = await ctx.commands.withCounts([command]);
      expect(counted?.counts.queued).toBe(10_000);
    });

    it('writes nothing when fan-out fails midway', async () => {
      const before = await ctx.database.db
        .selectFrom('commands')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      // Every device in the target is personal, and wipe is corporate-only: empty target, rolled back.
      const personal = await device({ name: 'personal-only', ownership: 'personal' });
      await expect(ctx.commands.enqueue({ ...lockTo({ deviceIds: [personal.id] }), type: 'wipe', ownership: ['corporate'] })).rejects.toMatchObject({
        code: 'empty_target',
      });
      const after = await ctx.database.db
        .selectFrom('commands')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });

    it('delivers in per-device order, records results once, refuses unknown results', async () => {
      const d = await device({ name: 'order' });
      const first = (await ctx.commands.enqueue(lockTo({ deviceIds: [d.id] }))).command;
      const second = (await ctx.commands.enqueue({ ...lockTo({ deviceIds: [d.id] }), type: 'restart' })).command;
      expect(await ctx.commands.recordResult(d.id, first.id, 'acknowledged', {})).toBe('unknown');
      const next = await ctx.commands.next(d.id);
      expect(next?.command.id).toBe(first.id);
      await ctx.commands.markSent(d.id, first.id);
      // NotNow keeps the command; skipping it for the rest of the session reveals the next one.
      expect(await ctx.commands.recordResult(d.id, first.id, 'not_now', { Status: 'NotNow' })).toBe('recorded');
      expect((await ctx.commands.next(d.id, [first.id]))?.command.id).toBe(second.id);
      expect((await ctx.commands.next(d.id))?.command.id).toBe(first.id);
      await ctx.commands.markSent(d.id, first.id);
      expect(await ctx.commands.recordResult(d.id, first.id, 'acknowledged', { ok: 1 })).toBe('recorded');
      expect(await ctx.commands.recordResult(d.id, first.id, 'acknowledged', { ok: 2 })).toBe('duplicate');
      expect(await ctx.commands.recordResult(d.id, first.id, 'error', { ok: 3 })).toBe('duplicate');
      const stored = await ctx.commands.delivery(d.id, first.id);
      expect(stored?.state).toBe('acknowledged');
      expect(JSON.parse(stored?.result ?? 'null')).toEqual({ ok: 1 });
      expect(stored?.attempts).toBe(2);
      expect((await ctx.commands.next(d.id))?.command.id).toBe(second.id);
    });

    it('leaves deferred deliveries out until the next Idle, and marks sent inside a caller’s transaction', async () => {
      const d = await device({ name: 'deferred' });
      const first = (await ctx.commands.enqueue(lockTo({ deviceIds: [d.id] }))).command;
      const second = (await ctx.commands.enqueue({ ...lockTo({ deviceIds: [d.id] }), type: 'restart' })).command;
      // A rolled-back transaction takes its markSent with it.
      await expect(
        ctx.database.db.transaction().execute(async (trx) => {
          await ctx.commands.markSent(d.id, first.id, trx);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect((await ctx.commands.delivery(d.id, first.id))?.state).toBe('queued');
      await ctx.database.db.transaction().execute((trx) => ctx.commands.markSent(d.id, first.id, trx));
      expect((await ctx.commands.delivery(d.id, first.id))?.state).toBe('sent');
      expect(await ctx.commands.recordResult(d.id, first.id, 'not_now', { Status: 'NotNow' })).toBe('recorded');
      expect((await ctx.commands.next(d.id, [], { deferred: false }))?.command.id).toBe(second.id);
      expect((await ctx.commands.next(d.id))?.command.id).toBe(first.id);
      await ctx.commands.markSent(d.id, second.id);
      expect(await ctx.commands.recordResult(d.id, second.id, 'error', { code: 1 })).toBe('recorded');
      expect((await ctx.commands.delivery(d.id, second.id))?.error).toBe('{"code":1}');
      expect(await ctx.commands.next(d.id, [], { deferred: false })).toBeUndefined();
      expect(await ctx.commands.next(d.id, [first.id])).toBeUndefined();
      expect((await ctx.commands.next(d.id))?.delivery.state).toBe('not_now');
    });

    it('cancels only what has not been sent, and expires what is overdue', async () => {
      const [a, b] = [await device({ name: 'cancel-a' }), await device({ name: 'cancel-b' })];
      const { command } = await ctx.commands.enqueue(lockTo({ deviceIds: [a.id, b.id] }));
      await ctx.commands.markSent(a.id, command.id);
      expect(await ctx.commands.cancel(command.id)).toBe(1);
      expect((await ctx.commands.delivery(b.id, command.id))?.state).toBe('cancelled');
      expect((await ctx.commands.delivery(a.id, command.id))?.state).toBe('sent');
      expect(await ctx.commands.cancel(command.id)).toBe(0);
      expect(await ctx.commands.expireDue(command.expires_at + 1)).toBeGreaterThanOrEqual(1);
      expect((await ctx.commands.delivery(a.id, command.id))?.state).toBe('expired');
      expect(await ctx.commands.next(a.id)).toBeUndefined();
    });

    it('removes a deleted device’s command history with it', async () => {
      const d = await device({ name: 'to-delete' });
      const { command } = await ctx.commands.enqueue(lockTo({ deviceIds: [d.id] }));
      await ctx.devices.delete(d.id);
      expect(await ctx.devices.get(d.id)).toBeUndefined();
      expect(await ctx.commands.delivery(d.id, command.id)).toBeUndefined();
    });

    it('hands each job to exactly one of several concurrent claimers', async () => {
      for (let i = 0; i < 20; i++) await ctx.jobs.enqueue('test.claim', { i });
      const claimed: string[] = [];
      await Promise.all(
        Array.from({ length: 4 }, async (_, w) => {
          for (;;) {
            const job = await ctx.jobs.claim(`worker-${w}`, ['test.claim'], 60_000);
            if (!job) return;
            claimed.push(job.id);
            await ctx.jobs.complete(job.id, `worker-${w}`);
          }
        }),
      );
      expect(claimed).toHaveLength(20);
      expect(new Set(claimed).size).toBe(20);
      expect(await ctx.jobs.enqueue('test.unique', {}, { uniqueKey: 'u1' })).toBeDefined();
      expect(await ctx.jobs.enqueue('test.unique', {}, { uniqueKey: 'u1' })).toBeUndefined();
    });

    it('takes over a job whose lease ran out', async () => {
      await ctx.jobs.enqueue('test.lease', {});
      const job = await ctx.jobs.claim('dead-node', ['test.lease'], 1000);
      expect(job).toBeDefined();
      expect(await ctx.jobs.claim('live-node', ['test.lease'], 1000)).toBeUndefined();
      const later = await ctx.jobs.claim('live-node', ['test.lease'], 1000, Date.now() + 2000);
      expect(later?.id).toBe(job?.id);
      // The dead node's late completion is ignored; the live node owns the job now.
      expect(await ctx.jobs.complete(job!.id, 'dead-node')).toBe(false);
      expect(await ctx.jobs.complete(job!.id, 'live-node')).toBe(true);
    });

    it('keeps the audit log append-only, in the database itself', async () => {
      const id = await ctx.audit.append({ actorType: 'system', action: 'test.append', outcome: 'success' });
      await expect(sql`UPDATE audit_events SET action = 'tampered' WHERE id = ${id}`.execute(ctx.database.db)).rejects.toThrow(/append-only/);
      await expect(sql`DELETE FROM audit_events WHERE id = ${id}`.execute(ctx.database.db)).rejects.toThrow(/append-only/);
      const [row] = await ctx.audit.list({ action: 'test.append', limit: 1 });
      expect(row?.id).toBe(id);
    });

    it('stores hostile strings literally', async () => {
      // NUL bytes never reach storage: the API refuses them (PostgreSQL text can't hold them).
      const names = ['${7*7}', '{{7*7}}', "'; DROP TABLE devices; --", 'x'.repeat(10_000), '\u202eevil', '😀', 'back\\slash'];
      for (const name of names) {
        const d = await device({ name });
        expect((await ctx.devices.get(d.id))?.name).toBe(name);
      }
      expect(await ctx.devices.get('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    });

    it('keeps everything across a restart', async () => {
      const d = await device({ name: 'survivor' });
      const { command } = await ctx.commands.enqueue(lockTo({ deviceIds: [d.id] }));
      const user = await ctx.auth.createUser({ email: `restart-${database.dialect}@example.com`, password: 'correct horse battery', role: 'auditor' });
      const caPem = ctx.ca.certificatePem;
      await ctx.close();
      ctx = await open();
      expect((await ctx.devices.get(d.id))?.name).toBe('survivor');
      expect((await ctx.commands.delivery(d.id, command.id))?.state).toBe('queued');
      expect((await ctx.users.findById(user.id))?.email).toBe(user.email);
      expect(ctx.ca.certificatePem).toBe(caPem);
    });
  });
}
