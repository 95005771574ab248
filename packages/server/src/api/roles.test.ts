import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Role, loadConfig } from '../config/config.js';
import { type Context, createContext } from '../context.js';
import { type App, buildAppForTests } from '../test-support/app-for-tests.js';
import { TEST_DATABASES } from '../test-support/databases.js';
import { UNREACHABLE_APNS } from '../test-support/harness.js';
import { routeTable } from './app.js';
import { routeRole } from './roles.js';

/** What each `--role` answers: the route table per role, and real requests to prove the gate holds. */
describe('--role splits the routes', () => {
  const apps: Partial<Record<string, { app: App; ctx: Context }>> = {};
  let drop: () => Promise<void>;
  const ROLE_SETS: Record<string, string> = { all: 'all', api: 'api', devices: 'devices', worker: 'worker', 'api,devices': 'api,devices' };

  beforeAll(async () => {
    const created = await TEST_DATABASES[0]!.create();
    drop = created.drop;
    for (const [name, role] of Object.entries(ROLE_SETS)) {
      const ctx = await createContext(
        loadConfig({ dataDir: created.dataDir, databaseUrl: created.url, noTls: true, logLevel: 'silent', apnsUrl: UNREACHABLE_APNS, role }),
      );
      apps[name] = { app: await buildAppForTests(ctx), ctx };
    }
  });
  afterAll(async () => {
    for (const entry of Object.values(apps)) {
      await entry?.app.close();
      await entry?.ctx.close();
    }
    await drop?.();
  });

  const get = (name: string) => {
    const entry = apps[name];
    if (!entry) throw new Error(`no app for ${name}`);
    return entry.app;
  };
  const served = (name: string, roles: readonly Role[]) =>
    routeTable(get(name), roles)
      .map((r) => `${r.method} ${r.url}`)
      .sort();

  it('classifies every registered route, and each role serves exactly its part', () => {
    const all = routeTable(get('all'));
    const devices = served('devices', ['devices']);
    const api = served('api', ['api']);
    // Device protocols only on devices nodes; the admin API and console only on api nodes; health everywhere.
    expect(devices).toEqual(expect.arrayContaining(['PUT /mdm/checkin', 'PUT /mdm/connect', 'GET /scep', 'POST /scep', 'GET /enroll/:token', 'GET /healthz']));
    expect(devices.some((r) => r.includes('/api/v1/'))).toBe(false);
    expect(api).toEqual(expect.arrayContaining(['GET /api/v1/devices', 'POST /api/v1/commands', 'GET /', 'GET /*', 'GET /readyz', 'GET /metrics']));
    expect(api.some((r) => /\/(mdm|scep|enroll)\b/.test(r))).toBe(false);
    expect(new Set([...api, ...devices]).size).toBe(all.length);
    expect(served('worker', ['worker'])).toEqual(['GET /healthz', 'GET /metrics', 'GET /readyz']);
    for (const r of all) expect(['api', 'devices', 'shared']).toContain(routeRole(r.url));
  });

  it('answers 404 route_not_found for the other role’s routes, over real requests', async () => {
    const status = async (name: string, method: 'GET' | 'PUT', url: string) => (await get(name).inject({ method, url })).statusCode;
    const body = async (name: string, url: string) => (await get(name).inject({ method: 'GET', url })).json() as { error?: { code: string } };
    // The admin API on a devices node does not exist (not even as 401).
    expect(await status('devices', 'GET', '/api/v1/devices')).toBe(404);
    expect((await body('devices', '/api/v1/devices')).error?.code).toBe('route_not_found');
    expect(await status('worker', 'GET', '/api/v1/devices')).toBe(404);
    expect(await status('api', 'GET', '/api/v1/devices')).toBe(401);
    expect(await status('all', 'GET', '/api/v1/devices')).toBe(401);
    expect(await status('api,devices', 'GET', '/api/v1/devices')).toBe(401);
    // Device routes on an api node do not exist; on a devices node they answer (SCEP capabilities).
    expect(await status('api', 'GET', '/scep?operation=GetCACaps')).toBe(404);
    expect(await status('devices', 'GET', '/scep?operation=GetCACaps')).toBe(200);
    expect(await status('api', 'PUT', '/mdm/checkin')).toBe(404);
    expect(await status('devices', 'PUT', '/mdm/checkin')).not.toBe(404);
    // The console is the api role's; health is everyone's.
    expect(await status('devices', 'GET', '/')).toBe(404);
    for (const name of Object.keys(ROLE_SETS)) expect(await status(name, 'GET', '/healthz')).toBe(200);
  });
});
