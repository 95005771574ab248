import { Type } from 'typebox';
import type { Context } from '../../context.js';
import type { Principal } from '../../core/auth/auth-service.js';
import { type ChangeBatch, ChangeFeed, type ChangeEvent } from '../../core/console/change-feed.js';
import { StewardError } from '../../core/errors.js';
import { type RouteModule, principalOf } from '../route-config.js';

/** Live connections one person (or token) may hold at once: a few console tabs. */
export const MAX_STREAMS_PER_PRINCIPAL = 5;
const HEARTBEAT_MS = 15_000;
const REAUTHENTICATE_MS = 60_000;
/** A client that was away longer than this gets one `resync` rather than a replay. */
const MAX_REPLAY_MS = 10 * 60_000;

export interface EventStreamOptions {
  intervalMs?: number;
  heartbeatMs?: number;
}

const frame = (cursor: number, event: ChangeEvent): string => `id: ${cursor}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;

/**
 * Server-sent events for the console: `device.changed` and `command.changed` (and `resync` when too
 * much changed to list). One {@link ChangeFeed} per node polls the database for all of the node's
 * connections, so the events are the same whichever node a browser is connected to.
 */
export function createEventRoutes(options: EventStreamOptions = {}): RouteModule {
  return (app, ctx) => {
    const feed = new ChangeFeed(ctx.database.db, { intervalMs: options.intervalMs ?? 1000 });
    const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    const open = new Map<string, number>();
    const closers = new Set<() => void>();
    // Streams never end by themselves: close them so that the server can stop.
    app.addHook('preClose', async () => {
      for (const close of [...closers]) close();
      feed.stop();
    });

    app.get(
      '/api/v1/events/stream',
      {
        config: { auth: 'devices.read' },
        schema: {
          tags: ['events'],
          summary: 'Live changes as server-sent events (device.changed, command.changed, resync)',
          description:
            'A text/event-stream. Each event carries an id; reconnect with the Last-Event-ID header (or lastEventId) to receive what changed meanwhile. Events are invalidation hints, delivered at least once. A comment line is sent every 15 s.',
          querystring: Type.Object(
            {
              lastEventId: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$' })),
              once: Type.Optional(Type.Boolean({ description: 'Send what changed since lastEventId, then end the response (for clients that poll).' })),
            },
            { additionalProperties: false },
          ),
          headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 40 })) }),
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const key = `${principal.type}:${principal.id}`;
        if ((open.get(key) ?? 0) >= MAX_STREAMS_PER_PRINCIPAL) {
          throw new StewardError('too_many_requests', `At most ${MAX_STREAMS_PER_PRINCIPAL} live connections at once; close another console tab.`);
        }
        const header = request.headers['last-event-id'];
        const resumeText = (typeof header === 'string' && /^[0-9]{1,16}$/.test(header) ? header : undefined) ?? request.query.lastEventId;
        const resumeFrom = resumeText === undefined ? undefined : Number(resumeText);

        open.set(key, (open.get(key) ?? 0) + 1);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-accel-buffering': 'no',
          'x-request-id': request.id,
        });
        res.write(`retry: 3000\n: connected\n\n`);

        const send = (batch: ChangeBatch) => {
          if (!res.writableEnded) res.write(batch.events.map((event) => frame(batch.cursor, event)).join(''));
        };
        let closed = false;
        const close = () => {
          if (closed) return;
          closed = true;
          unsubscribe();
          clearInterval(heartbeat);
          clearInterval(recheck);
          closers.delete(close);
          const left = (open.get(key) ?? 1) - 1;
          if (left <= 0) open.delete(key);
          else open.set(key, left);
          if (!res.writableEnded) res.end();
        };
        const unsubscribe = feed.subscribe(send);
        const heartbeat = setInterval(() => res.write(`: heartbeat ${Date.now()}\n\n`), heartbeatMs);
        // A session that expires or is revoked, or a token revoked, ends the stream too.
        const recheck = setInterval(() => {
          void stillValid(ctx, principal).then(
            (still) => {
              if (!still) close();
            },
            () => undefined,
          );
        }, REAUTHENTICATE_MS);
        closers.add(close);
        request.raw.on('close', close);
        res.on('error', close);

        // Say where the stream starts, so that even a client that hears nothing can resume from here.
        res.write(`id: ${feed.cursor}\nevent: ready\ndata: {}\n\n`);
        if (resumeFrom !== undefined) {
          if (Date.now() - resumeFrom > MAX_REPLAY_MS) send({ cursor: feed.cursor, events: [{ type: 'resync', data: { at: feed.cursor } }] });
          else
            send(await feed.since(resumeFrom).catch(() => ({ cursor: feed.cursor, events: [{ type: 'resync', data: { at: feed.cursor } } as ChangeEvent] })));
        }
        if (request.query.once) close();
      },
    );
  };
}

/** Whether the session (or token) a stream was opened with still stands, read without touching it. */
async function stillValid(ctx: Context, principal: Principal): Promise<boolean> {
  const now = Date.now();
  const db = ctx.database.db;
  if (principal.type === 'user') {
    if (!principal.sessionId) return false;
    const row = await db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.expires_at', 'users.disabled', 'users.role'])
      .where('sessions.id', '=', principal.sessionId)
      .executeTakeFirst();
    return Boolean(row && Number(row.expires_at) > now && !row.disabled && row.role === principal.role);
  }
  const row = await db.selectFrom('api_tokens').select(['revoked_at', 'expires_at']).where('id', '=', principal.id).executeTakeFirst();
  return Boolean(row && !row.revoked_at && (row.expires_at === null || Number(row.expires_at) > now));
}

export const eventRoutes: RouteModule = createEventRoutes();
