import { Type } from 'typebox';
import type { DeviceFilter } from '../../core/devices/device-filter.js';
import { StewardError, notFound } from '../../core/errors.js';
import type { GroupRow } from '../../core/groups/group-repository.js';
import { iso } from '../../core/ids.js';
import { RECONCILE_JOB_KEY } from '../../core/policies/dirty.js';
import { DeviceFilterBody, fromDeviceFilter, toDeviceFilter } from '../devices/filter-query.js';
import type { RouteModule } from '../route-config.js';
import { IdParams, Name, Timestamp, Uuid } from '../schemas.js';

const Description = Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]);
const GroupSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  kind: Type.Union([Type.Literal('static'), Type.Literal('smart')]),
  filter: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  memberCount: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const toGroup = (row: GroupRow, memberCount: number) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  kind: row.kind as 'static',
  filter: row.filter ? fromDeviceFilter(JSON.parse(row.filter) as DeviceFilter) : null,
  memberCount,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

/** A smart group's filter can't point at a group: membership would depend on itself. */
function smartFilter(body: Record<string, unknown> | undefined): DeviceFilter {
  const filter = toDeviceFilter(body ?? {});
  if (filter.groupId) throw new StewardError('invalid_filter', 'A smart group filter cannot refer to a group.');
  // Membership is refreshed when inventory changes, not on every command result.
  if (filter.deliveryState?.length) throw new StewardError('invalid_filter', 'A smart group filter cannot depend on command states.');
  return filter;
}

/** Static groups (hand-picked devices) and smart groups (an inventory filter). */
export const groupRoutes: RouteModule = (app, ctx) => {
  const nameFree = async (name: string, except?: string) => {
    const existing = await ctx.groups.findByName(name);
    if (existing && existing.id !== except) throw new StewardError('name_taken');
  };

  app.get(
    '/api/v1/groups',
    {
      config: { auth: 'groups.read' },
      schema: { tags: ['groups'], summary: 'List groups', response: { 200: Type.Object({ items: Type.Array(GroupSchema) }) } },
    },
    async () => ({ items: (await ctx.groups.list()).map((g) => toGroup(g, Number(g.member_count))) }),
  );

  app.get(
    '/api/v1/groups/:id',
    { config: { auth: 'groups.read' }, schema: { tags: ['groups'], summary: 'Get a group', params: IdParams, response: { 200: GroupSchema } } },
    async (request) => {
      const group = await ctx.groups.get(request.params.id);
      if (!group) throw notFound('Group');
      return toGroup(group, await ctx.groups.memberCount(group.id));
    },
  );

  app.post(
    '/api/v1/groups/preview',
    {
      config: { auth: 'groups.read', readOnly: true },
      schema: {
        tags: ['groups'],
        summary: 'Count the devices a smart-group filter would hold, without saving anything',
        body: Type.Object({ filter: DeviceFilterBody }, { additionalProperties: false }),
        response: { 200: Type.Object({ count: Type.Integer() }) },
      },
    },
    async (request) => {
      const { total } = await ctx.devices.list({ filter: smartFilter(request.body.filter), sort: 'name', order: 'asc', offset: 0, limit: 1 });
      return { count: total };
    },
  );

  app.post(
    '/api/v1/groups',
    {
      config: { auth: 'groups.write', action: 'groups.create' },
      schema: {
        tags: ['groups'],
        summary: 'Create a static or smart group',
        body: Type.Object(
          {
            name: Name,
            description: Type.Optional(Description),
            kind: Type.Union([Type.Literal('static'), Type.Literal('smart')]),
            filter: Type.Optional(DeviceFilterBody),
          },
          { additionalProperties: false },
        ),
        response: { 201: GroupSchema },
      },
    },
    async (request, reply) => {
      const { name, description, kind, filter } = request.body;
      request.auditTarget = { type: 'group', details: { name, kind } };
      if (kind === 'static' && filter) throw new StewardError('invalid_filter', 'A static group has no filter.');
      await nameFree(name);
      const group = await ctx.groups.create({ name, description, kind, filter: kind === 'smart' ? smartFilter(filter) : undefined });
      // A smart group has members at once: they may get its policies.
      if (kind === 'smart') await ctx.policies.markGroups([group.id]);
      request.auditTarget = { type: 'group', id: group.id, details: { name, kind, filter } };
      return reply.code(201).send(toGroup(group, await ctx.groups.memberCount(group.id)));
    },
  );

  app.patch(
    '/api/v1/groups/:id',
    {
      config: { auth: 'groups.write', action: 'groups.update' },
      schema: {
        tags: ['groups'],
        summary: 'Rename a group, change its description, or change a smart group’s filter',
        params: IdParams,
        body: Type.Object(
          { name: Type.Optional(Name), description: Type.Optional(Description), filter: Type.Optional(DeviceFilterBody) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: GroupSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      request.auditTarget = { type: 'group', id, details: request.body };
      const group = await ctx.groups.get(id);
      if (!group) throw notFound('Group');
      if (request.body.filter && group.kind !== 'smart') throw new StewardError('invalid_filter', 'A static group has no filter.');
      if (request.body.name) await nameFree(request.body.name, id);
      // Membership follows the filter: those leaving and those joining are reconciled.
      if (request.body.filter) await ctx.policies.markGroups([id]);
      await ctx.groups.update(id, {
        name: request.body.name,
        description: request.body.description,
        filter: request.body.filter ? smartFilter(request.body.filter) : undefined,
      });
      if (request.body.filter) {
        await ctx.policies.markGroups([id]);
        await ctx.jobs.wake(RECONCILE_JOB_KEY);
      }
      const updated = await ctx.groups.get(id);
      if (!updated) throw notFound('Group');
      return toGroup(updated, await ctx.groups.memberCount(id));
    },
  );

  app.post(
    '/api/v1/groups/:id/members',
    {
      config: { auth: 'groups.write', action: 'groups.members' },
      schema: {
        tags: ['groups'],
        summary: 'Add devices to and remove devices from a static group',
        params: IdParams,
        body: Type.Object(
          { add: Type.Optional(Type.Array(Uuid, { maxItems: 10_000 })), remove: Type.Optional(Type.Array(Uuid, { maxItems: 10_000 })) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Type.Object({ added: Type.Integer(), removed: Type.Integer(), memberCount: Type.Integer() }) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { add = [], remove = [] } = request.body;
      request.auditTarget = { type: 'group', id, details: { add: add.length, remove: remove.length } };
      const group = await ctx.groups.get(id);
      if (!group) throw notFound('Group');
      if (group.kind !== 'static') throw new StewardError('conflict', 'A smart group’s members follow its filter.');
      const found = new Set(await ctx.devices.existing(add));
      const missing = add.filter((d) => !found.has(d));
      if (missing.length) throw new StewardError('not_found', 'Some devices do not exist.', { missing: missing.slice(0, 20) });
      const added = await ctx.groups.addMembers(id, add);
      const removed = await ctx.groups.removeMembers(id, remove);
      await request.server.adapters.membershipChanged([...add, ...remove]);
      return { added, removed, memberCount: await ctx.groups.memberCount(id) };
    },
  );

  app.delete(
    '/api/v1/groups/:id',
    {
      config: { auth: 'groups.write', action: 'groups.delete' },
      schema: { tags: ['groups'], summary: 'Delete a group (devices stay)', params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const group = await ctx.groups.get(request.params.id);
      if (!group) throw notFound('Group');
      request.auditTarget = { type: 'group', id: group.id, details: { name: group.name } };
      // Its members lose what the group gave them.
      await ctx.policies.markGroups([group.id]);
      await ctx.groups.delete(group.id);
      await ctx.jobs.wake(RECONCILE_JOB_KEY);
      return reply.code(204).send(null);
    },
  );
};
