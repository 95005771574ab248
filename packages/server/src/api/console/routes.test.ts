import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../context.js';
import { TEST_DATABASES } from '../../test-support/databases.js';
import { type Harness, createHarness } from '../../test-support/harness.js';
import type { App } from '../route-config.js';
import { createConsoleRoutes } from './routes.js';

const INDEX = '<!doctype html><title>console</title><div id="root"></div>';

async function consoleApp(distDir: string): Promise<App> {
  const app = Fastify({ logger: false }) as unknown as App;
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: { code: 'route_not_found', message: 'No such route.' } }));
  await app.register(async (scope) => createConsoleRoutes(distDir)(scope as App, {} as Context));
  await app.ready();
  return app;
}

describe('console routes', () => {
  let tmp: string;
  let dist: string;
  let app: App;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-console-'));
    dist = path.join(tmp, 'dist');
    fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'index.html'), INDEX);
    fs.writeFileSync(path.join(dist, 'assets', 'index-Abc123.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dist, 'assets', 'index-Abc123.css'), 'body{}');
    fs.writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    fs.writeFileSync(path.join(tmp, 'secret.txt'), 'outside');
    fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(dist, 'escape.txt'));
    app = await consoleApp(dist);
  });
  afterAll(async () => {
    await app?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('serves index.html at / without caching it, with a content security policy', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.body).toBe(INDEX);
  });

  it('answers client-side routes with index.html', async () => {
    for (const url of ['/setup?token=abc', '/login', '/groups', '/devices/0190f5a2-0000-7000-8000-000000000001']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(INDEX);
    }
  });

  it('serves hashed assets with a long cache and the right content type', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/index-Abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    expect(js.body).toBe('console.log(1)');
    const css = await app.inject({ method: 'GET', url: '/assets/index-Abc123.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const svg = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing file with 404, not with the console', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/index-Old999.js' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('route_not_found');
  });

  it('never answers for /api/ paths, in any letter case', async () => {
    for (const url of ['/api', '/api/', '/api/v1/nothing', '/API/v1/devices', '/Api/v2/x.js']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('route_not_found');
    }
  });

  it('refuses paths that leave the dist directory, by dot segments or by symbolic link', async () => {
    for (const url of ['/../secret.txt', '/assets/../../secret.txt', '/escape.txt', '/%2e%2e/secret.txt']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.body, url).not.toContain('outside');
      expect([400, 404], url).toContain(res.statusCode);
    }
  });

  it('explains how to build the console when it has not been built', async () => {
    const missing = await consoleApp(path.join(tmp, 'not-there'));
    try {
      for (const url of ['/', '/setup?token=abc']) {
        const res = await missing.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(503);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.body).toContain('npm run build');
      }
      expect((await missing.inject({ method: 'GET', url: '/api/v1/x' })).statusCode).toBe(404);
    } finally {
      await missing.close();
    }
  });
});

describe('console routes inside the application', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(TEST_DATABASES[0]!);
  });
  afterAll(() => h?.close());

  it('leaves unknown API routes to the JSON not-found handler', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nothing-here'],
      ['GET', '/API/v1/devices'],
      ['POST', '/'],
      ['DELETE', '/setup'],
    ] as const) {
      const res = await h.app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code, `${method} ${url}`).toBe('route_not_found');
    }
  });

  it('serves the console (or the not-built page) without credentials', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/login' });
    expect([200, 503]).toContain(res.statusCode);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('keeps the console out of the OpenAPI document', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const paths = Object.keys(res.json().paths as Record<string, unknown>);
    expect(paths).not.toContain('/');
    expect(paths).not.toContain('/*');
  });
});
