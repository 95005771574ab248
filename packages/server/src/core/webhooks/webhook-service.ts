import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { SecretBox } from '../../pki/secret-box.js';
import { StewardError } from '../errors.js';
import { type EventPublisher, type EventType, isEventType } from '../events/event-publisher.js';
import { uuidv7 } from '../ids.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { WebhookDeliveryRow, WebhookRepository, WebhookRow } from './webhook-repository.js';

export const DELIVER_JOB = 'webhooks.deliver';
export const SIGNATURE_HEADER = 'steward-signature';
export const DELIVERY_HEADER = 'steward-delivery';
export const EVENT_HEADER = 'steward-event';

export interface WebhookOptions {
  /** Accept http:// URLs (tests, a receiver on the same host). Off by default: https only. */
  allowHttp: boolean;
  /** First retry after about this long; each further retry doubles it, up to `maxDelayMs`. */
  retryBaseMs: number;
  maxDelayMs: number;
  /** Attempts in all, the first included; then the delivery is marked failed. */
  maxAttempts: number;
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = Object.freeze({
  allowHttp: false,
  retryBaseMs: 10_000,
  maxDelayMs: 3_600_000,
  maxAttempts: 8,
  timeoutMs: 10_000,
});

const secretContext = (id: string) => `webhooks.secret:${id}`;

/**
 * `Steward-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the webhook's secret>`.
 * Receivers recompute it over the raw body and reject stale timestamps.
 */
export function signature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** Delay before retry number `attempt` (1 = the first retry): exponential, capped, with jitter (50–100 %). */
export function backoff(attempt: number, options: Pick<WebhookOptions, 'retryBaseMs' | 'maxDelayMs'>, random = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.retryBaseMs * 2 ** (attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/**
 * Webhooks: endpoints admins register, the dispatcher that turns outbox events into deliveries, and
 * the delivery job (signed POST, retried with backoff, every attempt logged).
 */
export class WebhookService {
  constructor(
    private readonly db: Kysely<DB>,
    readonly repo: WebhookRepository,
    private readonly box: SecretBox,
    private readonly jobs: JobQueue,
    private readonly events: EventPublisher,
    readonly options: WebhookOptions = DEFAULT_WEBHOOK_OPTIONS,
  ) {}

  validateUrl(value: string): void {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new StewardError('invalid_webhook_url', 'The URL is not valid.');
    }
    if (url.username || url.password) throw new StewardError('invalid_webhook_url', 'Put credentials in the signature secret, not in the URL.');
    if (url.protocol === 'https:') return;
    if (url.protocol === 'http:' && this.options.allowHttp) return;
    throw new StewardError('invalid_webhook_url', this.options.allowHttp ? 'Use http or https.' : 'Webhook URLs must use https (see --webhooks-allow-http).');
  }

  /** Creates a webhook; the secret is returned here once and stored sealed. */
  async create(input: { name: string; url: string; eventTypes: string[]; enabled: boolean }): Promise<{ row: WebhookRow; secret: string }> {
    this.validateUrl(input.url);
    const types = checkTypes(input.eventTypes);
    const now = Date.now();
    const id = uuidv7(now);
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const row: WebhookRow = {
      id,
      name: input.name,
      url: input.url,
      secret_sealed: this.box.seal(secret, secretContext(id)),
      event_types: JSON.stringify(types),
      enabled: input.enabled ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    await this.repo.insert(row);
    return { row, secret };
  }

  async update(id: string, changes: { name?: string | undefined; url?: string | undefined; eventTypes?: string[] | undefined; enabled?: boolean | undefined }) {
    if (changes.url !== undefined) this.validateUrl(changes.url);
    await this.repo.update(id, {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.eventTypes !== undefined ? { event_types: JSON.stringify(checkTypes(changes.eventTypes)) } : {}),
      ...(changes.enabled !== undefined ? { enabled: changes.enabled ? 1 : 0 } : {}),
    });
  }

  /** Queues a `webhook.test` delivery to one webhook, whatever it subscribes to. */
  sendTest(webhook: WebhookRow): Promise<string> {
    return this.deliverTo(webhook.id, 'webhook.test', { message: 'Test event from Steward.', webhookId: webhook.id });
  }

  /** Queues one delivery of an event to one webhook, whatever it subscribes to (tests, scheduled reports). */
  async deliverTo(webhookId: string, type: EventType, data: Record<string, unknown>): Promise<string> {
    const webhook = await this.repo.get(webhookId);
    if (!webhook) throw new StewardError('not_found', 'Webhook not found.');
    const now = Date.now();
    const eventId = uuidv7(now);
    const delivery = this.newDelivery(webhook, { id: eventId, type, occurred_at: now, payload: JSON.stringify(data) }, now);
    await this.db.transaction().execute(async (trx) => {
      await this.repo.insertDeliveries(trx, [delivery]);
      await this.jobs.enqueue(DELIVER_JOB, { deliveryId: delivery.id }, { uniqueKey: `webhook:${delivery.id}:1`, maxAttempts: 3 }, trx);
    });
    return delivery.id;
  }

  /**
   * Moves outbox events to deliveries (one per subscribed, enabled webhook) and queues their jobs,
   * in one transaction, so an event is dispatched once even if the process dies halfway.
   */
  async dispatch(limit = 500): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const events = await this.repo.undispatched(trx, limit);
      if (events.length === 0) return 0;
      const hooks = await this.repo.enabled(trx);
      const now = Date.now();
      const deliveries: WebhookDeliveryRow[] = [];
      for (const event of events) {
        for (const hook of hooks) {
          const types = JSON.parse(hook.event_types) as string[];
          if (types.includes('*') || types.includes(event.type)) deliveries.push(this.newDelivery(hook, event, now));
        }
      }
      await this.repo.insertDeliveries(trx, deliveries);
      for (const d of deliveries) await this.jobs.enqueue(DELIVER_JOB, { deliveryId: d.id }, { uniqueKey: `webhook:${d.id}:1`, maxAttempts: 3 }, trx);
      await this.repo.markDispatched(
        trx,
        events.map((e) => e.id),
        now,
      );
      return deliveries.length;
    });
  }

  private newDelivery(hook: WebhookRow, event: { id: string; type: string; occurred_at: number; payload: string }, now: number): WebhookDeliveryRow {
    const id = uuidv7(now);
    // The body is fixed once, so every retry carries the same bytes under a fresh signature.
    const body = JSON.stringify({
      id,
      event: event.type,
      eventId: event.id,
      occurredAt: new Date(event.occurred_at).toISOString(),
      data: JSON.parse(event.payload) as unknown,
    });
    return {
      id,
      webhook_id: hook.id,
      event_id: event.id,
      event_type: event.type,
      body,
      state: 'queued',
      attempts: 0,
      next_attempt_at: now,
      last_status_code: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
  }

  /**
   * One attempt of a delivery (the job handler). The attempt is claimed in the database first, so
   * a job that two nodes both think they hold still sends once; a failure queues the next attempt
   * as its own job, `backoff()` later.
   */
  async deliver(deliveryId: string): Promise<void> {
    const delivery = await this.repo.delivery(deliveryId);
    if (!delivery || (delivery.state !== 'queued' && delivery.state !== 'retrying')) return;
    const hook = await this.repo.get(delivery.webhook_id);
    if (!hook) return;
    const attempt = delivery.attempts + 1;
    const started = Date.now();
    if (!(await this.repo.startAttempt(delivery.id, attempt, started))) return;
    const secret = this.box.open(hook.secret_sealed, secretContext(hook.id)).toString('utf8');
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Steward-Webhooks/1',
          [SIGNATURE_HEADER]: signature(secret, delivery.body, Math.floor(started / 1000)),
          [DELIVERY_HEADER]: delivery.id,
          [EVENT_HEADER]: delivery.event_type,
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      await response.body?.cancel().catch(() => {});
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (e) {
      error = (e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)).slice(0, 500);
    }
    const duration = Date.now() - started;
    const ok = error === null;
    const exhausted = attempt >= this.options.maxAttempts;
    const nextAttemptAt = ok || exhausted ? null : Date.now() + backoff(attempt, this.options);
    await this.repo.finishAttempt(
      { delivery_id: delivery.id, attempt, at: started, status_code: status, duration_ms: duration, error },
      { state: ok ? 'succeeded' : exhausted ? 'failed' : 'retrying', nextAttemptAt },
    );
    if (nextAttemptAt !== null) {
      await this.jobs.enqueue(
        DELIVER_JOB,
        { deliveryId: delivery.id },
        { uniqueKey: `webhook:${delivery.id}:${attempt + 1}`, runAt: nextAttemptAt, maxAttempts: 3 },
      );
    }
  }

  /** Publishes an event (a thin pass-through, so callers need only the webhook service). */
  publish(type: EventType, data: Record<string, unknown>): Promise<string> {
    return this.events.publish(type, data);
  }
}

function checkTypes(types: string[]): string[] {
  for (const t of types) if (t !== '*' && !isEventType(t)) throw new StewardError('validation_failed', `Unknown event type ${t}.`);
  return [...new Set(types)];
}
