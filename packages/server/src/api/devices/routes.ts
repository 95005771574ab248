import { Type } from 'typebox';
import { DEVICE_SORT_KEYS, type DeviceSortKey } from '../../core/devices/device-repository.js';
import { StewardError, notFound } from '../../core/errors.js';
import { iso } from '../../core/ids.js';
import type { RouteModule } from '../route-config.js';
import { IdParams, Name, NullableTimestamp, Page, Timestamp, Uuid } from '../schemas.js';
import { DeviceDetailSchema, DeviceSchema, OwnershipSchema, toDevice } from './dto.js';
import { DeviceFilterQuery, toDeviceFilter } from './filter-query.js';

const SORT_HELP = `One of ${Object.keys(DEVICE_SORT_KEYS).join(', ')}; prefix with - for descending.`;

/** The device inventory: list, search, read, rename, reassign, group, retire, delete. */
export const deviceRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/api/v1/devices',
    {
      config: { auth: 'devices.read' },
      schema: {
        tags: ['devices'],
        summary: 'List devices with filters, search, sorting and paging',
        querystring: Type.Object(
          {
            ...DeviceFilterQuery,
            sort: Type.Optional(Type.String({ maxLength: 40, description: SORT_HELP })),
            offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(DeviceSchema) },
      },
    },
    async (request) => {
      const { sort = 'name', offset, limit, ...filter } = request.query;
      const key = sort.replace(/^-/, '');
      if (!Object.hasOwn(DEVICE_SORT_KEYS, key)) throw new StewardError('invalid_sort', undefined, { allowed: Object.keys(DEVICE_SORT_KEYS) });
      const { items, total } = await ctx.devices.list({
        filter: toDeviceFilter(filter),
        sort: key as DeviceSortKey,
        order: sort.startsWith('-') ? 'desc' : 'asc',
        offset,
        limit,
      });
      return { items: items.map(toDevice), total, offset, limit };
    },
  );

  app.get(
    '/api/v1/devices/:id',
    {
      config: { auth: 'devices.read' },
      schema: { tags: ['devices'], summary: 'Get a device with its inventory and groups', params: IdParams, response: { 200: DeviceDetailSchema } },
    },
    async (request) => {
      const device = await ctx.devices.get(request.params.id);
      if (!device) throw notFound('Device');
      return { ...toDevice(device), groupIds: await ctx.groups.groupIdsOf(device.id), inventory: JSON.parse(device.inventory) as Record<string, unknown> };
    },
  );

  app.patch(
    '/api/v1/devices/:id',
    {
      config: { auth: 'devices.update', action: 'devices.update' },
      schema: {
        tags: ['devices'],
        summary: 'Rename a device, change its assigned user or ownership, or set its static groups',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            assignedUser: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 254 }), Type.Null()])),
            ownership: Type.Optional(OwnershipSchema),
            groupIds: Type.Optional(Type.Array(Uuid, { maxItems: 100, uniqueItems: true })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: DeviceDetailSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { groupIds, ...changes } = request.body;
      request.auditTarget = { type: 'device', id, details: request.body };
      const device = await ctx.devices.get(id);
      if (!device) throw notFound('Device');
      if (groupIds) {
        for (const groupId of groupIds) {
          const group = await ctx.groups.get(groupId);
          if (!group) throw notFound(`Group ${groupId}`);
          if (group.kind !== 'static') throw new StewardError('conflict', `Group ${group.name} is a smart group; its members follow its filter.`);
        }
      }
      await ctx.devices.update(id, changes);
      if (groupIds) {
        const current = await ctx.groups.groupIdsOf(id);
        const staticCurrent: string[] = [];
        for (const groupId of current) if ((await ctx.groups.get(groupId))?.kind === 'static') staticCurrent.push(groupId);
        for (const groupId of staticCurrent) if (!groupIds.includes(groupId)) await ctx.groups.removeMembers(groupId, [id]);
        for (const groupId of groupIds) if (!staticCurrent.includes(groupId)) await ctx.groups.addMembers(groupId, [id]);
      }
      await ctx.groups.refreshSmartMembership([id]);
      if (groupIds) await request.server.adapters.membershipChanged([id]);
      const updated = await ctx.devices.get(id);
      if (!updated) throw notFound('Device');
      return { ...toDevice(updated), groupIds: await ctx.groups.groupIdsOf(id), inventory: JSON.parse(updated.inventory) as Record<string, unknown> };
    },
  );

  app.post(
    '/api/v1/devices/:id/retire',
    {
      config: { auth: 'devices.retire', action: 'devices.retire' },
      schema: {
        tags: ['devices'],
        summary: 'Stop managing a device: pending commands are cancelled and the device is marked retired',
        params: IdParams,
        response: { 200: DeviceSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      request.auditTarget = { type: 'device', id };
      const device = await ctx.devices.get(id);
      if (!device) throw notFound('Device');
      if (device.enrollment_state === 'retired') throw new StewardError('conflict', 'The device is already retired.');
      await ctx.devices.setEnrollmentState(id, 'retired');
      await ctx.commands.cancelForDevice(id);
      const updated = await ctx.devices.get(id);
      if (!updated) throw notFound('Device');
      return toDevice(updated);
    },
  );

  app.delete(
    '/api/v1/devices/:id',
    {
      config: { auth: 'devices.delete', action: 'devices.delete' },
      schema: { tags: ['devices'], summary: 'Delete a device record and its command history', params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const device = await ctx.devices.get(request.params.id);
      if (!device) throw notFound('Device');
      request.auditTarget = { type: 'device', id: device.id, details: { name: device.name, serialNumber: device.serial_number } };
      await ctx.devices.delete(device.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/devices/:id/commands',
    {
      config: { auth: 'commands.read' },
      schema: {
        tags: ['devices'],
        summary: 'The device’s command timeline, newest first',
        params: IdParams,
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                commandId: Uuid,
                type: Type.String(),
                kind: Type.String(),
                state: Type.String(),
                createdAt: Timestamp,
                sentAt: NullableTimestamp,
                completedAt: NullableTimestamp,
                result: Type.Unknown(),
                createdBy: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      if (!(await ctx.devices.get(request.params.id))) throw notFound('Device');
      const rows = await ctx.commands.timeline(request.params.id, request.query.limit);
      return {
        items: rows.map((r) => ({
          commandId: r.command_id,
          type: r.type,
          kind: r.kind,
          state: r.state,
          createdAt: iso(r.created_at),
          sentAt: iso(r.sent_at),
          completedAt: iso(r.completed_at),
          result: r.result === null ? null : (JSON.parse(r.result) as unknown),
          createdBy: r.created_by_label,
        })),
      };
    },
  );
};
