import type { FastifyBaseLogger } from 'fastify';
import type { Context } from '../context.js';
import { RECONCILE_JOB_KEY } from '../core/policies/dirty.js';
import { Reconciler } from '../core/policies/reconciler.js';
import type { Adapters } from '../protocols/index.js';
import type { JobHandler, PeriodicJob } from './job-runner.js';

/** How often the reconciler looks at the dirty set; changes also wake it at once (`JobQueue.wake`). */
export const RECONCILE_EVERY_MS = 15_000;
/** How often command results are read back into configuration states. */
export const OUTCOMES_EVERY_MS = 10_000;
/** A full pass now and then catches what no event announces (an OS update deadline passing). */
export const SWEEP_EVERY_MS = 6 * 3_600_000;

/** The reconciler for this process, with the channels' translators and wake-ups. */
export function createReconciler(ctx: Context, adapters: Adapters | undefined): Reconciler {
  return new Reconciler(ctx.database.db, ctx.database.dialect, ctx.commands, () => adapters?.translators ?? [], {
    commandTtlMs: ctx.config.commandTtlSeconds * 1000,
    compliance: ctx.compliance,
    events: ctx.events,
  });
}

/**
 * The reconciler as periodic jobs on the job table, so one node at a time runs it. After each pass
 * the channels are told about the commands it enqueued (Apple pushes the devices).
 */
export function createReconcileJobs(
  ctx: Context,
  log: FastifyBaseLogger,
  adapters: Adapters | undefined,
): { jobs: Record<string, JobHandler>; periodic: PeriodicJob[] } {
  const reconciler = createReconciler(ctx, adapters);
  return {
    jobs: {
      // Changes wake this one (JobQueue.wake), so it does only the enqueue side: the dirty devices.
      'policies.reconcile': async () => {
        const { commandIds, ...stats } = await reconciler.reconcileDirty();
        if (stats.commands > 0) log.info(stats, 'reconciled');
        // Such devices stay dirty and are tried again on the next pass; say so where an operator looks.
        if (stats.failedDevices > 0) log.warn(stats, 'some devices could not be reconciled');
        // Through the notifier, so devices held by other nodes (agents' long polls) wake too.
        for (const id of commandIds) await ctx.notifier.notify('commands', { commandId: id }).catch((error) => log.warn({ err: error }, 'wake-up failed'));
      },
      // Results move states on (installed, failed); a failure marks the device dirty and wakes the reconciler to retry.
      'policies.outcomes': async () => {
        const changed = await reconciler.syncOutcomes();
        if (changed > 0) await ctx.jobs.wake(RECONCILE_JOB_KEY);
      },
      'policies.sweep': async () => {
        await ctx.policies.markAll();
        // Reconcile what it marked now, not at the reconciler's next period (15 s).
        await ctx.jobs.wake(RECONCILE_JOB_KEY);
      },
    },
    periodic: [
      { kind: 'policies.reconcile', everyMs: RECONCILE_EVERY_MS },
      { kind: 'policies.outcomes', everyMs: OUTCOMES_EVERY_MS },
      { kind: 'policies.sweep', everyMs: SWEEP_EVERY_MS },
    ],
  };
}
