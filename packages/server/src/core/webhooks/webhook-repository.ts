import type { Kysely, Selectable } from 'kysely';
import type { DB, WebhookAttemptsTable, WebhookDeliveriesTable, WebhooksTable } from '../../db/schema.js';

export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;

/** All SQL of webhooks: endpoints, deliveries and their attempts, and the event outbox they drain. */
export class WebhookRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: WebhookRow): Promise<void> {
    await this.db.insertInto('webhooks').values(row).execute();
  }

  async update(id: string, changes: Partial<Pick<WebhookRow, 'name' | 'url' | 'event_types' | 'enabled'>>): Promise<void> {
    await this.db
      .updateTable('webhooks')
      .set({ ...changes, updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('webhooks').where('id', '=', id).execute();
  }

  get(id: string): Promise<WebhookRow | undefined> {
    return this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(): Promise<WebhookRow[]> {
    return this.db.selectFrom('webhooks').selectAll().orderBy('name').execute();
  }

  enabled(db: Kysely<DB> = this.db): Promise<WebhookRow[]> {
    return db.selectFrom('webhooks').selectAll().where('enabled', '=', 1).execute();
  }

  undispatched(db: Kysely<DB>, limit: number) {
    return db.selectFrom('events').selectAll().where('dispatched_at', 'is', null).orderBy('id').limit(limit).execute();
  }

  async markDispatched(db: Kysely<DB>, ids: readonly string[], at: number): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      await db
        .updateTable('events')
        .set({ dispatched_at: at })
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
    }
  }

  async insertDeliveries(db: Kysely<DB>, rows: WebhookDeliveryRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) {
      await db
        .insertInto('webhook_deliveries')
        .values(rows.slice(i, i + 200))
        .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing())
        .execute();
    }
  }

  delivery(id: string): Promise<WebhookDeliveryRow | undefined> {
    return this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Starts attempt `attempt`; false when that attempt was already started (by another node, or before a crash). */
  async startAttempt(id: string, attempt: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ state: 'delivering', attempts: attempt, updated_at: now })
      .where('id', '=', id)
      .where('attempts', '=', attempt - 1)
      .where('state', 'in', ['queued', 'retrying'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async finishAttempt(attempt: WebhookAttemptRow, outcome: { state: 'succeeded' | 'retrying' | 'failed'; nextAttemptAt: number | null }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('webhook_attempts').values(attempt).execute();
      await trx
        .updateTable('webhook_deliveries')
        .set({
          state: outcome.state,
          next_attempt_at: outcome.nextAttemptAt,
          last_status_code: attempt.status_code,
          last_error: attempt.error,
          updated_at: attempt.at + attempt.duration_ms,
        })
        .where('id', '=', attempt.delivery_id)
        .execute();
    });
  }

  deliveries(webhookId: string, options: { before?: string | undefined; limit: number }): Promise<WebhookDeliveryRow[]> {
    let query = this.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
    if (options.before) query = query.where('id', '<', options.before);
    return query.orderBy('id', 'desc').limit(options.limit).execute();
  }

  attempts(deliveryIds: readonly string[]): Promise<WebhookAttemptRow[]> {
    if (deliveryIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', 'in', [...deliveryIds])
      .orderBy('delivery_id')
      .orderBy('attempt')
      .execute();
  }

  /** Old dispatched events go; the delivery log keeps what was sent. */
  async pruneEvents(before: number): Promise<void> {
    await this.db.deleteFrom('events').where('dispatched_at', '<', before).execute();
  }
}
