import { Type } from 'typebox';
import { type RuleActions, type RuleRow, toAssignedRule } from '../../core/compliance/compliance-repository.js';
import { RULE_TYPES, type RuleParams, type RuleType } from '../../core/compliance/rules.js';
import { PLATFORMS } from '../../core/devices/device-model.js';
import { StewardError, notFound } from '../../core/errors.js';
import { iso } from '../../core/ids.js';
import type { RouteModule } from '../route-config.js';
import { Email, IdParams, Name, NullableTimestamp, Timestamp, Uuid } from '../schemas.js';

const Identifier = Type.String({ minLength: 1, maxLength: 300 });
const ParamsSchema = Type.Object(
  {
    itemId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    version: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[0-9][0-9A-Za-z.()-]*$' })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    identifiers: Type.Optional(Type.Array(Identifier, { minItems: 1, maxItems: 200 })),
    platforms: Type.Optional(Type.Array(Type.Union(PLATFORMS.map((p) => Type.Literal(p))), { minItems: 1, maxItems: 6, uniqueItems: true })),
    unknownAs: Type.Optional(Type.Union([Type.Literal('unknown'), Type.Literal('compliant'), Type.Literal('noncompliant')])),
  },
  { additionalProperties: false },
);
const ActionsSchema = Type.Object(
  {
    notify: Type.Optional(Type.Boolean({ description: 'Publish a compliance.grace_expired event to webhooks' })),
    email: Type.Optional(Type.Array(Email, { maxItems: 20 })),
    lock: Type.Optional(Type.Boolean()),
    retire: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const RuleTypeSchema = Type.Union(RULE_TYPES.map((t) => Type.Literal(t)));

const RuleSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  type: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  enabled: Type.Boolean(),
  gracePeriodSeconds: Type.Integer(),
  actions: Type.Object({ notify: Type.Boolean(), email: Type.Array(Type.String()), lock: Type.Boolean(), retire: Type.Boolean() }),
  groupIds: Type.Array(Uuid),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const ReasonSchema = Type.Object({ ruleId: Type.String(), rule: Type.String(), type: Type.String(), outcome: Type.String(), message: Type.String() });

const toRule = (row: RuleRow, groupIds: string[]) => {
  const rule = toAssignedRule(row);
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    params: rule.params as Record<string, unknown>,
    enabled: row.enabled === 1,
    gracePeriodSeconds: row.grace_seconds,
    actions: rule.actions,
    groupIds,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
};

const actionsOf = (
  a: { notify?: boolean | undefined; email?: string[] | undefined; lock?: boolean | undefined; retire?: boolean | undefined } | undefined,
): RuleActions => ({
  notify: a?.notify ?? false,
  email: a?.email ?? [],
  lock: a?.lock ?? false,
  retire: a?.retire ?? false,
});

/** Each rule type's required parameter. */
function checkParams(type: RuleType, params: RuleParams): void {
  const need: Partial<Record<RuleType, keyof RuleParams>> = {
    policy_installed: 'itemId',
    os_version_at_least: 'version',
    checked_in_within_days: 'days',
    required_apps_present: 'identifiers',
    blocked_apps_absent: 'identifiers',
  };
  const key = need[type];
  if (key && params[key] === undefined) throw new StewardError('validation_failed', `A ${type} rule needs params.${key}.`);
}

/** Compliance rules (CRUD and assignment to groups), per-device status and history, fleet summary. */
export const complianceRoutes: RouteModule = (app, ctx) => {
  const repo = ctx.compliance.repo;
  const checkGroups = async (groupIds: readonly string[]) => {
    for (const id of groupIds) if (!(await ctx.groups.get(id))) throw notFound(`Group ${id}`);
  };
  const ruleBody = {
    name: Name,
    type: RuleTypeSchema,
    params: Type.Optional(ParamsSchema),
    enabled: Type.Optional(Type.Boolean()),
    gracePeriodSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 90 * 86_400 })),
    actions: Type.Optional(ActionsSchema),
    groupIds: Type.Optional(Type.Array(Uuid, { maxItems: 200, uniqueItems: true })),
  };

  app.get(
    '/api/v1/compliance/rules',
    {
      config: { auth: 'compliance.read' },
      schema: { tags: ['compliance'], summary: 'List compliance rules with their groups', response: { 200: Type.Object({ items: Type.Array(RuleSchema) }) } },
    },
    async () => {
      const rows = await repo.listRules();
      const groups = await repo.groupsOfRules(rows.map((r) => r.id));
      return { items: rows.map((r) => toRule(r, groups.get(r.id) ?? [])) };
    },
  );

  app.get(
    '/api/v1/compliance/rules/:id',
    {
      config: { auth: 'compliance.read' },
      schema: { tags: ['compliance'], summary: 'Get a compliance rule', params: IdParams, response: { 200: RuleSchema } },
    },
    async (request) => {
      const row = await repo.getRule(request.params.id);
      if (!row) throw notFound('Rule');
      return toRule(row, (await repo.groupsOfRules([row.id])).get(row.id) ?? []);
    },
  );

  app.post(
    '/api/v1/compliance/rules',
    {
      config: { auth: 'compliance.write', action: 'compliance.rules.create' },
      schema: {
        tags: ['compliance'],
        summary: 'Create a compliance rule and assign it to groups',
        body: Type.Object(ruleBody, { additionalProperties: false }),
        response: { 201: RuleSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const params = (body.params ?? {}) as RuleParams;
      checkParams(body.type, params);
      const groupIds = body.groupIds ?? [];
      await checkGroups(groupIds);
      const row = await repo.createRule(
        {
          name: body.name,
          type: body.type,
          params,
          enabled: body.enabled ?? true,
          graceSeconds: body.gracePeriodSeconds ?? 0,
          actions: actionsOf(body.actions),
        },
        groupIds,
      );
      request.auditTarget = { type: 'compliance_rule', id: row.id, details: body };
      await ctx.compliance.markDirty(await membersOf(ctx, groupIds));
      return reply.code(201).send(toRule(row, groupIds));
    },
  );

  app.patch(
    '/api/v1/compliance/rules/:id',
    {
      config: { auth: 'compliance.write', action: 'compliance.rules.update' },
      schema: {
        tags: ['compliance'],
        summary: 'Change a compliance rule, or its group assignment (groupIds replaces the list)',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            params: Type.Optional(ParamsSchema),
            enabled: Type.Optional(Type.Boolean()),
            gracePeriodSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 90 * 86_400 })),
            actions: Type.Optional(ActionsSchema),
            groupIds: Type.Optional(Type.Array(Uuid, { maxItems: 200, uniqueItems: true })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: RuleSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      request.auditTarget = { type: 'compliance_rule', id, details: request.body };
      const row = await repo.getRule(id);
      if (!row) throw notFound('Rule');
      const body = request.body;
      if (body.params) checkParams(row.type as RuleType, body.params as RuleParams);
      if (body.groupIds) await checkGroups(body.groupIds);
      const before = (await repo.groupsOfRules([id])).get(id) ?? [];
      await repo.updateRule(
        id,
        {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.params !== undefined ? { params: body.params as RuleParams } : {}),
          ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
          ...(body.gracePeriodSeconds !== undefined ? { graceSeconds: body.gracePeriodSeconds } : {}),
          ...(body.actions !== undefined ? { actions: actionsOf(body.actions) } : {}),
        },
        body.groupIds,
      );
      await ctx.compliance.markDirty(await membersOf(ctx, [...new Set([...before, ...(body.groupIds ?? [])])]));
      const updated = await repo.getRule(id);
      if (!updated) throw notFound('Rule');
      return toRule(updated, (await repo.groupsOfRules([id])).get(id) ?? []);
    },
  );

  app.delete(
    '/api/v1/compliance/rules/:id',
    {
      config: { auth: 'compliance.write', action: 'compliance.rules.delete' },
      schema: { tags: ['compliance'], summary: 'Delete a compliance rule', params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const { id } = request.params;
      request.auditTarget = { type: 'compliance_rule', id };
      const row = await repo.getRule(id);
      if (!row) throw notFound('Rule');
      const groups = (await repo.groupsOfRules([id])).get(id) ?? [];
      await repo.deleteRule(id);
      await ctx.compliance.markDirty(await membersOf(ctx, groups));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/compliance/evaluate',
    {
      config: { auth: 'compliance.write', action: 'compliance.evaluate' },
      schema: {
        tags: ['compliance'],
        summary: 'Queue a full re-evaluation of every device (runs in the background)',
        response: { 202: Type.Object({ queued: Type.Boolean() }) },
      },
    },
    async (request, reply) => {
      request.auditTarget = { type: 'compliance' };
      const id = await ctx.jobs.enqueue('compliance.evaluate-all', null, { uniqueKey: 'compliance.evaluate-all:now', maxAttempts: 3 });
      return reply.code(202).send({ queued: id !== undefined });
    },
  );

  app.get(
    '/api/v1/compliance/summary',
    {
      config: { auth: 'compliance.read' },
      schema: {
        tags: ['compliance'],
        summary: 'Fleet compliance: enrolled devices per state, violations per rule, and the daily series',
        querystring: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 366, default: 30 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            compliant: Type.Integer(),
            noncompliant: Type.Integer(),
            unknown: Type.Integer(),
            total: Type.Integer(),
            rate: Type.Union([Type.Number(), Type.Null()]),
            violationsByRule: Type.Array(Type.Object({ ruleId: Uuid, rule: Type.String(), devices: Type.Integer() })),
            daily: Type.Array(
              Type.Object({ day: Type.String(), compliant: Type.Integer(), noncompliant: Type.Integer(), unknown: Type.Integer(), total: Type.Integer() }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const counts = await repo.summary();
      const compliant = counts.compliant ?? 0;
      const noncompliant = counts.noncompliant ?? 0;
      const unknown = counts.unknown ?? 0;
      const total = compliant + noncompliant + unknown;
      const rules = new Map((await repo.listRules()).map((r) => [r.id, r.name]));
      const now = Date.now();
      const daily = await repo.snapshots(new Date(now - request.query.days * 86_400_000).toISOString().slice(0, 10), new Date(now).toISOString().slice(0, 10));
      return {
        compliant,
        noncompliant,
        unknown,
        total,
        rate: total ? compliant / total : null,
        violationsByRule: (await repo.violationCounts()).map((v) => ({ ruleId: v.rule_id, rule: rules.get(v.rule_id) ?? '', devices: v.n })),
        daily: daily.map(({ day, compliant, noncompliant, unknown, total }) => ({ day, compliant, noncompliant, unknown, total })),
      };
    },
  );

  app.get(
    '/api/v1/compliance/noncompliant-at',
    {
      config: { auth: 'compliance.read' },
      schema: {
        tags: ['compliance'],
        summary: 'Devices that were in a compliance state at a moment in the past ("who was non-compliant last Tuesday")',
        querystring: Type.Object(
          { at: Timestamp, state: Type.Union([Type.Literal('noncompliant'), Type.Literal('compliant'), Type.Literal('unknown')], { default: 'noncompliant' }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ at: Timestamp, state: Type.String(), deviceIds: Type.Array(Type.String()) }) },
      },
    },
    async (request) => {
      const at = Date.parse(request.query.at);
      return { at: new Date(at).toISOString(), state: request.query.state, deviceIds: await repo.stateAt(at, request.query.state) };
    },
  );

  app.get(
    '/api/v1/devices/:id/compliance',
    {
      config: { auth: 'compliance.read' },
      schema: {
        tags: ['compliance'],
        summary: 'A device’s compliance: state, reasons, open violations and history (newest first)',
        params: IdParams,
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            deviceId: Uuid,
            state: Type.String(),
            reasons: Type.Array(ReasonSchema),
            evaluatedAt: NullableTimestamp,
            violations: Type.Array(
              Type.Object({ ruleId: Uuid, since: Timestamp, actionsDueAt: Timestamp, actionsFired: Type.Union([Type.Array(Type.String()), Type.Null()]) }),
            ),
            history: Type.Array(
              Type.Object({ at: Timestamp, state: Type.String(), previousState: Type.Union([Type.String(), Type.Null()]), reasons: Type.Array(ReasonSchema) }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const device = await ctx.devices.get(request.params.id);
      if (!device) throw notFound('Device');
      const status = await repo.status(device.id);
      const violations = await repo.violationsOf(device.id);
      const history = await repo.history(device.id, request.query.limit);
      return {
        deviceId: device.id,
        state: device.compliance_state,
        reasons: JSON.parse(status?.reasons ?? '[]') as never[],
        evaluatedAt: iso(status?.evaluated_at ?? null),
        violations: violations.map((v) => ({
          ruleId: v.rule_id,
          since: iso(v.since),
          actionsDueAt: iso(v.due_at),
          actionsFired: v.fired === null ? null : (JSON.parse(v.fired) as string[]),
        })),
        history: history.map((h) => ({ at: iso(h.at), state: h.state, previousState: h.previous_state, reasons: JSON.parse(h.reasons) as never[] })),
      };
    },
  );
};

async function membersOf(ctx: Parameters<RouteModule>[1], groupIds: readonly string[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const groupId of groupIds) for (const id of await ctx.devices.idsMatching({ groupId })) ids.add(id);
  return [...ids];
}
