import type { Kysely, Selectable } from 'kysely';
import type { DB, ReportSchedulesTable } from '../../db/schema.js';
import type { DeviceFilter } from '../devices/device-filter.js';
import { uuidv7 } from '../ids.js';
import type { Mailer } from '../mail/mailer.js';
import type { WebhookService } from '../webhooks/webhook-service.js';
import { REPORTS, type ReportFormat, type ReportName, type ReportService } from './report-service.js';

export type ReportScheduleRow = Selectable<ReportSchedulesTable>;
export const SCHEDULE_INTERVALS = { daily: 86_400_000, weekly: 7 * 86_400_000 } as const;
export type ScheduleInterval = keyof typeof SCHEDULE_INTERVALS;

export interface ScheduleInput {
  name: string;
  report: ReportName;
  filter: DeviceFilter;
  /** Days back from each run that date-ranged reports cover (default: one interval). */
  rangeDays?: number | undefined;
  format: ReportFormat;
  interval: ScheduleInterval;
  /** E-mail addresses, or the id of a registered webhook (signed, retried, logged like every delivery). */
  destination: { type: 'email'; to: string[] } | { type: 'webhook'; webhookId: string };
  enabled: boolean;
  /** First run; default: now. */
  startAt?: number | undefined;
}

/** Report schedules (SQL and running them): the job runner calls `runDue` every minute. */
export class ReportScheduler {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly reports: ReportService,
    private readonly mailer: Mailer,
    private readonly webhooks: WebhookService,
  ) {}

  async create(input: ScheduleInput): Promise<ReportScheduleRow> {
    const now = Date.now();
    const row: ReportScheduleRow = {
      id: uuidv7(now),
      name: input.name,
      report: input.report,
      params: JSON.stringify({ filter: input.filter, rangeDays: input.rangeDays ?? null }),
      format: input.format,
      interval: input.interval,
      destination_type: input.destination.type,
      destination: JSON.stringify(input.destination),
      enabled: input.enabled ? 1 : 0,
      next_run_at: input.startAt ?? now,
      last_run_at: null,
      last_status: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('report_schedules').values(row).execute();
    return row;
  }

  async update(id: string, input: Partial<ScheduleInput>): Promise<void> {
    const current = await this.get(id);
    if (!current) return;
    const params = JSON.parse(current.params) as { filter: DeviceFilter; rangeDays: number | null };
    await this.db
      .updateTable('report_schedules')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.report !== undefined ? { report: input.report } : {}),
        ...(input.format !== undefined ? { format: input.format } : {}),
        ...(input.interval !== undefined ? { interval: input.interval } : {}),
        ...(input.destination !== undefined ? { destination_type: input.destination.type, destination: JSON.stringify(input.destination) } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
        ...(input.startAt !== undefined ? { next_run_at: input.startAt } : {}),
        params: JSON.stringify({ filter: input.filter ?? params.filter, rangeDays: input.rangeDays ?? params.rangeDays }),
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('report_schedules').where('id', '=', id).execute();
  }

  get(id: string): Promise<ReportScheduleRow | undefined> {
    return this.db.selectFrom('report_schedules').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(): Promise<ReportScheduleRow[]> {
    return this.db.selectFrom('report_schedules').selectAll().orderBy('name').execute();
  }

  /** Runs every enabled schedule that is due. A schedule is claimed by moving its next run, so it runs once across nodes. */
  async runDue(now = Date.now()): Promise<number> {
    const due = await this.db.selectFrom('report_schedules').selectAll().where('enabled', '=', 1).where('next_run_at', '<=', now).execute();
    let ran = 0;
    for (const schedule of due) {
      const period = SCHEDULE_INTERVALS[schedule.interval as ScheduleInterval] ?? SCHEDULE_INTERVALS.daily;
      // The next run keeps the schedule's rhythm (same time of day) even when this one ran late.
      let next = schedule.next_run_at + period;
      while (next <= now) next += period;
      const claimed = await this.db
        .updateTable('report_schedules')
        .set({ next_run_at: next })
        .where('id', '=', schedule.id)
        .where('next_run_at', '=', schedule.next_run_at)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) continue;
      await this.run(schedule, now);
      ran++;
    }
    return ran;
  }

  /** Renders the schedule's report and sends it; the outcome is recorded on the schedule. */
  async run(schedule: ReportScheduleRow, now = Date.now()): Promise<{ ok: boolean; error: string | null }> {
    let error: string | null = null;
    try {
      const name = schedule.report as ReportName;
      const params = JSON.parse(schedule.params) as { filter: DeviceFilter; rangeDays: number | null };
      const period = SCHEDULE_INTERVALS[schedule.interval as ScheduleInterval] ?? SCHEDULE_INTERVALS.daily;
      const from = now - (params.rangeDays ? params.rangeDays * 86_400_000 : period);
      const rendered = await this.reports.render(name, schedule.format as ReportFormat, { filter: params.filter, from, to: now });
      const filename = `steward-${name}-${new Date(now).toISOString().slice(0, 10)}.${rendered.extension}`;
      const destination = JSON.parse(schedule.destination) as ScheduleInput['destination'];
      if (destination.type === 'email') {
        await this.mailer.send({
          to: destination.to,
          subject: `Steward report: ${REPORTS[name].title} (${schedule.name})`,
          text: `The ${schedule.interval} report "${schedule.name}" (${REPORTS[name].title}) is attached.\r\nGenerated ${new Date(now).toISOString()}.`,
          attachments: [{ filename, content: rendered.body, contentType: rendered.contentType }],
        });
      } else {
        await this.webhooks.deliverTo(destination.webhookId, 'report.delivered', {
          scheduleId: schedule.id,
          schedule: schedule.name,
          report: name,
          format: schedule.format,
          filename,
          contentType: rendered.contentType,
          contentBase64: rendered.body.toString('base64'),
        });
      }
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).slice(0, 1000);
    }
    await this.db
      .updateTable('report_schedules')
      .set({ last_run_at: now, last_status: error ? 'failed' : 'sent', last_error: error, updated_at: Date.now() })
      .where('id', '=', schedule.id)
      .execute();
    return { ok: error === null, error };
  }
}
