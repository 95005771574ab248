import { Type } from 'typebox';
import { EVENT_TYPES } from '../../core/events/event-publisher.js';
import { notFound } from '../../core/errors.js';
import { iso } from '../../core/ids.js';
import type { WebhookRow } from '../../core/webhooks/webhook-repository.js';
import type { RouteModule } from '../route-config.js';
import { IdParams, Name, NullableTimestamp, Timestamp, Uuid } from '../schemas.js';

const EventTypeSchema = Type.Union([Type.Literal('*'), ...EVENT_TYPES.map((t) => Type.Literal(t))]);
const Url = Type.String({ minLength: 8, maxLength: 2000 });

const WebhookSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  url: Type.String(),
  eventTypes: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const toWebhook = (row: WebhookRow) => ({
  id: row.id,
  name: row.name,
  url: row.url,
  eventTypes: JSON.parse(row.event_types) as string[],
  enabled: row.enabled === 1,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

/** Webhooks: endpoints, their signing secret (shown once), a test event, and the delivery log. */
export const webhookRoutes: RouteModule = (app, ctx) => {
  const find = async (id: string) => {
    const row = await ctx.webhooks.repo.get(id);
    if (!row) throw notFound('Webhook');
    return row;
  };

  app.get(
    '/api/v1/webhooks',
    {
      config: { auth: 'webhooks.read' },
      schema: { tags: ['webhooks'], summary: 'List webhooks', response: { 200: Type.Object({ items: Type.Array(WebhookSchema) }) } },
    },
    async () => ({ items: (await ctx.webhooks.repo.list()).map(toWebhook) }),
  );

  app.get(
    '/api/v1/webhooks/:id',
    { config: { auth: 'webhooks.read' }, schema: { tags: ['webhooks'], summary: 'Get a webhook', params: IdParams, response: { 200: WebhookSchema } } },
    async (request) => toWebhook(await find(request.params.id)),
  );

  app.post(
    '/api/v1/webhooks',
    {
      config: { auth: 'webhooks.write', action: 'webhooks.create' },
      schema: {
        tags: ['webhooks'],
        summary: 'Register a webhook; the response carries its signing secret, shown only this once',
        body: Type.Object(
          {
            name: Name,
            url: Url,
            eventTypes: Type.Array(EventTypeSchema, { minItems: 1, maxItems: 20, uniqueItems: true }),
            enabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ ...WebhookSchema.properties, secret: Type.String() }) },
      },
    },
    async (request, reply) => {
      const { row, secret } = await ctx.webhooks.create({ ...request.body, enabled: request.body.enabled ?? true });
      request.auditTarget = { type: 'webhook', id: row.id, details: { name: row.name, url: row.url, eventTypes: request.body.eventTypes } };
      return reply.code(201).send({ ...toWebhook(row), secret });
    },
  );

  app.patch(
    '/api/v1/webhooks/:id',
    {
      config: { auth: 'webhooks.write', action: 'webhooks.update' },
      schema: {
        tags: ['webhooks'],
        summary: 'Change a webhook’s name, URL, event types or whether it is enabled',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            url: Type.Optional(Url),
            eventTypes: Type.Optional(Type.Array(EventTypeSchema, { minItems: 1, maxItems: 20, uniqueItems: true })),
            enabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: WebhookSchema },
      },
    },
    async (request) => {
      request.auditTarget = { type: 'webhook', id: request.params.id, details: request.body };
      await find(request.params.id);
      await ctx.webhooks.update(request.params.id, request.body);
      return toWebhook(await find(request.params.id));
    },
  );

  app.delete(
    '/api/v1/webhooks/:id',
    {
      config: { auth: 'webhooks.write', action: 'webhooks.delete' },
      schema: { tags: ['webhooks'], summary: 'Delete a webhook and its delivery log', params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      request.auditTarget = { type: 'webhook', id: request.params.id };
      await find(request.params.id);
      await ctx.webhooks.repo.delete(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/webhooks/:id/test',
    {
      config: { auth: 'webhooks.write', action: 'webhooks.test' },
      schema: {
        tags: ['webhooks'],
        summary: 'Send a webhook.test event to this webhook (delivered like any other)',
        params: IdParams,
        response: { 202: Type.Object({ deliveryId: Uuid }) },
      },
    },
    async (request, reply) => {
      request.auditTarget = { type: 'webhook', id: request.params.id };
      const deliveryId = await ctx.webhooks.sendTest(await find(request.params.id));
      return reply.code(202).send({ deliveryId });
    },
  );

  app.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      config: { auth: 'webhooks.read' },
      schema: {
        tags: ['webhooks'],
        summary: 'The delivery log, newest first, with every attempt (status code, duration, error)',
        params: IdParams,
        querystring: Type.Object(
          { cursor: Type.Optional(Uuid), limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Uuid,
                eventId: Type.String(),
                eventType: Type.String(),
                state: Type.String(),
                attempts: Type.Integer(),
                nextAttemptAt: NullableTimestamp,
                lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
                lastError: Type.Union([Type.String(), Type.Null()]),
                createdAt: Timestamp,
                updatedAt: Timestamp,
                log: Type.Array(
                  Type.Object({
                    attempt: Type.Integer(),
                    at: Timestamp,
                    statusCode: Type.Union([Type.Integer(), Type.Null()]),
                    durationMs: Type.Integer(),
                    error: Type.Union([Type.String(), Type.Null()]),
                  }),
                ),
              }),
            ),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      await find(request.params.id);
      const { limit, cursor } = request.query;
      const rows = await ctx.webhooks.repo.deliveries(request.params.id, { before: cursor, limit });
      const attempts = await ctx.webhooks.repo.attempts(rows.map((r) => r.id));
      return {
        items: rows.map((r) => ({
          id: r.id,
          eventId: r.event_id,
          eventType: r.event_type,
          state: r.state,
          attempts: r.attempts,
          nextAttemptAt: iso(r.state === 'retrying' ? r.next_attempt_at : null),
          lastStatusCode: r.last_status_code,
          lastError: r.last_error,
          createdAt: iso(r.created_at),
          updatedAt: iso(r.updated_at),
          log: attempts
            .filter((a) => a.delivery_id === r.id)
            .map((a) => ({ attempt: a.attempt, at: iso(a.at), statusCode: a.status_code, durationMs: a.duration_ms, error: a.error })),
        })),
        nextCursor: rows.length === limit ? (rows[rows.length - 1]?.id ?? null) : null,
      };
    },
  );
};
