import { type Kysely, type Selectable, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { DB, JobsTable } from '../../db/schema.js';
import { uuidv7 } from '../ids.js';
import type { Notifier } from '../notify/notifier.js';

export type JobRow = Selectable<JobsTable>;

export interface JobOptions {
  runAt?: number;
  /** At most one unfinished job per key; enqueueing it again is a no-op. */
  uniqueKey?: string;
  maxAttempts?: number;
}

/**
 * Background work as rows. A job is claimed with a lease; a claimer that dies lets the lease run
 * out and another node takes the job over. On PostgreSQL claims use `FOR UPDATE SKIP LOCKED`, so
 * concurrent workers never take the same row; SQLite serialises writers anyway.
 */
export class JobQueue {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
    /** When given, job runners on every node are told at once about jobs due now. */
    private readonly notifier?: Notifier,
  ) {}

  /** `db`: a transaction, so the job exists exactly when the caller's change does. */
  async enqueue(kind: string, payload: unknown, options: JobOptions = {}, db: Kysely<DB> = this.db): Promise<string | undefined> {
    const now = Date.now();
    const id = uuidv7(now);
    const result = await db
      .insertInto('jobs')
      .values({
        id,
        kind,
        payload: JSON.stringify(payload ?? null),
        unique_key: options.uniqueKey ?? null,
        state: 'queued',
        run_at: options.runAt ?? now,
        attempts: 0,
        max_attempts: options.maxAttempts ?? 5,
        locked_by: null,
        locked_until: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('unique_key').doNothing())
      .executeTakeFirst();
    const inserted = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    // Only jobs due now: a runner would find nothing for a job scheduled later (its poll finds it then).
    if (inserted && (options.runAt ?? now) <= now) await this.notifier?.notify('jobs', { kind });
    return inserted ? id : undefined;
  }

  /** Takes the next due job of these kinds (or one whose lease ran out) for `leaseMs`. */
  async claim(worker: string, kinds: readonly string[], leaseMs: number, now = Date.now()): Promise<JobRow | undefined> {
    if (kinds.length === 0) return undefined;
    const due = this.db
      .selectFrom('jobs')
      .select('id')
      .where('kind', 'in', [...kinds])
      .where((eb) =>
        eb.or([eb.and([eb('state', '=', 'queued'), eb('run_at', '<=', now)]), eb.and([eb('state', '=', 'running'), eb('locked_until', '<', now)])]),
      )
      .orderBy('run_at')
      .limit(1);
    const pick = this.dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
    const row = await this.db
      .updateTable('jobs')
      .set((eb) => ({ state: 'running', locked_by: worker, locked_until: now + leaseMs, attempts: eb('attempts', '+', 1), updated_at: now }))
      .where('id', '=', (eb) => eb.selectFrom(pick.as('due')).select('due.id'))
      .returningAll()
      .executeTakeFirst();
    return row;
  }

  /** Finishes a job. A periodic job (`rescheduleAt`) goes back to the queue instead of being deleted. */
  async complete(id: string, worker: string, rescheduleAt?: number): Promise<boolean> {
    if (rescheduleAt !== undefined) {
      const result = await this.db
        .updateTable('jobs')
        .set({ state: 'queued', run_at: rescheduleAt, locked_by: null, locked_until: null, attempts: 0, last_error: null, updated_at: Date.now() })
        .where('id', '=', id)
        .where('locked_by', '=', worker)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    }
    const result = await this.db.deleteFrom('jobs').where('id', '=', id).where('locked_by', '=', worker).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Records a failure; retries with exponential backoff until `max_attempts`, then parks the job as failed. */
  async fail(job: JobRow, worker: string, error: unknown): Promise<void> {
    const now = Date.now();
    const message = String(error instanceof Error ? error.message : error).slice(0, 2000);
    const exhausted = job.attempts >= job.max_attempts;
    await this.db
      .updateTable('jobs')
      .set({
        state: exhausted ? 'failed' : 'queued',
        run_at: now + Math.min(3_600_000, 1000 * 2 ** job.attempts),
        locked_by: null,
        locked_until: null,
        last_error: message,
        updated_at: now,
      })
      .where('id', '=', job.id)
      .where('locked_by', '=', worker)
      .execute();
  }

  async counts(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['state', sql<number>`count(*)`.as('n')])
      .groupBy('state')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  /** Makes a queued job (a periodic one, by its unique key) due now: a kick after a change. */
  async wake(uniqueKey: string, now = Date.now()): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ run_at: now })
      .where('unique_key', '=', uniqueKey)
      .where('state', '=', 'queued')
      .where('run_at', '>', now)
      .execute();
  }
}
