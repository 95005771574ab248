import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../test-support/databases.js';
import { createHarness, type Harness } from '../../test-support/harness.js';
import { startWebhookReceiver } from '../../test-support/webhook-receiver.js';
import { JobRunner } from '../../workers/job-runner.js';
import { backoff, DEFAULT_WEBHOOK_OPTIONS, DELIVER_JOB, signature, WebhookService } from './webhook-service.js';

const silent = { warn() {}, error() {}, info() {} } as never;

describe('webhook signing and backoff', () => {
  it('signs "t.body" with HMAC-SHA256 under the secret', () => {
    // Recomputed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    expect(signature('whsec_test', '{"a":1}', 1_700_000_000)).toBe('t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789');
  });

  it('backs off exponentially with jitter, capped', () => {
    const opts = { retryBaseMs: 1000, maxDelayMs: 10_000 };
    expect(backoff(1, opts, () => 0)).toBe(500);
    expect(backoff(1, opts, () => 0.999999)).toBe(1000);
    expect(backoff(3, opts, () => 0.999999)).toBe(4000);
    expect(backoff(10, opts, () => 0.999999)).toBe(10_000);
    expect(backoff(10, opts, () => 0)).toBe(5000);
  });
});

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`webhooks on ${database.dialect}`, () => {
    let h: Harness;
    let secret: string | undefined;
    let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

    beforeAll(async () => {
      // The receiver fails the first attempt of every delivery it sees, then accepts.
      const seen = new Map<string, number>();
      receiver = await startWebhookReceiver({
        secret: () => secret,
        respond: () => {
          const last = receiver.received.at(-1);
          const id = String(last?.headers['steward-delivery']);
          const n = (seen.get(id) ?? 0) + 1;
          seen.set(id, n);
          return n === 1 ? 500 : 200;
        },
      });
      h = await createHarness(database, { webhooksAllowHttp: true });
    });
    afterAll(async () => {
      await h?.close();
      await receiver?.close();
    });

    it('CRUD: the secret is shown once; writes are audited and need webhooks.write', async () => {
      const { app } = h;
      const denied = await app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: h.auth('operator'),
        payload: { name: 'x', url: receiver.url, eventTypes: ['*'] },
      });
      expect(denied.statusCode).toBe(403);
      const bad = await app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: h.auth('admin'),
        payload: { name: 'x', url: 'ftp://example.test/', eventTypes: ['*'] },
      });
      expect(bad.json().error.code).toBe('invalid_webhook_url');
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: h.auth('admin'),
        payload: { name: 'Receiver', url: receiver.url, eventTypes: ['device.enrolled', 'command.failed', 'policy.failed'] },
      });
      expect(created.statusCode).toBe(201);
      secret = created.json().secret;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      const audit = await h.auditFor(created.headers['x-request-id'] as string);
      expect(audit.map((a) => [a.action, a.outcome])).toEqual([['webhooks.create', 'success']]);
      expect(audit[0]?.details).not.toContain(secret);
      const read = await app.inject({ url: `/api/v1/webhooks/${created.json().id}`, headers: h.auth('auditor') });
      expect(read.statusCode).toBe(200);
      expect(read.body).not.toContain('whsec_');
      const patched = await app.inject({
        method: 'PATCH',
        url: `/api/v1/webhooks/${created.json().id}`,
        headers: h.auth('admin'),
        payload: { name: 'Receiver 2' },
      });
      expect(patched.json().name).toBe('Receiver 2');
    });

    it('https only unless allowed', () => {
      const strict = new WebhookService(h.ctx.database.db, h.ctx.webhooks.repo, h.ctx.box, h.ctx.jobs, h.ctx.events, DEFAULT_WEBHOOK_OPTIONS);
      expect(() => strict.validateUrl('http://127.0.0.1:9/hook')).toThrow(/https/);
      expect(() => strict.validateUrl('https://user:pw@example.test/hook')).toThrow(/credentials/);
      expect(() => strict.validateUrl('https://example.test/hook')).not.toThrow();
    });

    it('core events reach the webhook signed; a 500 is retried with backoff and the delivery log shows both attempts', async () => {
      const { ctx, app } = h;
      const fast = new WebhookService(ctx.database.db, ctx.webhooks.repo, ctx.box, ctx.jobs, ctx.events, {
        ...DEFAULT_WEBHOOK_OPTIONS,
        allowHttp: true,
        retryBaseMs: 1000,
      });
      const runner = new JobRunner(
        ctx.jobs,
        { [DELIVER_JOB]: async (job) => fast.deliver((JSON.parse(job.payload) as { deliveryId: string }).deliveryId) },
        [],
        silent,
      );

      // device.enrolled from the core (create), command.failed from the queue, policy.failed as the reconciler publishes it.
      const device = await ctx.devices.create({ platform: 'macos', ownership: 'corporate', name: 'Mac' });
      const { command } = await ctx.commands.enqueue({
        kind: 'intent',
        type: 'restart',
        platform: null,
        payload: {},
        target: { deviceIds: [device.id] },
        platforms: ['macos'],
        createdBy: { type: 'user', id: null, label: 't' },
        ttlMs: 60_000,
      });
      await ctx.commands.markSent(device.id, command.id);
      expect(await ctx.commands.recordResult(device.id, command.id, 'error', { ErrorChain: 'nope' })).toBe('recorded');
      expect(await ctx.commands.recordResult(device.id, command.id, 'error', { ErrorChain: 'nope' })).toBe('duplicate');
      await ctx.events.publish('policy.failed', { deviceId: device.id, key: 'policy.p1', itemId: 'p1', name: 'Passcode', reason: 'rejected' });
      // Retire is an event too, but this webhook doesn't subscribe to it.
      await ctx.devices.setEnrollmentState(device.id, 'retired');

      expect(await fast.dispatch()).toBe(3);
      expect(await fast.dispatch()).toBe(0);
      await runner.drain();
      expect(receiver.received).toHaveLength(3);
      const deliveries = await app.inject({ url: `/api/v1/webhooks/${(await ctx.webhooks.repo.list())[0]?.id}/deliveries`, headers: h.auth('auditor') });
      expect(deliveries.json().items.map((d: { state: string }) => d.state)).toEqual(['retrying', 'retrying', 'retrying']);

      // Retries wait for their backoff (500–1000 ms for the first), then succeed.
      await runner.drain();
      expect(receiver.received).toHaveLength(3);
      await new Promise((r) => setTimeout(r, 1050));
      await runner.drain();
      expect(receiver.received).toHaveLength(6);
      expect(receiver.received.every((r) => r.signatureValid)).toBe(true);

      const log = await app.inject({ url: `/api/v1/webhooks/${(await ctx.webhooks.repo.list())[0]?.id}/deliveries`, headers: h.auth('auditor') });
      const items = log.json().items as {
        eventType: string;
        state: string;
        attempts: number;
        log: { statusCode: number; at: string; durationMs: number }[];
        id: string;
      }[];
      expect(items.map((d) => d.eventType).sort()).toEqual(['command.failed', 'device.enrolled', 'policy.failed']);
      for (const d of items) {
        expect(d.state).toBe('succeeded');
        expect(d.log.map((a) => a.statusCode)).toEqual([500, 200]);
        expect(Date.parse(d.log[1]?.at as string) - Date.parse(d.log[0]?.at as string)).toBeGreaterThanOrEqual(500);
        // The same delivery id and body on both attempts: the receiver can de-duplicate.
        const attempts = receiver.received.filter((r) => r.headers['steward-delivery'] === d.id);
        expect(attempts).toHaveLength(2);
        expect(attempts[0]?.body).toBe(attempts[1]?.body);
      }
      const failed = receiver.received.map((r) => JSON.parse(r.body)).find((b) => b.event === 'command.failed');
      expect(failed.data).toMatchObject({ deviceId: device.id, commandId: command.id, type: 'restart' });
      expect(failed.data.error).toContain('nope');
    });

    it('gives up after the last attempt and says so in the log; the test endpoint queues a webhook.test delivery', async () => {
      const { ctx, app } = h;
      const hook = (await ctx.webhooks.repo.list())[0];
      const once = new WebhookService(ctx.database.db, ctx.webhooks.repo, ctx.box, ctx.jobs, ctx.events, {
        ...DEFAULT_WEBHOOK_OPTIONS,
        allowHttp: true,
        maxAttempts: 1,
      });
      const runner = new JobRunner(
        ctx.jobs,
        { [DELIVER_JOB]: async (job) => once.deliver((JSON.parse(job.payload) as { deliveryId: string }).deliveryId) },
        [],
        silent,
      );
      const test = await app.inject({ method: 'POST', url: `/api/v1/webhooks/${hook?.id}/test`, headers: h.auth('admin') });
      expect(test.statusCode).toBe(202);
      await runner.drain();
      const delivery = await ctx.webhooks.repo.delivery(test.json().deliveryId);
      expect(delivery).toMatchObject({ state: 'failed', attempts: 1, last_status_code: 500, last_error: 'HTTP 500', event_type: 'webhook.test' });
      expect(JSON.parse(receiver.received.at(-1)?.body ?? '{}').event).toBe('webhook.test');
    });
  });
}
