import type { FastifyBaseLogger } from 'fastify';
import type { Context } from '../context.js';
import type { Adapters } from '../protocols/index.js';
import { DELIVER_JOB } from '../core/webhooks/webhook-service.js';
import { JobRunner } from './job-runner.js';
import { createReconcileJobs } from './reconciler.js';

/**
 * Lease and poll interval of the job runner. The defaults suit production; the environment variables
 * `STEWARD_JOB_LEASE_MS` and `STEWARD_JOB_POLL_MS` exist for fault tests (a node killed mid-job is
 * replaced after the lease, so tests shorten it) and are documented in docs/operations.md.
 */
export function runnerTimings(env: NodeJS.ProcessEnv = process.env): { pollMs: number; leaseMs: number } {
  const read = (name: string, fallback: number, min: number) => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value >= min ? value : fallback;
  };
  return { pollMs: read('STEWARD_JOB_POLL_MS', 1000, 50), leaseMs: read('STEWARD_JOB_LEASE_MS', 60_000, 500) };
}

/** The background jobs every deployment runs, with their periods. */
export function createJobRunner(ctx: Context, log: FastifyBaseLogger, adapters?: Adapters): JobRunner {
  const { db } = ctx.database;
  const reconcile = createReconcileJobs(ctx, log, adapters);
  return new JobRunner(
    ctx.jobs,
    {
      'commands.expire': async () => {
        const expired = await ctx.commands.expireDue();
        if (expired) log.info({ expired }, 'expired undelivered commands');
      },
      'sessions.prune': async () => {
        await db.deleteFrom('sessions').where('expires_at', '<', Date.now()).execute();
      },
      'events.dispatch': async () => {
        await ctx.webhooks.dispatch();
      },
      'events.prune': async () => {
        await ctx.webhooks.repo.pruneEvents(Date.now() - 30 * 86_400_000);
      },
      [DELIVER_JOB]: async (job) => {
        const { deliveryId } = JSON.parse(job.payload) as { deliveryId: string };
        await ctx.webhooks.deliver(deliveryId);
      },
      'compliance.evaluate-dirty': async () => {
        // Bounded batches; a backlog larger than this is taken up again at once (the job is kicked).
        const { evaluated } = await ctx.compliance.evaluateDirty(2000);
        if (evaluated >= 2000) await ctx.compliance.repo.kickDirty();
      },
      'compliance.evaluate-all': async (job) => {
        // The periodic pass is a safety net (time-based rules, missed marks): changes are evaluated
        // as they happen through the dirty set. So a process start doesn't re-evaluate the whole
        // fleet at once; the first periodic pass only records that the clock started. An admin's
        // "evaluate now" (a non-periodic job) always runs.
        const periodic = job.unique_key === 'periodic:compliance.evaluate-all';
        if (periodic && (await ctx.settings.get<number>('compliance.fullPassStartedAt')) === undefined) {
          await ctx.settings.set('compliance.fullPassStartedAt', Date.now());
          return;
        }
        const stats = await ctx.compliance.evaluateAll();
        log.info(stats, 'compliance re-evaluated');
      },
      'compliance.actions': async () => {
        await ctx.compliance.runDueActions((commandId) => ctx.notifier.notify('commands', { commandId }));
      },
      'compliance.snapshot': async () => {
        await ctx.compliance.takeSnapshot();
      },
      'reports.schedules': async () => {
        await ctx.reportSchedules.runDue();
      },
      ...reconcile.jobs,
      ...adapters?.jobs,
    },
    [
      { kind: 'commands.expire', everyMs: 60_000 },
      { kind: 'sessions.prune', everyMs: 3_600_000 },
      { kind: 'events.dispatch', everyMs: 1000 },
      { kind: 'events.prune', everyMs: 86_400_000 },
      { kind: 'compliance.evaluate-dirty', everyMs: 5000 },
      // Time-based rules (last check-in) change without any event; the full pass catches them and any missed mark.
      { kind: 'compliance.evaluate-all', everyMs: 3_600_000 },
      { kind: 'compliance.actions', everyMs: 30_000 },
      { kind: 'compliance.snapshot', everyMs: 3_600_000 },
      { kind: 'reports.schedules', everyMs: 60_000 },
      ...reconcile.periodic,
      ...(adapters?.periodic ?? []),
    ],
    log,
    runnerTimings(),
  );
}
