import { Type } from 'typebox';
import type { AuditFilter, AuditRow } from '../../core/audit/audit-repository.js';
import { iso } from '../../core/ids.js';
import type { RouteModule } from '../route-config.js';
import { Timestamp, Uuid } from '../schemas.js';

const Outcome = Type.Union([Type.Literal('success'), Type.Literal('denied'), Type.Literal('failure')]);
const AuditEventSchema = Type.Object({
  id: Uuid,
  at: Timestamp,
  actor: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]), label: Type.Union([Type.String(), Type.Null()]) }),
  action: Type.String(),
  target: Type.Object({ type: Type.Union([Type.String(), Type.Null()]), id: Type.Union([Type.String(), Type.Null()]) }),
  outcome: Outcome,
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  sourceIp: Type.Union([Type.String(), Type.Null()]),
  details: Type.Unknown(),
});

const FilterQuery = {
  actorId: Type.Optional(Type.String({ maxLength: 64 })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  targetType: Type.Optional(Type.String({ maxLength: 50 })),
  targetId: Type.Optional(Type.String({ maxLength: 64 })),
  outcome: Type.Optional(Outcome),
  since: Type.Optional(Timestamp),
  until: Type.Optional(Timestamp),
};
type FilterInput = {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  outcome?: 'success' | 'denied' | 'failure';
  since?: string;
  until?: string;
};

const toFilter = (q: FilterInput, limit: number, before?: string): AuditFilter => ({
  actorId: q.actorId,
  action: q.action,
  targetType: q.targetType,
  targetId: q.targetId,
  outcome: q.outcome,
  since: q.since ? Date.parse(q.since) : undefined,
  until: q.until ? Date.parse(q.until) : undefined,
  before,
  limit,
});

const toEvent = (r: AuditRow) => ({
  id: r.id,
  at: iso(r.at),
  actor: { type: r.actor_type, id: r.actor_id, label: r.actor_label },
  action: r.action,
  target: { type: r.target_type, id: r.target_id },
  outcome: r.outcome as 'success',
  statusCode: r.status_code,
  requestId: r.request_id,
  sourceIp: r.source_ip,
  details: r.details === null ? null : (JSON.parse(r.details) as unknown),
});

const CSV_COLUMNS = [
  'id',
  'at',
  'actor_type',
  'actor_id',
  'actor_label',
  'action',
  'target_type',
  'target_id',
  'outcome',
  'status_code',
  'request_id',
  'source_ip',
  'details',
] as const;

/**
 * One CSV field. Quotes are doubled, and a leading `=`, `+`, `-`, `@` is neutralised so that a
 * spreadsheet opening the export never evaluates what an attacker typed as a formula.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The audit trail: filter, page, export. Read-only; nothing can change or delete a record. */
export const auditRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/api/v1/audit-events',
    {
      config: { auth: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'Audit events, newest first',
        querystring: Type.Object(
          { ...FilterQuery, cursor: Type.Optional(Uuid), limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(AuditEventSchema), nextCursor: Type.Union([Uuid, Type.Null()]) }) },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const rows = await ctx.audit.list(toFilter(filter, limit, cursor));
      return { items: rows.map(toEvent), nextCursor: rows.length === limit ? (rows.at(-1)?.id ?? null) : null };
    },
  );

  app.get(
    '/api/v1/audit-events/export.csv',
    {
      config: { auth: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'Export matching audit events as CSV (at most 100,000 rows, newest first)',
        querystring: Type.Object(FilterQuery, { additionalProperties: false }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const lines = [CSV_COLUMNS.join(',')];
      let before: string | undefined;
      for (let total = 0; total < 100_000; ) {
        const rows = await ctx.audit.list(toFilter(request.query, 5000, before));
        for (const r of rows) {
          lines.push(CSV_COLUMNS.map((c) => csvField(c === 'at' ? iso(r.at) : r[c])).join(','));
        }
        total += rows.length;
        if (rows.length < 5000) break;
        before = rows.at(-1)?.id;
      }
      reply.header('content-disposition', 'attachment; filename="steward-audit.csv"');
      return reply.type('text/csv; charset=utf-8').send(`${lines.join('\r\n')}\r\n`);
    },
  );
};
