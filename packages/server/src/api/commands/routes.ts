import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { Type } from 'typebox';
import { type CommandTarget, type CommandWithCounts, DELIVERY_STATES, type DeliveryRow } from '../../core/commands/command-queue.js';
import { INTENTS, INTENT_NAMES, type IntentDefinition, type IntentName, RAW_PLATFORMS, RAW_PLATFORM_DEVICES, isIntent } from '../../core/commands/intents.js';
import { StewardError, notFound } from '../../core/errors.js';
import { iso } from '../../core/ids.js';
import { can } from '../../core/permissions.js';
import { DeviceFilterBody, toDeviceFilter } from '../devices/filter-query.js';
import { type RouteModule, principalOf } from '../route-config.js';
import { IdParams, NullableTimestamp, Timestamp, Uuid } from '../schemas.js';

const ajv = addFormats.default(new Ajv.default({ allErrors: false, strict: false, coerceTypes: false, removeAdditional: false }));
const paramValidators = Object.fromEntries(INTENT_NAMES.map((name) => [name, ajv.compile(INTENTS[name].params as object)]));

const TargetSchema = Type.Union([
  Type.Object({ deviceIds: Type.Array(Uuid, { minItems: 1, maxItems: 10_000 }) }, { additionalProperties: false }),
  Type.Object({ groupId: Uuid }, { additionalProperties: false }),
  Type.Object({ filter: DeviceFilterBody }, { additionalProperties: false }),
]);

const Counts = Type.Record(Type.String(), Type.Integer());
const CommandSchema = Type.Object({
  id: Uuid,
  kind: Type.Union([Type.Literal('intent'), Type.Literal('raw')]),
  type: Type.String(),
  platform: Type.Union([Type.String(), Type.Null()]),
  params: Type.Unknown(),
  target: Type.Unknown(),
  deviceCount: Type.Integer(),
  counts: Counts,
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  expiresAt: Timestamp,
});
const DeliverySchema = Type.Object({
  deviceId: Uuid,
  seq: Type.Integer(),
  state: Type.String(),
  attempts: Type.Integer(),
  sentAt: NullableTimestamp,
  completedAt: NullableTimestamp,
  result: Type.Unknown(),
  error: Type.Union([Type.String(), Type.Null()]),
});

const toCommand = (c: CommandWithCounts) => ({
  id: c.id,
  kind: c.kind as 'intent',
  type: c.type,
  platform: c.platform,
  params: JSON.parse(c.payload) as unknown,
  target: JSON.parse(c.target) as unknown,
  deviceCount: c.device_count,
  counts: c.counts as Record<string, number>,
  createdBy: c.created_by_label,
  createdAt: iso(c.created_at),
  expiresAt: iso(c.expires_at),
});

const toDelivery = (d: DeliveryRow) => ({
  deviceId: d.device_id,
  seq: d.seq,
  state: d.state,
  attempts: d.attempts,
  sentAt: iso(d.sent_at),
  completedAt: iso(d.completed_at),
  result: d.result === null ? null : (JSON.parse(d.result) as unknown),
  error: d.error,
});

/** The command queue: enqueue an intent or a raw platform command, follow it, cancel it. */
export const commandRoutes: RouteModule = (app, ctx) => {
  app.post(
    '/api/v1/commands',
    {
      config: { auth: 'commands.create', action: 'commands.create' },
      schema: {
        tags: ['commands'],
        summary: 'Send a command to one device, a list, a group or a filter',
        description: `\`type\` is an intent (${INTENT_NAMES.join(', ')}) with its \`params\`, or \`raw\` with \`platform\` and \`payload\`. Devices the command can't apply to are skipped and counted.`,
        body: Type.Object(
          {
            type: Type.Union([...INTENT_NAMES.map((n) => Type.Literal(n)), Type.Literal('raw')]),
            params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
            platform: Type.Optional(Type.Union(RAW_PLATFORMS.map((p) => Type.Literal(p)))),
            payload: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
            target: TargetSchema,
            ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 90 * 86_400 })),
          },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ command: CommandSchema, skipped: Type.Integer() }) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body;
      request.auditTarget = { type: 'command', details: { type: body.type, target: body.target } };
      const target: CommandTarget =
        'deviceIds' in body.target
          ? { deviceIds: body.target.deviceIds }
          : 'groupId' in body.target
            ? { groupId: body.target.groupId }
            : { filter: toDeviceFilter(body.target.filter) };

      let enqueue: Parameters<typeof ctx.commands.enqueue>[0];
      const createdBy = { type: principal.type, id: principal.id, label: principal.label };
      const ttlMs = (body.ttlSeconds ?? ctx.config.commandTtlSeconds) * 1000;
      if (body.type === 'raw') {
        if (!can(principal.role, 'command.raw')) throw new StewardError('forbidden');
        if (!body.platform || !body.payload || body.params) throw new StewardError('validation_failed', 'A raw command takes platform and payload.');
        const requestType = typeof body.payload.RequestType === 'string' ? body.payload.RequestType : 'raw';
        enqueue = {
          kind: 'raw',
          type: requestType,
          platform: body.platform,
          payload: body.payload,
          target,
          platforms: RAW_PLATFORM_DEVICES[body.platform],
          channels: [body.platform],
          createdBy,
          ttlMs,
        };
      } else {
        if (!isIntent(body.type)) throw new StewardError('validation_failed');
        const intent: IntentDefinition = INTENTS[body.type as IntentName];
        if (!can(principal.role, intent.permission)) throw new StewardError('forbidden');
        if (body.platform || body.payload) throw new StewardError('validation_failed', 'Only raw commands take platform and payload.');
        const params = body.params ?? {};
        const validate = paramValidators[body.type as IntentName];
        if (validate && !validate(params)) {
          throw new StewardError(
            'validation_failed',
            `Invalid params for ${body.type}.`,
            (validate.errors ?? []).map((e) => ({ path: `/params${e.instancePath}`, message: e.message })),
          );
        }
        enqueue = {
          kind: 'intent',
          type: body.type,
          platform: null,
          payload: params,
          target,
          platforms: intent.platforms,
          ownership: intent.ownership,
          createdBy,
          ttlMs,
        };
      }
      if ('groupId' in target && !(await ctx.groups.get(target.groupId))) throw notFound('Group');
      if ('deviceIds' in target) {
        const found = new Set(await ctx.devices.existing(target.deviceIds));
        const missing = target.deviceIds.filter((d) => !found.has(d));
        if (missing.length) throw new StewardError('not_found', 'Some devices do not exist.', { missing: missing.slice(0, 20) });
        // BYOD, enforced here: one personal device targeted by a corporate-only intent (wipe, locate,
        // lost mode) is refused plainly; in a list or a group, personal devices are skipped and counted.
        const only = new Set(target.deviceIds).size === 1 ? target.deviceIds[0] : undefined;
        if (only && enqueue.ownership && enqueue.kind === 'intent') {
          const device = await ctx.devices.get(only);
          if (device && !enqueue.ownership.includes(device.ownership as 'corporate')) {
            throw new StewardError('personal_device', undefined, { deviceId: only, intent: enqueue.type, ownership: device.ownership });
          }
        }
      }
      const { command, skipped } = await ctx.commands.enqueue(enqueue);
      // Every node's adapters wake the devices they can reach (see protocols/index.ts subscribeWakeUps).
      await ctx.notifier.notify('commands', { commandId: command.id });
      request.auditTarget = { type: 'command', id: command.id, details: { type: command.type, target: body.target, devices: command.device_count, skipped } };
      const [withCounts] = await ctx.commands.withCounts([command]);
      return reply.code(202).send({ command: toCommand(withCounts ?? { ...command, counts: {} }), skipped });
    },
  );

  app.get(
    '/api/v1/commands',
    {
      config: { auth: 'commands.read' },
      schema: {
        tags: ['commands'],
        summary: 'List commands, newest first',
        querystring: Type.Object(
          {
            deviceId: Type.Optional(Uuid),
            type: Type.Optional(Type.String({ maxLength: 100 })),
            cursor: Type.Optional(Uuid),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(CommandSchema), nextCursor: Type.Union([Uuid, Type.Null()]) }) },
      },
    },
    async (request) => {
      const { deviceId, type, cursor, limit } = request.query;
      const rows = await ctx.commands.list({ deviceId, type, before: cursor, limit });
      const items = (await ctx.commands.withCounts(rows)).map(toCommand);
      return { items, nextCursor: rows.length === limit ? (rows.at(-1)?.id ?? null) : null };
    },
  );

  app.get(
    '/api/v1/commands/:id',
    {
      config: { auth: 'commands.read' },
      schema: {
        tags: ['commands'],
        summary: 'A command with its per-device deliveries and results',
        params: IdParams,
        querystring: Type.Object(
          {
            state: Type.Optional(Type.Union(DELIVERY_STATES.map((s) => Type.Literal(s)))),
            after: Type.Optional(Type.Integer({ minimum: 0 })),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ command: CommandSchema, deliveries: Type.Array(DeliverySchema), nextAfter: Type.Union([Type.Integer(), Type.Null()]) }),
        },
      },
    },
    async (request) => {
      const command = await ctx.commands.get(request.params.id);
      if (!command) throw notFound('Command');
      const [withCounts] = await ctx.commands.withCounts([command]);
      const deliveries = await ctx.commands.deliveries(command.id, { state: request.query.state, afterSeq: request.query.after, limit: request.query.limit });
      return {
        command: toCommand(withCounts ?? { ...command, counts: {} }),
        deliveries: deliveries.map(toDelivery),
        nextAfter: deliveries.length === request.query.limit ? (deliveries.at(-1)?.seq ?? null) : null,
      };
    },
  );

  app.post(
    '/api/v1/commands/:id/cancel',
    {
      config: { auth: 'commands.cancel', action: 'commands.cancel' },
      schema: {
        tags: ['commands'],
        summary: 'Cancel the deliveries not yet sent (optionally for one device)',
        params: IdParams,
        querystring: Type.Object({ deviceId: Type.Optional(Uuid) }, { additionalProperties: false }),
        response: { 200: Type.Object({ cancelled: Type.Integer() }) },
      },
    },
    async (request) => {
      const { id } = request.params;
      request.auditTarget = { type: 'command', id, details: request.query };
      if (!(await ctx.commands.get(id))) throw notFound('Command');
      const cancelled = await ctx.commands.cancel(id, request.query.deviceId);
      if (cancelled === 0) throw new StewardError('command_not_cancellable');
      return { cancelled };
    },
  );
};
