import type { FastifyBaseLogger } from 'fastify';
import type { RouteModule } from '../api/route-config.js';
import type { Context } from '../context.js';
import { RECONCILE_JOB_KEY, markDirty } from '../core/policies/dirty.js';
import type { PolicyTranslator } from '../core/policies/policy-model.js';
import type { JobHandler, PeriodicJob } from '../workers/job-runner.js';
import type { PlatformAdapter } from './adapter.js';
import { createAgentAdapter } from './agent/adapter.js';
import { createAndroidAdapter } from './android/adapter.js';
import { createAppleAdapter } from './apple/adapter.js';
import { createWindowsAdapter } from './windows/adapter.js';

/** What the protocol adapters add to a Steward process: routes, background jobs, and wake-ups. */
export interface Adapters {
  readonly list: readonly PlatformAdapter[];
  readonly routes: RouteModule[];
  readonly jobs: Readonly<Record<string, JobHandler>>;
  readonly periodic: readonly PeriodicJob[];
  /** Each channel's policy translator (channels without one are reported as unsupported and skipped by the reconciler). */
  readonly translators: readonly PolicyTranslator[];
  /**
   * A command was enqueued (on this node when `local`, else on another): wake the devices it targets.
   * Don't call it directly after enqueueing: publish `commands` on `ctx.notifier`; `subscribeWakeUps`
   * calls this on every node.
   */
  commandEnqueued(commandId: string, origin?: { local: boolean }): Promise<void>;
  /** Called after devices joined or left groups: platforms whose configuration follows groups resync. */
  membershipChanged(deviceIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Builds every protocol adapter once per process; the core never imports them. */
export function createAdapters(ctx: Context, log: FastifyBaseLogger): Adapters {
  const list: PlatformAdapter[] = [createAppleAdapter(ctx, log), createWindowsAdapter(ctx, log), createAndroidAdapter(ctx, log), createAgentAdapter(ctx, log)];
  return {
    list,
    routes: list.flatMap((a) => a.routes),
    jobs: Object.assign({}, ...list.map((a) => a.jobs ?? {})),
    periodic: list.flatMap((a) => a.periodic ?? []),
    translators: list.flatMap((a) => (a.policy ? [a.policy] : [])),
    async commandEnqueued(commandId, origin = { local: true }) {
      for (const adapter of list) await adapter.commandEnqueued?.(commandId, origin);
    },
    async membershipChanged(deviceIds) {
      // Group membership decides policies, profiles, apps and OS targets: the reconciler looks at these devices next.
      await markDirty(ctx.database.db, deviceIds);
      await ctx.jobs.wake(RECONCILE_JOB_KEY);
      for (const adapter of list) await adapter.membershipChanged?.(deviceIds);
    },
    async close() {
      for (const adapter of list) await adapter.close?.();
    },
  };
}

/**
 * Connects the adapters to the notifier: a command enqueued on any node reaches every node's
 * `commandEnqueued`. Returns the unsubscribe function.
 */
export function subscribeWakeUps(ctx: Context, adapters: Adapters, log: FastifyBaseLogger): () => void {
  return ctx.notifier.subscribe('commands', async ({ commandId }, origin) => {
    try {
      await adapters.commandEnqueued(commandId, origin);
    } catch (error) {
      log.warn({ err: error, commandId }, 'wake-up after enqueue failed');
    }
  });
}
