import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, createHarness } from '../test-support/harness.js';
import { TEST_DATABASES } from '../test-support/databases.js';

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`bad input on ${database.dialect}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(database);
    });
    afterAll(() => h?.close());

    const groupCount = async () => (await h.ctx.groups.list()).length;
    const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      h.app.inject({ method: 'POST', url, headers: { ...h.auth('admin'), ...headers }, payload: payload as string });

    it('refuses malformed requests with a stable code and stores nothing', async () => {
      const before = await groupCount();
      const cases: [string, () => ReturnType<typeof post>, number, string][] = [
        ['unknown field', () => post('/api/v1/groups', { name: 'g', kind: 'static', extra: 1 }), 400, 'validation_failed'],
        ['wrong type', () => post('/api/v1/groups', { name: 123, kind: 'static' }), 400, 'validation_failed'],
        ['number as string', () => post('/api/v1/commands', { type: 'lock', target: { deviceIds: ['x'] }, ttlSeconds: '600' }), 400, 'validation_failed'],
        ['wrong enum', () => post('/api/v1/groups', { name: 'g', kind: 'dynamic' }), 400, 'validation_failed'],
        ['missing field', () => post('/api/v1/groups', { kind: 'static' }), 400, 'validation_failed'],
        ['malformed JSON', () => post('/api/v1/groups', '{"name": "g", "kind": ', { 'content-type': 'application/json' }), 400, 'invalid_json'],
        ['empty JSON body', () => post('/api/v1/groups', '', { 'content-type': 'application/json' }), 400, 'bad_request'],
        [
          'wrong content type',
          () => post('/api/v1/groups', 'name=g&kind=static', { 'content-type': 'application/x-www-form-urlencoded' }),
          415,
          'unsupported_media_type',
        ],
        [
          'body over 1 MiB',
          () =>
            post('/api/v1/groups', JSON.stringify({ name: 'g', kind: 'static', description: 'x'.repeat(1_100_000) }), { 'content-type': 'application/json' }),
          413,
          'payload_too_large',
        ],
        [
          '__proto__ key',
          () => post('/api/v1/groups', '{"name":"g","kind":"static","__proto__":{"admin":true}}', { 'content-type': 'application/json' }),
          400,
          'invalid_json',
        ],
        [
          'constructor.prototype',
          () => post('/api/v1/groups', '{"name":"g","kind":"static","constructor":{"prototype":{"x":1}}}', { 'content-type': 'application/json' }),
          400,
          'invalid_json',
        ],
        ['NUL byte', () => post('/api/v1/groups', { name: 'a\u0000b', kind: 'static' }), 400, 'validation_failed'],
        ['10 KB name', () => post('/api/v1/groups', { name: 'n'.repeat(10_240), kind: 'static' }), 400, 'validation_failed'],
        ['smart filter on a static group', () => post('/api/v1/groups', { name: 'g', kind: 'static', filter: { platform: ['ios'] } }), 400, 'invalid_filter'],
        [
          'smart filter pointing at a group',
          () => post('/api/v1/groups', { name: 'g', kind: 'smart', filter: { groupId: '0190f5a2-0000-7000-8000-000000000009' } }),
          400,
          'invalid_filter',
        ],
      ];
      for (const [name, send, status, code] of cases) {
        const res = await send();
        expect(res.statusCode, name).toBe(status);
        expect(res.json().error.code, name).toBe(code);
        expect(res.body, name).not.toMatch(/at .*\.(ts|js):\d+/);
      }
      expect(await groupCount()).toBe(before);
    });

    it('refuses sort keys off the allow-list and malformed query parameters', async () => {
      const get = (query: string) => h.app.inject({ method: 'GET', url: `/api/v1/devices?${query}`, headers: h.auth('auditor') });
      for (const sort of ['password_hash', 'name;DROP TABLE devices', '-inventory', 'id desc', '__proto__']) {
        const res = await get(`sort=${encodeURIComponent(sort)}`);
        expect(res.statusCode, sort).toBe(400);
        expect(res.json().error.code).toBe('invalid_sort');
      }
      for (const query of [
        'limit=0',
        'limit=100000',
        'offset=-1',
        'platform=symbian',
        'groupId=not-a-uuid',
        'unknown=1',
        'lastSeenBefore=yesterday',
        'osVersionBelow=%27%20OR%201%3D1',
      ]) {
        const res = await get(query);
        expect(res.statusCode, query).toBe(400);
        expect(res.json().error.code, query).toBe('validation_failed');
      }
      expect((await get('sort=-lastSeenAt&platform=ios,ipados&limit=5')).statusCode).toBe(200);
    });

    it('answers 404 with a code for ids that do not exist, and 400 for ids that are not ids', async () => {
      const missing = '0190f5a2-0000-7000-8000-00000000dead';
      for (const [method, url] of [
        ['GET', `/api/v1/devices/${missing}`],
        ['PATCH', `/api/v1/devices/${missing}`],
        ['DELETE', `/api/v1/devices/${missing}`],
        ['GET', `/api/v1/groups/${missing}`],
        ['GET', `/api/v1/commands/${missing}`],
        ['POST', `/api/v1/commands/${missing}/cancel`],
        ['DELETE', `/api/v1/users/${missing}`],
        ['DELETE', `/api/v1/tokens/${missing}`],
      ] as const) {
        const res = await h.app.inject({ method, url, headers: h.auth('admin'), payload: method === 'PATCH' ? { name: 'x' } : undefined });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
        expect(res.json().error.code).toBe('not_found');
      }
      const bad = await h.app.inject({ method: 'GET', url: '/api/v1/devices/..%2f..%2fetc', headers: h.auth('admin') });
      expect(bad.statusCode).toBe(400);
      const nope = await post('/api/v1/commands', { type: 'lock', target: { deviceIds: [missing] } });
      expect(nope.statusCode).toBe(404);
      expect(nope.json().error.details.missing).toEqual([missing]);
      expect((await h.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: h.auth('admin') })).json().error.code).toBe('route_not_found');
    });

    it('stores template and SQL lookalikes literally', async () => {
      for (const name of ['${7*7}', '{{7*7}}', "'; DROP TABLE groups; --", '<script>alert(1)</script>', '%s%n%x']) {
        const res = await post('/api/v1/groups', { name, kind: 'static', description: name });
        expect(res.statusCode, name).toBe(201);
        const got = await h.app.inject({ method: 'GET', url: `/api/v1/groups/${res.json().id}`, headers: h.auth('auditor') });
        expect(got.json()).toMatchObject({ name, description: name });
      }
      const search = await h.app.inject({ method: 'GET', url: `/api/v1/devices?search=${encodeURIComponent("' OR 1=1 --")}`, headers: h.auth('auditor') });
      expect(search.statusCode).toBe(200);
      expect(search.json().total).toBe(0);
    });

    it('validates command params per intent and refuses commands that apply to no device', async () => {
      const personal = await h.ctx.devices.create({ platform: 'ios', ownership: 'personal', name: 'BYOD' });
      const wipe = await post('/api/v1/commands', { type: 'wipe', target: { deviceIds: [personal.id] } });
      // A personal device refuses a full wipe with its own code (BYOD), not a generic empty target.
      expect(wipe.statusCode).toBe(409);
      expect(wipe.json().error.code).toBe('personal_device');
      const badParams = await post('/api/v1/commands', { type: 'lock', params: { pin: '12ab' }, target: { deviceIds: [personal.id] } });
      expect(badParams.statusCode).toBe(400);
      expect(badParams.json().error.code).toBe('validation_failed');
      const extraParam = await post('/api/v1/commands', { type: 'restart', params: { force: true }, target: { deviceIds: [personal.id] } });
      expect(extraParam.statusCode).toBe(400);
      const rawWithParams = await post('/api/v1/commands', { type: 'raw', platform: 'apple', params: {}, target: { deviceIds: [personal.id] } });
      expect(rawWithParams.statusCode).toBe(400);
      expect(await h.ctx.commands.list({ deviceId: personal.id, limit: 10 })).toEqual([]);
    });
  });
}
