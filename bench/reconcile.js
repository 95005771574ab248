/**
 * The reconciler's scenarios, run in this process against the bench database: the reconciler is a
 * worker job with no HTTP in its path, so timing it directly is the honest measure (what a worker
 * node spends). Devices, groups and memberships are bulk-inserted; the Apple translator is the real one.
 *
 * - reconcile-full: every device dirty, nothing installed yet; one pass enqueues every device's
 *   policy configuration (devices × their merged policies, translated per platform and ownership).
 * - reconcile-incremental: one policy assigned to one group (a tenth of the fleet) changes; the
 *   time from the change to the new commands being enqueued for that group.
 */
import { performance } from 'node:perf_hooks';
import { Reconciler, createApplePolicyTranslator, createContext, loadConfig } from '@steward/server';

const GROUPS = 10;
const POLICIES = 20;
const PLATFORMS = ['ios', 'ipados', 'macos', 'ios', 'ios', 'macos', 'ipados', 'ios', 'ios', 'windows'];

const uuid = (prefix, n) => `${prefix}-0000-7000-8000-${String(n).padStart(12, '0')}`;

function policySettings(i) {
  return {
    passcode: { required: true, minLength: 4 + (i % 8), maxInactivityMinutes: 1 + (i % 15), ...(i % 3 === 0 ? { complexity: 'alphanumeric' } : {}) },
    encryption: { required: i % 2 === 0 },
    restrictions: { camera: i % 4 !== 0, screenCapture: i % 5 !== 0 },
    ...(i % 6 === 0 ? { wifi: [{ ssid: `Site-${i}`, security: 'wpa2-personal', password: 'bench-password' }] } : {}),
  };
}

export async function reconcileScenarios({ url, dataDir, devices, log }) {
  const ctx = await createContext(loadConfig({ dataDir, databaseUrl: url, noTls: true, listen: '127.0.0.1:0', logLevel: 'silent' }));
  try {
    const db = ctx.database.db;
    const seedStarted = performance.now();
    const now = Date.now();
    const groupIds = [];
    for (let g = 0; g < GROUPS; g++) groupIds.push((await ctx.groups.create({ name: `bench-group-${g}`, kind: 'static' })).id);
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < devices; i += 500) {
        const rows = [];
        for (let j = i; j < Math.min(devices, i + 500); j++) {
          const platform = PLATFORMS[j % PLATFORMS.length];
          rows.push({
            id: uuid('00000000', j),
            platform,
            channel: platform === 'windows' ? 'windows' : 'apple',
            ownership: j % 10 === 3 ? 'personal' : 'corporate',
            enrollment_state: 'enrolled',
            name: `bench-${j}`,
            os_version: '18.1',
            os_version_key: '000018.000001.000000.000000',
            compliance_state: 'unknown',
            inventory: '{}',
            created_at: now,
            updated_at: now,
          });
        }
        await trx.insertInto('devices').values(rows).execute();
        // Contiguous blocks: group g holds devices [g·n/10, (g+1)·n/10).
        await trx
          .insertInto('group_members')
          .values(rows.map((r, k) => ({ group_id: groupIds[Math.floor(((i + k) * GROUPS) / devices)], device_id: r.id, added_at: now })))
          .execute();
      }
    });
    // 20 policies: policy p goes to group p % 10; policy 0 (the baseline) to every group too.
    const policyIds = [];
    for (let p = 0; p < POLICIES; p++) {
      const row = await ctx.policies.createPolicy({ name: `bench-policy-${p}`, settings: policySettings(p), priority: p });
      policyIds.push(row.id);
      const groups = p === 0 ? groupIds : [groupIds[p % GROUPS]];
      await ctx.policies.setAssignments(
        'policy',
        row.id,
        groups.map((groupId) => ({ groupId })),
      );
    }
    await db.deleteFrom('reconcile_dirty').execute();
    const seedMs = performance.now() - seedStarted;
    log(`  seeded ${devices.toLocaleString('en')} devices, ${GROUPS} groups, ${POLICIES} policies in ${(seedMs / 1000).toFixed(1)} s`);

    const translators = [createApplePolicyTranslator({ publicUrl: 'https://bench.example.com' })];
    // As the worker builds it: compliance is told about changed states and failures are published, in the batch's transaction.
    const reconciler = new Reconciler(db, ctx.database.dialect, ctx.commands, () => translators, {
      commandTtlMs: 7 * 86_400_000,
      compliance: ctx.compliance,
      events: ctx.events,
    });

    const measure = async (body) => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const stats = await body();
      const elapsedMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      return { elapsedMs, cpuMs: (used.user + used.system) / 1000, stats };
    };

    const full = await measure(async () => {
      await ctx.policies.markAll();
      return reconciler.run();
    });
    const second = await measure(async () => {
      await ctx.policies.markAll();
      return reconciler.run();
    });
    log(`  full: ${full.stats.deliveries} deliveries in ${(full.elapsedMs / 1000).toFixed(1)} s; second pass ${second.stats.commands} commands`);

    // Policy 5 is assigned to group 5 only: a tenth of the fleet.
    const changed = policyIds[5];
    // What a change costs until its commands are enqueued: mark the group dirty, reconcile it (the
    // worker's `policies.reconcile` job). Reading results back is the separate `policies.outcomes` job.
    const incremental = await measure(async () => {
      await ctx.policies.updatePolicy(changed, { settings: { ...policySettings(5), passcode: { required: true, minLength: 12 } } });
      return reconciler.reconcileDirty();
    });
    const outcomes = await measure(async () => ({
      devices: 0,
      batches: 0,
      commands: 0,
      deliveries: 0,
      failedDevices: 0,
      changed: await reconciler.syncOutcomes(),
    }));
    log(`  incremental: ${incremental.stats.deliveries} deliveries in ${(incremental.elapsedMs / 1000).toFixed(2)} s`);

    // Group g holds the devices whose index j has floor(j·10/n) = g; Windows devices there have no translator in this bench.
    const inGroup = (g) => Array.from({ length: devices }, (_, j) => j).filter((j) => Math.floor((j * GROUPS) / devices) === g);
    const pick = ({ stats, elapsedMs, cpuMs }) => ({
      elapsedMs: Math.round(elapsedMs),
      cpuMs: Math.round(cpuMs),
      devices: stats.devices,
      batches: stats.batches,
      commands: stats.commands,
      deliveries: stats.deliveries,
      failedDevices: stats.failedDevices,
    });
    return {
      setup: { seedMs: Math.round(seedMs), groups: GROUPS, policies: POLICIES, inProcess: true },
      'reconcile-full': {
        ...pick(full),
        secondPassCommands: second.stats.commands,
        secondPassMs: Math.round(second.elapsedMs),
        devicesPerSecond: Math.round(full.stats.devices / (full.elapsedMs / 1000)),
      },
      'reconcile-incremental': {
        ...pick(incremental),
        outcomeSyncMs: Math.round(outcomes.elapsedMs),
        groupDevices: inGroup(5).length,
        expectedDeliveries: inGroup(5).filter((j) => PLATFORMS[j % PLATFORMS.length] !== 'windows').length,
      },
    };
  } finally {
    await ctx.close();
  }
}
