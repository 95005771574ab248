import type { FastifyBaseLogger } from 'fastify';
import type { Context } from '../context.js';
import type { Adapters } from '../protocols/index.js';
import { JobRunner } from './job-runner.js';
import { createReconcileJobs } from './reconciler.js';

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
      ...reconcile.jobs,
      ...adapters?.jobs,
    },
    [{ kind: 'commands.expire', everyMs: 60_000 }, { kind: 'sessions.prune', everyMs: 3_600_000 }, ...reconcile.periodic, ...(adapters?.periodic ?? [])],
    log,
  );
}
