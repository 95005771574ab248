import type { FastifyBaseLogger } from 'fastify';
import type { Context } from '../../context.js';
import type { PlatformAdapter } from '../adapter.js';
import { AndroidRepository } from './android-repository.js';
import { AndroidService } from './android-service.js';
import { androidPolicyTranslator } from './policy.js';
import { androidRoutes } from './routes.js';

/** Android Management API: enterprise binding, enrollment tokens, Pub/Sub sync, commands and policies. */
export function createAndroidAdapter(ctx: Context, log: FastifyBaseLogger): PlatformAdapter {
  const repo = new AndroidRepository(ctx.database.db);
  const service = new AndroidService(ctx, repo, log);
  const deliverSoon = (commandId: string) => {
    service.deliverCommand(commandId).catch((error) => log.warn({ err: error }, 'Android command delivery failed; the job retries'));
  };
  return {
    channel: 'android',
    routes: [androidRoutes(service)],
    policy: androidPolicyTranslator,
    jobs: {
      'android.deliver': async (job) => {
        const { commandId } = JSON.parse(job.payload) as { commandId: string };
        await service.deliverCommand(commandId);
      },
      'android.deliver-sweep': () => service.sweep(),
      'android.operations': async () => {
        await service.pollOperations();
      },
      'android.reconcile': async () => {
        await service.reconcile();
      },
    },
    periodic: [
      { kind: 'android.deliver-sweep', everyMs: 60_000 },
      { kind: 'android.operations', everyMs: 5_000 },
      { kind: 'android.reconcile', everyMs: 15 * 60_000 },
    ],
    async commandEnqueued(commandId, origin) {
      // Google is called once, by the node that enqueued; the others hear of it only to wake their devices.
      if (origin && !origin.local) return;
      const command = await ctx.commands.get(commandId);
      if (!command || (command.kind === 'raw' && command.platform !== 'android')) return;
      if (!(await repo.targetsAndroid(commandId))) return;
      // Durable safety net: if this attempt fails or the process stops, the job delivers later.
      await ctx.jobs.enqueue('android.deliver', { commandId }, { runAt: Date.now() + 15_000, maxAttempts: 20 });
      deliverSoon(commandId);
    },
  };
}
