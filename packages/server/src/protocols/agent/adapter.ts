import type { FastifyBaseLogger } from 'fastify';
import type { Context } from '../../context.js';
import type { PlatformAdapter } from '../adapter.js';
import { AgentRepository } from './agent-repository.js';
import { AgentService } from './agent-service.js';
import { AgentIdentityVerifier } from './identity.js';
import { LongPollRegistry } from './long-poll.js';
import { agentPolicyTranslator } from './policy.js';
import { agentRoutes } from './routes.js';

/** What the agent channel exposes beyond the adapter contract: the long-poll wake-up. */
export interface AgentAdapter extends PlatformAdapter {
  /**
   * These devices have commands waiting: answer their open long polls on this node. The adapter
   * calls it after a command is enqueued here; a cross-node notifier calls it for other nodes' commands.
   */
  wake(deviceIds: Iterable<string>): void;
  /** Open long polls on this node (metrics, tests). */
  readonly waiting: number;
}

/** The Steward agent: enrollment with a token and a CSR, mTLS check-ins, long-polled commands. */
export function createAgentAdapter(ctx: Context, log: FastifyBaseLogger): AgentAdapter {
  const repo = new AgentRepository(ctx.database.db);
  const service = new AgentService(ctx, repo);
  const verifier = new AgentIdentityVerifier(ctx.ca, ctx.config.clientCertHeader);
  const polls = new LongPollRegistry({
    take: (deviceIds) => service.take(deviceIds),
    onError: (error) => log.warn({ err: error }, 'agent command delivery failed'),
    // A fan-out to many agents is worth a line (the benchmark reads it); single deliveries only at debug.
    onDelivered: (d) =>
      log[d.polls >= 100 ? 'info' : 'debug'](
        {
          agentDelivery: {
            polls: d.polls,
            commands: d.commands,
            wokenAt: d.wokenAt,
            readMs: Math.round(d.readMs),
            answeredAt: d.answeredAt,
            writtenAt: d.writtenAt,
            totalMs: d.writtenAt - d.wokenAt,
          },
        },
        'agent long polls answered',
      ),
  });
  const wake = (deviceIds: Iterable<string>) => polls.wake(deviceIds);

  return {
    channel: 'agent',
    routes: [agentRoutes({ service, verifier, polls })],
    policy: agentPolicyTranslator,
    wake,
    get waiting() {
      return polls.size;
    },
    async commandEnqueued(commandId) {
      // Only worth a query when some agent is waiting here; agents not waiting get it on their next poll.
      if (polls.size === 0) return;
      wake(await repo.queuedDevices(commandId));
    },
    async close() {
      polls.close();
    },
  };
}
