import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, createHarness } from '../../test-support/harness.js';
import { TEST_DATABASES } from '../../test-support/databases.js';
import { routeTable } from '../app.js';

describe('system endpoints and the OpenAPI document', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(TEST_DATABASES[0]!);
  });
  afterAll(() => h?.close());

  it('documents every /api/v1 route in OpenAPI 3.1', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)),
    );
    const apiRoutes = routeTable(h.app).filter((r) => r.url.startsWith('/api/v1/') && r.url !== '/api/v1/openapi.json');
    for (const route of apiRoutes)
      expect(documented, `${route.method} ${route.url}`).toContain(`${route.method} ${route.url.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    expect((await h.app.inject({ method: 'GET', url: '/api/docs/' })).statusCode).toBe(200);
  });

  it('answers health, readiness and metrics', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    await h.app.inject({ method: 'GET', url: '/api/v1/devices', headers: h.auth('auditor') });
    const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(/steward_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/v1\/devices"\}/);
    expect(metrics.body).toMatch(/steward_jobs/);
    expect(metrics.body).toMatch(/steward_process_resident_memory_bytes/);
  });
});
