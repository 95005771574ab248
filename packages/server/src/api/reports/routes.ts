import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { StewardError, notFound } from '../../core/errors.js';
import { iso } from '../../core/ids.js';
import { can } from '../../core/permissions.js';
import { type ReportScheduleRow, SCHEDULE_INTERVALS } from '../../core/reports/report-scheduler.js';
import { REPORT_FORMATS, REPORT_NAMES, REPORTS, type ReportName, type ReportParams } from '../../core/reports/report-service.js';
import { DeviceFilterBody, DeviceFilterQuery, fromDeviceFilter, toDeviceFilter } from '../devices/filter-query.js';
import { principalOf, type RouteModule } from '../route-config.js';
import { Email, IdParams, Name, NullableTimestamp, Timestamp, Uuid } from '../schemas.js';

const ReportNameSchema = Type.Union(REPORT_NAMES.map((n) => Type.Literal(n)));
const FormatSchema = Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('pdf')], { description: `One of ${REPORT_FORMATS.join(', ')}` });

const DestinationSchema = Type.Union([
  Type.Object({ type: Type.Literal('email'), to: Type.Array(Email, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('webhook'), webhookId: Uuid }, { additionalProperties: false }),
]);

const ScheduleSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  report: Type.String(),
  filter: Type.Record(Type.String(), Type.Unknown()),
  rangeDays: Type.Union([Type.Integer(), Type.Null()]),
  format: Type.String(),
  interval: Type.String(),
  destination: Type.Record(Type.String(), Type.Unknown()),
  enabled: Type.Boolean(),
  nextRunAt: Timestamp,
  lastRunAt: NullableTimestamp,
  lastStatus: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
});

const toSchedule = (row: ReportScheduleRow) => {
  const params = JSON.parse(row.params) as { filter: Parameters<typeof fromDeviceFilter>[0]; rangeDays: number | null };
  return {
    id: row.id,
    name: row.name,
    report: row.report,
    filter: fromDeviceFilter(params.filter),
    rangeDays: params.rangeDays,
    format: row.format,
    interval: row.interval,
    destination: JSON.parse(row.destination) as Record<string, unknown>,
    enabled: row.enabled === 1,
    nextRunAt: iso(row.next_run_at),
    lastRunAt: iso(row.last_run_at),
    lastStatus: row.last_status,
    lastError: row.last_error,
  };
};

/** Reports (JSON, CSV streamed, PDF) and their scheduled delivery by e-mail or webhook. */
export const reportRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/api/v1/reports',
    {
      config: { auth: 'reports.read' },
      schema: {
        tags: ['reports'],
        summary: 'The reports Steward can produce',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                name: Type.String(),
                title: Type.String(),
                description: Type.String(),
                columns: Type.Array(Type.String()),
                filterable: Type.Boolean(),
                dateRange: Type.Boolean(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ items: REPORT_NAMES.map((n) => ({ ...REPORTS[n], columns: [...REPORTS[n].columns], permission: undefined })) }),
  );

  app.get(
    '/api/v1/reports/:name',
    {
      config: { auth: 'reports.read' },
      schema: {
        tags: ['reports'],
        summary: 'Run a report: JSON, CSV (RFC 4180, streamed) or PDF',
        params: Type.Object({ name: ReportNameSchema }, { additionalProperties: false }),
        querystring: Type.Object(
          {
            ...DeviceFilterQuery,
            format: Type.Optional(FormatSchema),
            from: Type.Optional(Timestamp),
            to: Type.Optional(Timestamp),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            report: Type.String(),
            title: Type.String(),
            generatedAt: Timestamp,
            columns: Type.Array(Type.String()),
            rows: Type.Array(Type.Array(Type.Unknown())),
          }),
        },
      },
    },
    async (request, reply) => {
      const name = request.params.name as ReportName;
      const def = REPORTS[name];
      if (def.permission && !can(principalOf(request).role, def.permission))
        throw new StewardError('forbidden', `This report needs the ${def.permission} permission.`);
      const { format = 'json', from, to, ...filter } = request.query;
      const params: ReportParams = {
        filter: toDeviceFilter(filter),
        from: from ? Date.parse(from) : undefined,
        to: to ? Date.parse(to) : undefined,
      };
      const stamp = new Date().toISOString().slice(0, 10);
      if (format === 'csv') {
        reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="steward-${name}-${stamp}.csv"`);
        // Streamed page by page: a 100,000-device inventory never sits in memory whole.
        return reply.send(Readable.from(ctx.reports.csv(name, params)) as never);
      }
      if (format === 'pdf') {
        const pdf = await ctx.reports.pdf(name, params);
        reply.type('application/pdf').header('content-disposition', `attachment; filename="steward-${name}-${stamp}.pdf"`);
        return reply.send(pdf as never);
      }
      return {
        report: name,
        title: def.title,
        generatedAt: new Date().toISOString(),
        columns: [...def.columns],
        rows: await ctx.reports.collect(name, params),
      };
    },
  );

  const scheduleBody = {
    name: Name,
    report: ReportNameSchema,
    filter: Type.Optional(DeviceFilterBody),
    rangeDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })),
    format: FormatSchema,
    interval: Type.Union(Object.keys(SCHEDULE_INTERVALS).map((k) => Type.Literal(k))),
    destination: DestinationSchema,
    enabled: Type.Optional(Type.Boolean()),
    startAt: Type.Optional(Timestamp),
  };
  const checkDestination = async (destination: { type: string; webhookId?: string }) => {
    if (destination.type === 'email' && !ctx.mailer.configured) throw new StewardError('smtp_not_configured');
    if (destination.type === 'webhook' && !(await ctx.webhooks.repo.get(destination.webhookId ?? ''))) throw notFound('Webhook');
  };

  app.get(
    '/api/v1/report-schedules',
    {
      config: { auth: 'reports.read' },
      schema: { tags: ['reports'], summary: 'List report schedules', response: { 200: Type.Object({ items: Type.Array(ScheduleSchema) }) } },
    },
    async () => ({ items: (await ctx.reportSchedules.list()).map(toSchedule) }),
  );

  app.post(
    '/api/v1/report-schedules',
    {
      config: { auth: 'reports.write', action: 'reports.schedules.create' },
      schema: {
        tags: ['reports'],
        summary: 'Schedule a report for daily or weekly delivery by e-mail or to a webhook',
        body: Type.Object(scheduleBody, { additionalProperties: false }),
        response: { 201: ScheduleSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const def = REPORTS[body.report as ReportName];
      if (def.permission && !can(principalOf(request).role, def.permission))
        throw new StewardError('forbidden', `This report needs the ${def.permission} permission.`);
      await checkDestination(body.destination);
      const row = await ctx.reportSchedules.create({
        name: body.name,
        report: body.report as ReportName,
        filter: toDeviceFilter(body.filter ?? {}),
        rangeDays: body.rangeDays,
        format: body.format,
        interval: body.interval as 'daily',
        destination: body.destination,
        enabled: body.enabled ?? true,
        startAt: body.startAt ? Date.parse(body.startAt) : undefined,
      });
      request.auditTarget = { type: 'report_schedule', id: row.id, details: body };
      return reply.code(201).send(toSchedule(row));
    },
  );

  app.patch(
    '/api/v1/report-schedules/:id',
    {
      config: { auth: 'reports.write', action: 'reports.schedules.update' },
      schema: {
        tags: ['reports'],
        summary: 'Change a report schedule',
        params: IdParams,
        body: Type.Partial(Type.Object(scheduleBody, { additionalProperties: false }), { additionalProperties: false, minProperties: 1 }),
        response: { 200: ScheduleSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      request.auditTarget = { type: 'report_schedule', id, details: request.body };
      if (!(await ctx.reportSchedules.get(id))) throw notFound('Schedule');
      const body = request.body;
      if (body.destination) await checkDestination(body.destination);
      await ctx.reportSchedules.update(id, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.report !== undefined ? { report: body.report as ReportName } : {}),
        ...(body.filter !== undefined ? { filter: toDeviceFilter(body.filter) } : {}),
        ...(body.rangeDays !== undefined ? { rangeDays: body.rangeDays } : {}),
        ...(body.format !== undefined ? { format: body.format } : {}),
        ...(body.interval !== undefined ? { interval: body.interval as 'daily' } : {}),
        ...(body.destination !== undefined ? { destination: body.destination } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
        ...(body.startAt !== undefined ? { startAt: Date.parse(body.startAt) } : {}),
      });
      const row = await ctx.reportSchedules.get(id);
      if (!row) throw notFound('Schedule');
      return toSchedule(row);
    },
  );

  app.delete(
    '/api/v1/report-schedules/:id',
    {
      config: { auth: 'reports.write', action: 'reports.schedules.delete' },
      schema: { tags: ['reports'], summary: 'Delete a report schedule', params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      request.auditTarget = { type: 'report_schedule', id: request.params.id };
      if (!(await ctx.reportSchedules.get(request.params.id))) throw notFound('Schedule');
      await ctx.reportSchedules.delete(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/report-schedules/:id/run',
    {
      config: { auth: 'reports.write', action: 'reports.schedules.run' },
      schema: {
        tags: ['reports'],
        summary: 'Run a schedule now (its regular runs are unchanged)',
        params: IdParams,
        response: { 200: ScheduleSchema },
      },
    },
    async (request) => {
      request.auditTarget = { type: 'report_schedule', id: request.params.id };
      const row = await ctx.reportSchedules.get(request.params.id);
      if (!row) throw notFound('Schedule');
      await ctx.reportSchedules.run(row);
      const updated = await ctx.reportSchedules.get(row.id);
      if (!updated) throw notFound('Schedule');
      return toSchedule(updated);
    },
  );
};
