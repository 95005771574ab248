import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from '../../test-support/databases.js';
import { type Harness, createHarness } from '../../test-support/harness.js';
import { MAX_STREAMS_PER_PRINCIPAL } from '../events/routes.js';

const DAY = 86_400_000;

/** Reads a server-sent event stream until `until` says enough, or the time runs out. */
function readStream(
  url: string,
  headers: Record<string, string>,
  until: (events: { id?: string; event: string; data: string }[]) => boolean,
  timeoutMs = 8000,
): Promise<{ status: number; contentType: string | undefined; events: { id?: string; event: string; data: string }[] }> {
  return new Promise((resolve, reject) => {
    const events: { id?: string; event: string; data: string }[] = [];
    const req = http.get(url, { headers }, (res) => {
      let buffer = '';
      const finish = () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], events });
      };
      const timer = setTimeout(finish, timeoutMs);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const i = line.indexOf(':');
            if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1).trimStart();
          }
          if (fields.event) events.push({ ...(fields.id ? { id: fields.id } : {}), event: fields.event, data: fields.data ?? '' });
          end = buffer.indexOf('\n\n');
        }
        if (until(events)) finish();
      });
      res.on('end', finish);
    });
    req.on('error', reject);
  });
}

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`console API on ${database.dialect}`, () => {
    let h: Harness;
    let base: string;
    beforeAll(async () => {
      h = await createHarness(database);
      await h.app.listen({ host: '127.0.0.1', port: 0 });
      const address = h.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    afterAll(() => h?.close());

    it('sums up the fleet for the dashboard, each figure matching the device list filter it links to', async () => {
      const db = h.ctx.database.db;
      const now = Date.now();
      const make = async (platform: 'ios' | 'windows' | 'android', osVersion: string, compliance: string, seenDaysAgo: number, enrolledDaysAgo: number) => {
        const d = await h.ctx.devices.create({ platform, ownership: 'corporate', name: `${platform}-${osVersion}-${seenDaysAgo}`, osVersion });
        await db
          .updateTable('devices')
          .set({ compliance_state: compliance, last_seen_at: now - seenDaysAgo * DAY, enrolled_at: now - enrolledDaysAgo * DAY })
          .where('id', '=', d.id)
          .execute();
        return d;
      };
      const a = await make('ios', '18.2', 'compliant', 0, 0);
      await make('ios', '18.2', 'noncompliant', 10, 3);
      await make('ios', '17.6', 'compliant', 1, 3);
      const w = await make('windows', '10.0.22631', 'noncompliant', 30, 40);
      await make('android', '15', 'unknown', 0, 100);
      const retired = await make('android', '14', 'unknown', 90, 200);
      await h.ctx.devices.setEnrollmentState(retired.id, 'retired');
      await db
        .updateTable('devices')
        .set({ last_seen_at: now - 90 * DAY })
        .where('id', '=', retired.id)
        .execute();
      const { command } = await h.ctx.commands.enqueue({
        kind: 'intent',
        type: 'lock',
        platform: null,
        payload: {},
        target: { deviceIds: [a.id, w.id] },
        platforms: ['ios', 'windows'],
        createdBy: { type: 'user', id: null, label: 'test' },
        ttlMs: DAY,
      });
      await h.ctx.commands.markSent(w.id, command.id);
      await h.ctx.commands.recordResult(w.id, command.id, 'error', { reason: 'test' });

      const res = await h.app.inject({ url: '/api/v1/dashboard?staleDays=7&enrollmentDays=7', headers: h.auth('helpdesk') });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.total).toBe(6);
      expect(body.byPlatform).toEqual([
        { platform: 'ios', count: 3 },
        { platform: 'android', count: 2 },
        { platform: 'windows', count: 1 },
      ]);
      expect(body.byOsVersion[0]).toEqual({ platform: 'ios', osVersion: '18.2', count: 2 });
      expect(body.byOsVersion).toHaveLength(5);
      expect(Object.fromEntries(body.byCompliance.map((c: { state: string; count: number }) => [c.state, c.count]))).toEqual({
        compliant: 2,
        noncompliant: 2,
        unknown: 2,
      });
      expect(body.enrollments).toHaveLength(7);
      expect(body.enrollments.at(-1).count).toBe(1);
      expect(body.enrollments.reduce((sum: number, d: { count: number }) => sum + d.count, 0)).toBe(3);
      // Stale counts enrolled devices only: the retired Android phone doesn't need attention.
      expect(body.attention).toMatchObject({ noncompliant: 2, stale: 2, failedCommands: 1 });
      expect(body.pending).toEqual({ deliveries: 1, devices: 1 });

      // The links the console draws give the same numbers.
      const list = async (query: string) => (await h.app.inject({ url: `/api/v1/devices?${query}`, headers: h.auth('helpdesk') })).json().total;
      expect(await list(`enrollmentState=enrolled&lastSeenBefore=${encodeURIComponent(body.attention.staleBefore)}`)).toBe(2);
      expect(await list('deliveryState=error')).toBe(1);
      expect(await list('deliveryState=queued,sent')).toBe(1);
      expect(await list('platform=ios&osVersion=18.2')).toBe(2);
      expect(await list('complianceState=noncompliant')).toBe(2);

      expect((await h.app.inject({ url: '/api/v1/dashboard' })).statusCode).toBe(401);
      // A smart group can't follow command states: its membership is refreshed on inventory changes.
      const group = await h.app.inject({
        method: 'POST',
        url: '/api/v1/groups',
        headers: h.auth('admin'),
        payload: { name: 'failing', kind: 'smart', filter: { deliveryState: ['error'] } },
      });
      expect(group.statusCode).toBe(400);
    });

    it('exports the filtered devices as RFC 4180 CSV, streamed, and audits the export', async () => {
      const tricky = await h.ctx.devices.create({ platform: 'macos', ownership: 'corporate', name: 'Ada\'s "Mac", desk\n2', assignedUser: '=cmd()' });
      const res = await h.app.inject({ url: '/api/v1/devices/export.csv?platform=macos', headers: h.auth('auditor') });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toContain('attachment');
      const lines = res.body.split('\r\n');
      expect(lines[0]).toBe(
        'id,name,platform,channel,ownership,enrollment_state,compliance_state,os_version,model,serial_number,udid,hardware_id,imei,assigned_user,last_seen_at,enrolled_at',
      );
      expect(lines.at(-1)).toBe('');
      expect(res.body).toContain(`${tricky.id},"Ada's ""Mac"", desk\n2",macos,apple,corporate,enrolled,unknown,,,,,,,"'=cmd()",`);
      expect(lines.filter((l) => l.startsWith('0')).length).toBe(1);
      const all = await h.app.inject({ url: '/api/v1/devices/export.csv', headers: h.auth('auditor') });
      expect(all.body.split('\r\n').length - 2).toBe(
        await h.ctx.database.db
          .selectFrom('devices')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirst()
          .then((r) => Number(r?.n)),
      );
      const audit = await h.auditFor(String(res.headers['x-request-id']));
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'devices.export', actor_label: 'token:test-auditor', outcome: 'success' });
      expect(JSON.parse(audit[0]?.details ?? '{}')).toEqual({ filter: { platform: 'macos' } });
      expect((await h.app.inject({ url: '/api/v1/devices/export.csv' })).statusCode).toBe(401);
    });

    it('keeps saved views private to their owner, audited', async () => {
      const operator = h.auth('operator');
      const created = await h.app.inject({
        method: 'POST',
        url: '/api/v1/saved-views',
        headers: operator,
        payload: { name: 'Stale Windows', query: { platform: 'windows', lastSeenBefore: '2026-01-01T00:00:00.000Z' } },
      });
      expect(created.statusCode).toBe(201);
      const view = created.json();
      expect((await h.auditFor(String(created.headers['x-request-id'])))[0]).toMatchObject({ action: 'saved_views.create', target_id: view.id });
      const dup = await h.app.inject({ method: 'POST', url: '/api/v1/saved-views', headers: operator, payload: { name: 'Stale Windows', query: {} } });
      expect(dup.statusCode).toBe(409);
      const bad = await h.app.inject({ method: 'POST', url: '/api/v1/saved-views', headers: operator, payload: { name: 'x', query: { 'a b': 'c' } } });
      expect(bad.statusCode).toBe(400);

      // Another person neither sees nor touches it.
      expect((await h.app.inject({ url: '/api/v1/saved-views', headers: h.auth('helpdesk') })).json().items).toEqual([]);
      expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/saved-views/${view.id}`, headers: h.auth('admin') })).statusCode).toBe(404);
      expect(
        (await h.app.inject({ method: 'PATCH', url: `/api/v1/saved-views/${view.id}`, headers: h.auth('admin'), payload: { name: 'mine' } })).statusCode,
      ).toBe(404);

      const renamed = await h.app.inject({ method: 'PATCH', url: `/api/v1/saved-views/${view.id}`, headers: operator, payload: { name: 'Old Windows' } });
      expect(renamed.json()).toMatchObject({ name: 'Old Windows', query: { platform: 'windows' } });
      expect((await h.app.inject({ url: '/api/v1/saved-views', headers: operator })).json().items.map((v: { name: string }) => v.name)).toEqual([
        'Old Windows',
      ]);
      const deleted = await h.app.inject({ method: 'DELETE', url: `/api/v1/saved-views/${view.id}`, headers: operator });
      expect(deleted.statusCode).toBe(204);
      expect((await h.auditFor(String(deleted.headers['x-request-id'])))[0]).toMatchObject({ action: 'saved_views.delete', outcome: 'success' });
      expect((await h.app.inject({ url: '/api/v1/saved-views', headers: operator })).json().items).toEqual([]);
    });

    it('streams device and command changes written to the database by any node, resumes from Last-Event-ID, and bounds connections', async () => {
      const headers = h.auth('auditor');
      const sawDevice = (id: string) => (events: { event: string; data: string }[]) =>
        events.some((e) => e.event === 'device.changed' && JSON.parse(e.data).deviceId === id);
      let deviceId = '';
      const streaming = readStream(`${base}/api/v1/events/stream`, headers, (events) => deviceId !== '' && sawDevice(deviceId)(events));
      // Written straight into the database, as another node would: nothing in this process announces it.
      await new Promise((r) => setTimeout(r, 300));
      const device = await h.ctx.devices.create({ platform: 'ios', ownership: 'corporate', name: 'Live iPhone' });
      deviceId = device.id;
      const first = await streaming;
      expect(first.status).toBe(200);
      expect(first.contentType).toBe('text/event-stream; charset=utf-8');
      expect(first.events[0]?.event).toBe('ready');
      const enrolled = first.events.find((e) => e.event === 'device.changed' && JSON.parse(e.data).deviceId === device.id);
      expect(JSON.parse(enrolled?.data ?? '{}')).toMatchObject({ deviceId: device.id, change: 'enrolled' });
      const cursor = enrolled?.id;
      expect(cursor).toMatch(/^[0-9]+$/);

      // While away: a command completes. Reconnecting with the last id replays it.
      const { command } = await h.ctx.commands.enqueue({
        kind: 'intent',
        type: 'lock',
        platform: null,
        payload: {},
        target: { deviceIds: [device.id] },
        platforms: ['ios'],
        createdBy: { type: 'user', id: null, label: 'test' },
        ttlMs: DAY,
      });
      await h.ctx.commands.markSent(device.id, command.id);
      await h.ctx.commands.recordResult(device.id, command.id, 'acknowledged', {});
      await new Promise((r) => setTimeout(r, 50));
      const resumed = await readStream(`${base}/api/v1/events/stream`, { ...headers, 'last-event-id': String(cursor) }, (events) =>
        events.some((e) => e.event === 'command.changed' && JSON.parse(e.data).state === 'acknowledged'),
      );
      const done = resumed.events.find((e) => e.event === 'command.changed' && JSON.parse(e.data).state === 'acknowledged');
      expect(JSON.parse(done?.data ?? '{}')).toMatchObject({ commandId: command.id, deviceId: device.id });

      // Live again, through a session cookie this time.
      const { cookie } = await h.session('helpdesk');
      const live = readStream(`${base}/api/v1/events/stream`, { cookie }, sawDevice(device.id));
      await new Promise((r) => setTimeout(r, 300));
      await h.ctx.devices.update(device.id, { name: 'Renamed live' });
      const renamed = await live;
      expect(renamed.events.filter((e) => e.event === 'device.changed').map((e) => JSON.parse(e.data))).toContainEqual(
        expect.objectContaining({ deviceId: device.id, change: 'updated' }),
      );

      expect((await h.app.inject({ url: '/api/v1/events/stream' })).statusCode).toBe(401);

      // Bounded: the sixth concurrent stream of one principal is refused.
      const held: http.ClientRequest[] = [];
      try {
        for (let i = 0; i < MAX_STREAMS_PER_PRINCIPAL; i++) {
          await new Promise<void>((resolve, reject) => {
            const req = http.get(`${base}/api/v1/events/stream`, { headers: h.auth('admin') }, (res) => {
              expect(res.statusCode).toBe(200);
              resolve();
            });
            req.on('error', reject);
            held.push(req);
          });
        }
        const refused = await h.app.inject({ url: '/api/v1/events/stream', headers: h.auth('admin') });
        expect(refused.statusCode).toBe(429);
        expect(refused.json().error.code).toBe('too_many_requests');
      } finally {
        for (const req of held) req.destroy();
      }
    }, 30_000);
  });
}
