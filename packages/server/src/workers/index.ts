import type { FastifyBaseLogger } from 'fastify';
import type { Context } from '../context.js';
import type { Adapters } from '../protocols/index.js';
import { JobRunner } from './job-runner.js';

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
      ...adapters?.jobs,
    },
    [{ kind: 'commands.expire', everyMs: 60_000 }, { kind: 'sessions.prune', everyMs: 3_600_000 }, ...(adapters?.periodic ?? [])],
    log,
    runnerTimings(),
  );
}
