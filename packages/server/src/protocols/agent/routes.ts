import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { RouteModule } from '../../api/route-config.js';
import { StewardError } from '../../core/errors.js';
import type { AgentService } from './agent-service.js';
import { type AgentIdentityVerifier, AgentIdentityError } from './identity.js';
import type { LongPollRegistry } from './long-poll.js';
import {
  AGENT_INVENTORY_BODY_LIMIT,
  AGENT_PATHS,
  AGENT_RESULT_BODY_LIMIT,
  CheckinBody,
  CommandsQuery,
  EnrollBody,
  MAX_WAIT_SECONDS,
  RenewBody,
  ResultBody,
} from './protocol.js';

/** Until told otherwise, agents poll every this many seconds when long polling is not possible. */
export const POLL_SECONDS = 60;
const DEFAULT_WAIT_SECONDS = 25;
const COMMAND_ID = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

/** The agent protocol on the wire (docs/agent.md): JSON over HTTPS, the client certificate for identity. */
export function agentRoutes(deps: { service: AgentService; verifier: AgentIdentityVerifier; polls: LongPollRegistry }): RouteModule {
  const { service, verifier, polls } = deps;
  const identify = async (request: FastifyRequest) => {
    let identity: ReturnType<AgentIdentityVerifier['identify']>;
    try {
      identity = verifier.identify(request);
    } catch (error) {
      if (error instanceof AgentIdentityError) throw new StewardError(error.reason === 'no_identity' ? 'device_identity_required' : 'device_identity_invalid');
      throw error;
    }
    return { identity, device: await service.device(identity) };
  };
  const hide = { hide: true, tags: ['agent'] };
  // Serialised answers by their commands' ids: a fan-out sends the same commands to every agent.
  const bodies = new Map<string, Buffer>();
  const answerBody = (commands: unknown[]): Buffer => {
    // A command's wire form depends on the command alone (never on the device), so its id names it.
    const ids = commands.map((c) => (c as { id?: unknown }).id);
    const key = ids.every((id) => typeof id === 'string') ? ids.join(',') : undefined;
    let body = key === undefined ? undefined : bodies.get(key);
    if (!body) {
      body = Buffer.from(JSON.stringify({ commands }));
      if (key !== undefined) {
        if (bodies.size >= 64) bodies.delete(bodies.keys().next().value as string);
        bodies.set(key, body);
      }
    }
    return body;
  };

  return (app, ctx) => {
    // A closing server waits for open requests: answer the long polls (empty) so it closes at once.
    app.addHook('preClose', async () => polls.close());

    // Public information: an agent enrolling with --ca-fingerprint fetches it, checks its hash, then pins it.
    app.get(AGENT_PATHS.ca, { config: { auth: 'public' }, schema: hide }, async (_request, reply) =>
      reply.header('cache-control', 'no-store').send({ certificate: ctx.ca.certificatePem }),
    );

    app.post(
      AGENT_PATHS.enroll,
      { config: { auth: 'public' }, bodyLimit: AGENT_INVENTORY_BODY_LIMIT, schema: { ...hide, body: EnrollBody } },
      async (request, reply) => {
        const result = await service.enroll(request.body);
        if (result.groupId) await request.server.adapters.membershipChanged([result.deviceId]);
        return reply.code(201).send({
          deviceId: result.deviceId,
          certificate: result.certificatePem,
          caCertificate: result.caCertificatePem,
          pollSeconds: POLL_SECONDS,
          maxWaitSeconds: MAX_WAIT_SECONDS,
        });
      },
    );

    app.post(AGENT_PATHS.renew, { config: { auth: 'public' }, bodyLimit: 32 * 1024, schema: { ...hide, body: RenewBody } }, async (request) => {
      const { identity } = await identify(request);
      const result = await service.renew(identity, request.body.csr);
      return { deviceId: result.deviceId, certificate: result.certificatePem, caCertificate: result.caCertificatePem };
    });

    app.post(
      AGENT_PATHS.checkin,
      { config: { auth: 'public' }, bodyLimit: AGENT_INVENTORY_BODY_LIMIT, schema: { ...hide, body: CheckinBody } },
      async (request) => {
        const { device } = await identify(request);
        const { resend } = await service.checkin(device, request.body);
        return { deviceId: device.deviceId, resend, pollSeconds: POLL_SECONDS, maxWaitSeconds: MAX_WAIT_SECONDS };
      },
    );

    // The long poll: answered at once when commands are queued, else when one is enqueued, else
    // empty (204) after `wait` seconds. `wait=0` is a plain poll.
    app.get(AGENT_PATHS.commands, { config: { auth: 'public' }, schema: { ...hide, querystring: CommandsQuery } }, async (request, reply) => {
      const { device } = await identify(request);
      const waitSeconds = request.query.wait ?? DEFAULT_WAIT_SECONDS;
      const socket = request.raw.socket;
      // A fan-out answers thousands of polls in one go, and on a busy CPU fastify's per-reply work
      // (serialising, the onSend hooks) is what the last agent waits for: the answer goes straight to
      // the socket, its JSON serialised once for every agent getting the same commands, written by
      // the delivery's own loop (no promise hop per poll). The onResponse hooks (metrics) still run.
      let written = false;
      const write = (list: unknown[]) => {
        if (written) return;
        written = true;
        const body = answerBody(list);
        reply.hijack();
        const response = reply.raw;
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length, 'x-request-id': request.id });
        response.end(body);
        polls.written(response);
      };
      const commands = await polls.wait(device.deviceId, waitSeconds * 1000, () => socket.destroyed, write);
      if (!commands) {
        polls.written(reply.raw);
        return reply.code(204).send();
      }
      write(commands);
      return reply;
    });

    app.post(
      AGENT_PATHS.result,
      { config: { auth: 'public' }, bodyLimit: AGENT_RESULT_BODY_LIMIT, schema: { ...hide, params: COMMAND_ID, body: ResultBody } },
      async (request) => {
        const { device } = await identify(request);
        const outcome = await service.result(device, request.params.id, request.body);
        return { status: outcome };
      },
    );
  };
}
