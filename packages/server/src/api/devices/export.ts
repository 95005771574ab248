import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { deviceFilterExpression, isEmptyFilter } from '../../core/devices/device-filter.js';
import { iso } from '../../core/ids.js';
import type { DeviceRow } from '../../core/devices/device-repository.js';
import { csvField } from '../audit-events/routes.js';
import { type RouteModule, principalOf } from '../route-config.js';
import { DeviceFilterQuery, toDeviceFilter } from './filter-query.js';

const COLUMNS: readonly [string, (d: DeviceRow) => unknown][] = [
  ['id', (d) => d.id],
  ['name', (d) => d.name],
  ['platform', (d) => d.platform],
  ['channel', (d) => d.channel],
  ['ownership', (d) => d.ownership],
  ['enrollment_state', (d) => d.enrollment_state],
  ['compliance_state', (d) => d.compliance_state],
  ['os_version', (d) => d.os_version],
  ['model', (d) => d.model],
  ['serial_number', (d) => d.serial_number],
  ['udid', (d) => d.udid],
  ['hardware_id', (d) => d.hardware_id],
  ['imei', (d) => d.imei],
  ['assigned_user', (d) => d.assigned_user],
  ['last_seen_at', (d) => iso(d.last_seen_at)],
  ['enrolled_at', (d) => iso(d.enrolled_at)],
];
const BATCH = 2000;

/**
 * The device list as CSV (RFC 4180: CRLF line ends, quoted fields), with the list's filter parameters.
 * Rows stream out in batches walked by id, so a 100,000-device export never sits in memory at once.
 * It is a bulk read of the inventory, so it is audited like a change.
 */
export const deviceExportRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/api/v1/devices/export.csv',
    {
      config: { auth: 'devices.read' },
      schema: {
        tags: ['devices'],
        summary: 'Export the devices matching a filter as CSV (id order)',
        querystring: Type.Object({ ...DeviceFilterQuery, sort: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const { sort: _ignored, ...query } = request.query;
      const filter = toDeviceFilter(query);
      const principal = principalOf(request);
      await ctx.audit.append({
        actorType: principal.type,
        actorId: principal.id,
        actorLabel: principal.label,
        action: 'devices.export',
        targetType: 'device',
        targetId: null,
        outcome: 'success',
        statusCode: 200,
        requestId: request.id,
        sourceIp: request.ip,
        details: { filter: query },
      });
      const { db, dialect } = ctx.database;
      async function* rows(): AsyncGenerator<string> {
        yield `${COLUMNS.map(([name]) => name).join(',')}\r\n`;
        let after: string | undefined;
        for (;;) {
          let batch = db.selectFrom('devices').selectAll().orderBy('id').limit(BATCH);
          if (!isEmptyFilter(filter)) batch = batch.where((eb) => deviceFilterExpression(eb, filter, dialect));
          if (after !== undefined) batch = batch.where('id', '>', after);
          const found = await batch.execute();
          if (found.length > 0) yield found.map((d) => `${COLUMNS.map(([, value]) => csvField(value(d))).join(',')}\r\n`).join('');
          if (found.length < BATCH) return;
          after = found.at(-1)?.id;
        }
      }
      return reply
        .header('content-disposition', 'attachment; filename="steward-devices.csv"')
        .header('cache-control', 'no-store')
        .type('text/csv; charset=utf-8')
        .send(Readable.from(rows()));
    },
  );
};
