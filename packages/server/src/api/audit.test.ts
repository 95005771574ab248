import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, createHarness } from '../test-support/harness.js';
import { TEST_DATABASES } from '../test-support/databases.js';
import { routeTable } from './app.js';

const SOME_ID = '0190f5a2-0000-7000-8000-000000000002';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`audit trail on ${database.dialect}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(database);
    });
    afterAll(() => h?.close());

    it('writes exactly one record for every mutating request: allowed, refused or failed', async () => {
      const mutating = routeTable(h.app).filter((r) => MUTATING.has(r.method) && r.url.startsWith('/api/') && !r.readOnly);
      expect(mutating.length).toBeGreaterThan(10);
      for (const route of mutating) {
        const url = route.url.replace(/:[A-Za-z]+/g, SOME_ID);
        for (const headers of [{}, h.auth('auditor'), h.auth('admin')]) {
          const res = await h.app.inject({ method: route.method as 'POST', url, headers, payload: route.method === 'DELETE' ? undefined : {} });
          const requestId = res.headers['x-request-id'];
          expect(typeof requestId, `${route.method} ${route.url}`).toBe('string');
          const records = await h.auditFor(String(requestId));
          expect(records, `${route.method} ${route.url} → ${res.statusCode}`).toHaveLength(1);
          const [record] = records;
          expect(record?.status_code).toBe(res.statusCode);
          expect(record?.outcome).toBe(res.statusCode < 400 ? 'success' : res.statusCode === 401 || res.statusCode === 403 ? 'denied' : 'failure');
        }
      }
    });

    it('records who did what to which target, and keeps the actor after the actor is deleted', async () => {
      const created = await h.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: h.auth('admin'),
        payload: { email: 'temp.operator@example.com', password: 'a long enough password', role: 'operator' },
      });
      expect(created.statusCode).toBe(201);
      const operatorId = created.json().id;
      const token = await h.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: h.auth('admin'), payload: { name: 'ops', role: 'operator' } });
      const device = await h.ctx.devices.create({ platform: 'macos', ownership: 'corporate', name: 'Mac' });
      const { secret } = token.json();
      const renamed = await h.app.inject({
        method: 'PATCH',
        url: `/api/v1/devices/${device.id}`,
        headers: { authorization: `Bearer ${secret}` },
        payload: { name: 'Renamed Mac' },
      });
      expect(renamed.statusCode).toBe(200);
      const [record] = await h.auditFor(String(renamed.headers['x-request-id']));
      expect(record).toMatchObject({
        action: 'devices.update',
        target_type: 'device',
        target_id: device.id,
        actor_type: 'token',
        actor_label: 'token:ops',
        outcome: 'success',
      });
      expect(JSON.parse(record?.details ?? '{}')).toEqual({ name: 'Renamed Mac' });

      const deleted = await h.app.inject({ method: 'DELETE', url: `/api/v1/users/${operatorId}`, headers: h.auth('admin') });
      expect(deleted.statusCode).toBe(204);
      const trail = await h.ctx.audit.list({ action: 'users.create', targetId: operatorId, limit: 5 });
      expect(trail).toHaveLength(1);
      expect(trail[0]?.actor_label).toBe('token:test-admin');
    });

    it('filters and exports the trail, neutralising spreadsheet formulas', async () => {
      await h.app.inject({ method: 'POST', url: '/api/v1/groups', headers: h.auth('admin'), payload: { name: '=HYPERLINK("http://evil")', kind: 'static' } });
      const list = await h.app.inject({ method: 'GET', url: '/api/v1/audit-events?action=groups.create&outcome=success', headers: h.auth('auditor') });
      expect(list.statusCode).toBe(200);
      const items = list.json().items;
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((e: { action: string; outcome: string }) => e.action === 'groups.create' && e.outcome === 'success')).toBe(true);
      const csv = await h.app.inject({
        method: 'GET',
        url: '/api/v1/audit-events/export.csv?action=groups.create&outcome=success',
        headers: h.auth('auditor'),
      });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const lines = csv.body.trim().split('\r\n');
      expect(lines[0]).toBe('id,at,actor_type,actor_id,actor_label,action,target_type,target_id,outcome,status_code,request_id,source_ip,details');
      expect(lines.length).toBe(items.length + 1);
      expect(csv.body).not.toMatch(/(^|,)=HYPERLINK/m);
      const helpdesk = await h.app.inject({ method: 'GET', url: '/api/v1/audit-events', headers: h.auth('helpdesk') });
      expect(helpdesk.statusCode).toBe(403);
    });
  });
}
