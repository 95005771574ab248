import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test-support/harness.js';
import { TEST_DATABASES } from '../../test-support/databases.js';
import { startSmtpServer } from '../../test-support/smtp-server.js';
import { startWebhookReceiver } from '../../test-support/webhook-receiver.js';
import { JobRunner } from '../../workers/job-runner.js';
import { DELIVER_JOB } from '../webhooks/webhook-service.js';
import { ComplianceService } from './compliance-service.js';

const silent = { warn() {}, error() {}, info() {} } as never;

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`compliance on ${database.dialect}`, () => {
    let h: Harness;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
    let secret: string | undefined;
    let clock = Date.parse('2026-11-20T09:00:00Z');
    let service: ComplianceService;

    beforeAll(async () => {
      smtp = await startSmtpServer();
      receiver = await startWebhookReceiver({ secret: () => secret });
      h = await createHarness(database, { webhooksAllowHttp: true, smtpUrl: smtp.url, mailFrom: 'steward@example.test' });
      const { ctx } = h;
      service = new ComplianceService(
        {
          db: ctx.database.db,
          repo: ctx.compliance.repo,
          events: ctx.events,
          audit: ctx.audit,
          commands: ctx.commands,
          devices: ctx.devices,
          mailer: ctx.mailer,
          commandTtlSeconds: 3600,
        },
        () => clock,
      );
    });
    afterAll(async () => {
      await h?.close();
      await smtp?.close();
      await receiver?.close();
    });

    const deliverWebhooks = async () => {
      await h.ctx.webhooks.dispatch();
      const runner = new JobRunner(
        h.ctx.jobs,
        { [DELIVER_JOB]: async (job) => h.ctx.webhooks.deliver((JSON.parse(job.payload) as { deliveryId: string }).deliveryId) },
        [],
        silent,
      );
      await runner.drain();
    };

    it('encrypted rule: compliant, then non-compliant with the reason; after the grace period the actions fire once and are audited', async () => {
      const { app, ctx } = h;
      const hook = await app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: h.auth('admin'),
        payload: { name: 'SIEM', url: receiver.url, eventTypes: ['compliance.changed', 'compliance.grace_expired'] },
      });
      expect(hook.statusCode).toBe(201);
      secret = hook.json().secret;

      const device = await ctx.devices.create({ platform: 'ios', ownership: 'corporate', name: 'Field iPhone', serialNumber: 'F1', osVersion: '18.2' });
      const bystander = await ctx.devices.create({ platform: 'ios', ownership: 'corporate', name: 'Office iPhone', osVersion: '18.2' });
      const group = await ctx.groups.create({ name: 'Field workers', kind: 'static' });
      await ctx.groups.addMembers(group.id, [device.id]);
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/compliance/rules',
        headers: h.auth('operator'),
        payload: {
          name: 'Storage encrypted',
          type: 'encrypted',
          gracePeriodSeconds: 3600,
          actions: { notify: true, lock: true, email: ['it@example.test'] },
          groupIds: [group.id],
        },
      });
      expect(created.statusCode).toBe(201);
      const rule = created.json();
      expect((await h.auditFor(created.headers['x-request-id'] as string))[0]?.action).toBe('compliance.rules.create');

      await ctx.devices.applyInventory(device.id, { facts: { security: { encrypted: true, passcodePresent: true } } });
      await service.evaluateDirty();
      expect((await ctx.devices.get(device.id))?.compliance_state).toBe('compliant');
      // No rules apply to the bystander: compliant with no reasons.
      expect((await ctx.devices.get(bystander.id))?.compliance_state).toBe('compliant');

      clock += 60_000;
      await ctx.devices.applyInventory(device.id, { facts: { security: { encrypted: false, passcodePresent: true } } });
      expect((await ctx.database.db.selectFrom('compliance_dirty').select('device_id').execute()).map((r) => r.device_id)).toEqual([device.id]);
      await service.evaluateDirty();
      const status = await app.inject({ url: `/api/v1/devices/${device.id}/compliance`, headers: h.auth('helpdesk') });
      expect(status.statusCode).toBe(200);
      const body = status.json();
      expect(body.state).toBe('noncompliant');
      expect(body.reasons).toEqual([{ ruleId: rule.id, rule: 'Storage encrypted', type: 'encrypted', outcome: 'fail', message: 'Storage is not encrypted.' }]);
      expect(body.history.map((x: { state: string }) => x.state)).toEqual(['noncompliant', 'compliant']);
      expect(body.violations[0].actionsFired).toBeNull();

      // Inside the grace period nothing fires.
      clock += 3_600_000 - 1;
      expect(await service.runDueActions()).toEqual([]);
      clock += 1;
      const woken: string[] = [];
      const fired = await service.runDueActions(async (id) => {
        woken.push(id);
      });
      expect(fired).toEqual([{ deviceId: device.id, ruleId: rule.id, actions: ['notify', 'email', 'lock'] }]);
      clock += 3_600_000;
      expect(await service.runDueActions()).toEqual([]);

      const locks = await ctx.commands.list({ deviceId: device.id, type: 'lock', limit: 10 });
      expect(locks).toHaveLength(1);
      expect(locks[0]?.created_by_type).toBe('system');
      expect(woken).toEqual([locks[0]?.id]);
      const audit = await ctx.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('target_id', '=', device.id)
        .where('action', 'like', 'compliance.action.%')
        .execute();
      expect(audit.map((a) => [a.action, a.actor_type, a.outcome]).sort()).toEqual([
        ['compliance.action.email', 'system', 'success'],
        ['compliance.action.lock', 'system', 'success'],
        ['compliance.action.notify', 'system', 'success'],
      ]);
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0]?.to).toEqual(['it@example.test']);
      expect(smtp.messages[0]?.from).toBe('steward@example.test');
      expect(smtp.messages[0]?.data).toContain('Subject: Steward: Field iPhone is not compliant (Storage encrypted)');
      expect(smtp.messages[0]?.data).toContain('Reason: Storage is not encrypted.');

      await deliverWebhooks();
      const events = receiver.received.map((r) => JSON.parse(r.body) as { event: string; data: Record<string, unknown> });
      expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
      const mine = events.filter((e) => e.data.deviceId === device.id);
      expect(mine.map((e) => [e.event, e.data.state ?? null])).toEqual([
        ['compliance.changed', 'compliant'],
        ['compliance.changed', 'noncompliant'],
        ['compliance.grace_expired', null],
      ]);
      expect(mine[2]?.data.message).toBe('Storage is not encrypted.');

      // Fixed and broken again: a new episode, whose actions fire again after its own grace period.
      await ctx.devices.applyInventory(device.id, { facts: { security: { encrypted: true } } });
      await service.evaluateDirty();
      expect((await ctx.compliance.repo.violationsOf(device.id)).length).toBe(0);
      await ctx.devices.applyInventory(device.id, { facts: { security: { encrypted: false } } });
      await service.evaluateDirty();
      expect(await service.runDueActions()).toEqual([]);
      clock += 3_600_000;
      expect((await service.runDueActions()).map((f) => f.actions)).toEqual([['notify', 'email', 'lock']]);
      expect(smtp.messages).toHaveLength(2);
    });

    it('"who was non-compliant then" comes from history; the daily snapshot counts states', async () => {
      const { ctx, app } = h;
      const devices = await ctx.devices.list({ filter: { search: 'Field iPhone' }, sort: 'name', order: 'asc', offset: 0, limit: 1 });
      const id = devices.items[0]?.id as string;
      const history = await ctx.compliance.repo.history(id, 10);
      const firstNoncompliant = history.filter((x) => x.state === 'noncompliant').at(-1)?.at as number;
      const at = await app.inject({
        url: `/api/v1/compliance/noncompliant-at?at=${new Date(firstNoncompliant + 1).toISOString()}`,
        headers: h.auth('auditor'),
      });
      expect(at.json().deviceIds).toEqual([id]);
      const before = await app.inject({
        url: `/api/v1/compliance/noncompliant-at?at=${new Date(firstNoncompliant - 1).toISOString()}`,
        headers: h.auth('auditor'),
      });
      expect(before.json().deviceIds).toEqual([]);

      await service.takeSnapshot();
      const summary = await app.inject({ url: '/api/v1/compliance/summary?days=30', headers: h.auth('auditor') });
      expect(summary.statusCode).toBe(200);
      expect(summary.json()).toMatchObject({ compliant: 1, noncompliant: 1, unknown: 0, total: 2, rate: 0.5 });
      expect(summary.json().daily).toEqual([{ day: new Date(clock).toISOString().slice(0, 10), compliant: 1, noncompliant: 1, unknown: 0, total: 2 }]);
    });

    it('full re-evaluation, rule edits and deletion re-evaluate members; a retire action retires', async () => {
      const { ctx, app } = h;
      const personal = await ctx.devices.create({ platform: 'android', ownership: 'personal', name: 'BYOD phone', osVersion: '13' });
      const group = await ctx.groups.create({ name: 'BYOD', kind: 'static' });
      await ctx.groups.addMembers(group.id, [personal.id]);
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/compliance/rules',
        headers: h.auth('admin'),
        payload: { name: 'Android 14+', type: 'os_version_at_least', params: { version: '14' }, actions: { retire: true }, groupIds: [group.id] },
      });
      expect(created.statusCode).toBe(201);
      const stats = await service.evaluateAll(2);
      expect(stats.evaluated).toBe(3);
      expect((await ctx.devices.get(personal.id))?.compliance_state).toBe('noncompliant');
      const fired = await service.runDueActions();
      expect(fired).toEqual([{ deviceId: personal.id, ruleId: created.json().id, actions: ['retire'] }]);
      expect((await ctx.devices.get(personal.id))?.enrollment_state).toBe('retired');

      const bad = await app.inject({
        method: 'POST',
        url: '/api/v1/compliance/rules',
        headers: h.auth('admin'),
        payload: { name: 'x', type: 'os_version_at_least' },
      });
      expect(bad.statusCode).toBe(400);
      const denied = await app.inject({
        method: 'POST',
        url: '/api/v1/compliance/rules',
        headers: h.auth('helpdesk'),
        payload: { name: 'x', type: 'encrypted' },
      });
      expect(denied.statusCode).toBe(403);
      const patched = await app.inject({
        method: 'PATCH',
        url: `/api/v1/compliance/rules/${created.json().id}`,
        headers: h.auth('admin'),
        payload: { params: { version: '12' }, enabled: false },
      });
      expect(patched.json()).toMatchObject({ enabled: false, params: { version: '12' }, groupIds: [group.id] });
      const list = await app.inject({ url: '/api/v1/compliance/rules', headers: h.auth('auditor') });
      expect(list.json().items).toHaveLength(2);
      const removed = await app.inject({ method: 'DELETE', url: `/api/v1/compliance/rules/${created.json().id}`, headers: h.auth('admin') });
      expect(removed.statusCode).toBe(204);
    });
  });
}
