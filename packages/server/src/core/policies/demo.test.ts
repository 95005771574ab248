import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { type Context, createContext } from '../../context.js';
import { createApplePolicyTranslator } from '../../protocols/apple/policy.js';
import { TEST_DATABASES } from '../../test-support/databases.js';
import { seedDemo } from './demo.js';
import { DesiredStateSnapshot } from './desired-state.js';
import { Reconciler } from './reconciler.js';

const sqlite = TEST_DATABASES[0];

describe('steward demo', () => {
  let ctx: Context;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const created = await sqlite!.create();
    drop = created.drop;
    ctx = await createContext(loadConfig({ dataDir: created.dataDir, databaseUrl: created.url, noTls: true, listen: '127.0.0.1:0', logLevel: 'silent' }));
  });
  afterAll(async () => {
    await ctx?.close();
    await drop?.();
  });

  const counts = async () => {
    const db = ctx.database.db;
    const n = async (table: 'groups' | 'policies' | 'apps' | 'assignments' | 'os_update_targets' | 'devices' | 'group_members') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      groups: await n('groups'),
      policies: await n('policies'),
      apps: await n('apps'),
      assignments: await n('assignments'),
      targets: await n('os_update_targets'),
      devices: await n('devices'),
      members: await n('group_members'),
    };
  };

  it('seeds groups, a policy each, apps, an OS target and devices; running it again changes nothing', async () => {
    const first = await seedDemo(ctx, { devices: 9 });
    expect(Object.keys(first.groups)).toEqual(['executives', 'developers', 'field']);
    const before = await counts();
    expect(before).toMatchObject({ groups: 3, policies: 3, apps: 5, targets: 1, devices: 9, members: 9 });
    await seedDemo(ctx, { devices: 9 });
    expect(await counts()).toEqual(before);
  });

  it("a field worker's effective policy is the 6-digit passcode, encryption and no camera, and the reconciler sends it", async () => {
    const field = (await ctx.groups.findByName('Field workers'))?.id as string;
    const members = await ctx.database.db.selectFrom('group_members').select('device_id').where('group_id', '=', field).execute();
    const iphone = await ctx.database.db
      .selectFrom('devices')
      .selectAll()
      .where(
        'id',
        'in',
        members.map((m) => m.device_id),
      )
      .where('platform', '=', 'ios')
      .executeTakeFirstOrThrow();
    const translators = [createApplePolicyTranslator({ publicUrl: 'https://demo.example.com' })];
    const snapshot = await DesiredStateSnapshot.load(ctx.database.db, translators);
    const desired = snapshot.forDevice(
      {
        id: iphone.id,
        platform: 'ios',
        channel: 'apple',
        ownership: iphone.ownership as 'corporate',
        assignedUser: iphone.assigned_user,
        osVersion: iphone.os_version,
      },
      [field],
    );
    expect(desired.effective.settings).toMatchObject({
      passcode: { minLength: 6, complexity: 'numeric' },
      encryption: { required: true },
      restrictions: { camera: false },
    });
    expect(desired.apps.map((a) => `${a.identifier}:${a.install}`).sort()).toEqual(['com.example.fieldservice:required', 'com.zhiliaoapp.musically:blocked']);
    const reconciler = new Reconciler(ctx.database.db, ctx.database.dialect, ctx.commands, () => translators, { commandTtlMs: 60_000 });
    const stats = await reconciler.run();
    expect(stats.commands).toBeGreaterThan(0);
    expect((await reconciler.run()).commands).toBe(0);
  });
});
