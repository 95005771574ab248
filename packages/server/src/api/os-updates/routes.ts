import { Type } from 'typebox';
import { PLATFORMS } from '../../core/devices/device-model.js';
import { notFound } from '../../core/errors.js';
import { iso } from '../../core/ids.js';
import { RECONCILE_JOB_KEY } from '../../core/policies/dirty.js';
import type { OsUpdateTargetRow } from '../../core/policies/policy-repository.js';
import type { RouteModule } from '../route-config.js';
import { IdParams, Timestamp, Uuid } from '../schemas.js';

const TargetSchema = Type.Object({
  id: Uuid,
  groupId: Uuid,
  platform: Type.String(),
  minimumVersion: Type.String(),
  deadline: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const toTarget = (row: OsUpdateTargetRow) => ({
  id: row.id,
  groupId: row.group_id,
  platform: row.platform,
  minimumVersion: row.minimum_version,
  deadline: iso(row.deadline),
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

/** Minimum OS versions per group and platform, with a deadline after which the update installs without asking. */
export const osUpdateRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/api/v1/os-updates',
    {
      config: { auth: 'os_updates.read' },
      schema: { tags: ['os-updates'], summary: 'OS update targets', response: { 200: Type.Object({ items: Type.Array(TargetSchema) }) } },
    },
    async () => ({ items: (await ctx.policies.listOsTargets()).map(toTarget) }),
  );

  app.put(
    '/api/v1/os-updates',
    {
      config: { auth: 'os_updates.write', action: 'os_updates.set' },
      schema: {
        tags: ['os-updates'],
        summary: 'Set the minimum OS version (and deadline) for a group and platform',
        body: Type.Object(
          {
            groupId: Uuid,
            platform: Type.Union(PLATFORMS.map((p) => Type.Literal(p))),
            minimumVersion: Type.String({ pattern: '^[0-9]+(\\.[0-9]+){0,3}$', maxLength: 32 }),
            deadline: Type.Optional(Type.Union([Timestamp, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 200: TargetSchema },
      },
    },
    async (request) => {
      const { groupId, platform, minimumVersion, deadline } = request.body;
      request.auditTarget = { type: 'group', id: groupId, details: { platform, minimumVersion, deadline } };
      if (!(await ctx.groups.get(groupId))) throw notFound('Group');
      const row = await ctx.policies.upsertOsTarget({ groupId, platform, minimumVersion, deadline: deadline ? Date.parse(deadline) : null });
      await ctx.jobs.wake(RECONCILE_JOB_KEY);
      return toTarget(row);
    },
  );

  app.delete(
    '/api/v1/os-updates/:id',
    {
      config: { auth: 'os_updates.write', action: 'os_updates.delete' },
      schema: { tags: ['os-updates'], summary: 'Remove an OS update target', params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const row = await ctx.policies.getOsTarget(request.params.id);
      if (!row) throw notFound('OS update target');
      request.auditTarget = { type: 'group', id: row.group_id, details: { target: row.id, platform: row.platform } };
      await ctx.policies.deleteOsTarget(row.id);
      await ctx.jobs.wake(RECONCILE_JOB_KEY);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/os-updates/:id/progress',
    {
      config: { auth: 'os_updates.read' },
      schema: {
        tags: ['os-updates'],
        summary: 'Progress of a target: devices of the group and platform by state (installed = at or above the version)',
        params: IdParams,
        response: {
          200: Type.Object({
            target: TargetSchema,
            devices: Type.Integer(),
            counts: Type.Record(Type.String(), Type.Integer()),
          }),
        },
      },
    },
    async (request) => {
      const row = await ctx.policies.getOsTarget(request.params.id);
      if (!row) throw notFound('OS update target');
      const db = ctx.database.db;
      const members = db
        .selectFrom('group_members')
        .innerJoin('devices', 'devices.id', 'group_members.device_id')
        .select('devices.id')
        .where('group_members.group_id', '=', row.group_id)
        .where('devices.platform', '=', row.platform);
      const [total, counts] = await Promise.all([
        db
          .selectFrom(members.as('m'))
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
        db
          .selectFrom('configuration_states')
          .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
          .where('key', '=', `os_update.${row.platform}`)
          .where('device_id', 'in', members)
          .groupBy('state')
          .execute(),
      ]);
      return { target: toTarget(row), devices: Number(total.n), counts: Object.fromEntries(counts.map((c) => [c.state, Number(c.n)])) };
    },
  );
};
