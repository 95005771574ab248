import type { Kysely, Selectable } from 'kysely';
import type { AuditEventsTable, DB } from '../../db/schema.js';
import { uuidv7 } from '../ids.js';

export type AuditRow = Selectable<AuditEventsTable>;
export type AuditOutcome = 'success' | 'denied' | 'failure';

export interface AuditEvent {
  actorType: 'user' | 'token' | 'system' | 'device' | 'anonymous';
  actorId?: string | null | undefined;
  actorLabel?: string | null | undefined;
  action: string;
  targetType?: string | null | undefined;
  targetId?: string | null | undefined;
  outcome: AuditOutcome;
  statusCode?: number | null | undefined;
  requestId?: string | null | undefined;
  sourceIp?: string | null | undefined;
  details?: unknown;
}

export interface AuditFilter {
  actorId?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  outcome?: AuditOutcome | undefined;
  since?: number | undefined;
  until?: number | undefined;
  /** Return events older than this event id (keyset paging, newest first). */
  before?: string | undefined;
  limit: number;
}

/** The append-only audit log. There is no update or delete here, and the database refuses both. */
export class AuditRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async append(event: AuditEvent, db: Kysely<DB> = this.db): Promise<string> {
    const at = Date.now();
    const id = uuidv7(at);
    await db
      .insertInto('audit_events')
      .values({
        id,
        at,
        actor_type: event.actorType,
        actor_id: event.actorId ?? null,
        actor_label: event.actorLabel ?? null,
        action: event.action,
        target_type: event.targetType ?? null,
        target_id: event.targetId ?? null,
        outcome: event.outcome,
        status_code: event.statusCode ?? null,
        request_id: event.requestId ?? null,
        source_ip: event.sourceIp ?? null,
        details: event.details === undefined ? null : JSON.stringify(event.details),
      })
      .execute();
    return id;
  }

  list(filter: AuditFilter): Promise<AuditRow[]> {
    let query = this.db.selectFrom('audit_events').selectAll();
    if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.targetType) query = query.where('target_type', '=', filter.targetType);
    if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
    if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('at', '<', filter.until);
    if (filter.before) query = query.where('id', '<', filter.before);
    return query.orderBy('id', 'desc').limit(filter.limit).execute();
  }
}
