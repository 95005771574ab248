import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLES, can } from '../core/permissions.js';
import { type Harness, createHarness } from '../test-support/harness.js';
import { TEST_DATABASES } from '../test-support/databases.js';
import { routeTable } from './app.js';

/** The only routes anyone may call without credentials. Adding one here is a security decision. */
const PUBLIC_ROUTES = new Set([
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /api/v1/openapi.json',
  'GET /api/v1/setup',
  'POST /api/v1/setup',
  'POST /api/v1/auth/login',
  // The web console's static files (HTML, scripts, styles): they hold no data, and the sign-in page
  // must load before anyone has credentials. Everything they show comes from the API, which checks.
  // The wildcard never answers for /api/ paths: those stay 404s (see the path-tricks test below).
  'GET /',
  'GET /*',
  // Device-facing protocol endpoints: the device proves itself with its certificate (Mdm-Signature),
  // or holds a single-use challenge (SCEP) or an enrollment link's secret token.
  'PUT /mdm/checkin',
  'PUT /mdm/connect',
  'GET /enroll/:token',
  'GET /enroll/:token/apple.mobileconfig',
  'GET /scep',
  'POST /scep',
  // Windows MDM (MS-MDE2). Discovery answers anyone (it only names the services); policy and
  // enrollment require a Windows enrollment token in the WS-Security header (UsernameToken
  // password, or the sealed, short-lived security token the federated page minted from it); the
  // federated page itself checks an enrollment token.
  'GET /EnrollmentServer/Discovery.svc',
  'POST /EnrollmentServer/Discovery.svc',
  'POST /EnrollmentServer/Policy.svc',
  'POST /EnrollmentServer/Enrollment.svc',
  'GET /EnrollmentServer/Federated',
  'POST /EnrollmentServer/Federated',
  // OMA-DM sessions and BitLocker key escrow: the PC's TLS client certificate issued at enrollment
  // (or the trusted proxy's RFC 9440 header), checked against Steward's CA and bound to one device.
  'POST /ManagementServer/MDM.svc',
  'PUT /ManagementServer/BitLockerRecoveryKey',
  // Android: Google's Pub/Sub pushes prove themselves with the secret in the push endpoint's URL
  // (compared in constant time); the sign-up callback with the one-time state Steward put in the
  // callback URL when an admin started the sign-up.
  'POST /android/pubsub',
  'GET /android/signup-callback',
  // The Steward agent: enrollment holds an agent enrollment token (spent once per use) and a CSR;
  // every other call proves the device with the client certificate Steward's CA issued it at
  // enrollment (TLS, or a trusted proxy's RFC 9440 header). The CA certificate is public.
  'GET /agent/v1/ca',
  'POST /agent/v1/enroll',
  'POST /agent/v1/renew',
  'POST /agent/v1/checkin',
  'GET /agent/v1/commands',
  'POST /agent/v1/commands/:id/result',
]);

const SOME_ID = '0190f5a2-0000-7000-8000-000000000001';
// An event stream stays open; `once` makes it answer and end, so that one request can be judged.
const concrete = (url: string) =>
  url
    .replace(/:[A-Za-z]+/g, SOME_ID)
    .replace(/\*$/, 'index.html')
    .replace(/\/stream$/, '/stream?once=true');

describe('auth matrix, generated from the route table', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(TEST_DATABASES[0]!);
  });
  afterAll(() => h?.close());

  it('every route declares its protection, and only the allow-list is public', () => {
    const routes = routeTable(h.app);
    expect(routes.length).toBeGreaterThan(25);
    const undeclared = routes.filter((r) => r.auth === undefined).map((r) => `${r.method} ${r.url}`);
    expect(undeclared).toEqual([]);
    const publicRoutes = routes.filter((r) => r.auth === 'public' && !r.url.startsWith('/api/docs')).map((r) => `${r.method} ${r.url}`);
    expect(new Set(publicRoutes)).toEqual(PUBLIC_ROUTES);
    for (const r of routes) {
      if (r.auth !== 'public' && r.auth !== 'authenticated') expect(Object.keys(PERMISSIONS)).toContain(r.auth);
    }
  });

  it('refuses every protected route without credentials, or with bad ones', async () => {
    const routes = routeTable(h.app).filter((r) => r.auth !== 'public');
    for (const route of routes) {
      for (const headers of [
        {},
        { authorization: 'Bearer stw_not-a-real-token' },
        { cookie: 'steward_session=sts_forged' },
        { authorization: 'Basic YWRtaW46YWRtaW4=' },
      ]) {
        const res = await h.app.inject({
          method: route.method as 'GET',
          url: concrete(route.url),
          headers,
          payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
        });
        expect(res.statusCode, `${route.method} ${route.url} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.json().error.code).toBe('unauthenticated');
      }
    }
  });

  for (const role of ROLES) {
    for (const credential of ['token', 'session'] as const) {
      it(`grants ${role} (${credential}) exactly what the permission table says`, async () => {
        const routes = routeTable(h.app).filter((r) => r.auth !== 'public');
        const failures: string[] = [];
        for (const route of routes) {
          // Signing out would end the session the rest of the matrix uses; it gets a fresh one.
          const headers = credential === 'token' ? h.auth(role) : await h.session(role);
          const res = await h.app.inject({
            method: route.method as 'GET',
            url: concrete(route.url),
            headers,
            payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
          });
          const allowed = route.auth === 'authenticated' || can(role, route.auth as keyof typeof PERMISSIONS);
          const denied = res.statusCode === 403 && res.json().error.code === 'forbidden';
          if (res.statusCode === 401) failures.push(`${route.method} ${route.url}: 401`);
          // Credentials-only routes refuse API tokens by design (MFA, password): the only allowed 403.
          const tokenOnlyRefusal = credential === 'token' && route.url.startsWith('/api/v1/auth/') && route.method === 'POST';
          if (allowed && denied && !tokenOnlyRefusal) failures.push(`${route.method} ${route.url}: allowed but got 403`);
          if (!allowed && !denied) failures.push(`${route.method} ${route.url}: denied but got ${res.statusCode}`);
        }
        expect(failures).toEqual([]);
      });
    }
  }

  it('checks intent permissions inside the command route', async () => {
    const device = await h.ctx.devices.create({ platform: 'ios', ownership: 'corporate', name: 'matrix' });
    const send = (role: (typeof ROLES)[number], type: string) =>
      h.app.inject({ method: 'POST', url: '/api/v1/commands', headers: h.auth(role), payload: { type, target: { deviceIds: [device.id] } } });
    expect((await send('helpdesk', 'lock')).statusCode).toBe(202);
    expect((await send('helpdesk', 'wipe')).statusCode).toBe(403);
    expect((await send('helpdesk', 'restart')).statusCode).toBe(403);
    expect((await send('auditor', 'lock')).statusCode).toBe(403);
    expect((await send('operator', 'wipe')).statusCode).toBe(202);
  });

  it('does not let path tricks past authentication or authorisation', async () => {
    const variants = [
      '//api/v1/devices',
      '/api//v1/devices',
      '/api/v1/./devices',
      '/api/v1/%2e/devices',
      '/api/v1/x/../devices',
      '/api/v1/x/%2e%2e/devices',
      '/api/v1/%2E%2E/v1/devices',
      '/api/v1/devices;jsessionid=1',
      '/api/v1;x/devices',
      '/API/v1/devices',
      '/api/V1/devices',
      '/api/v1/Devices',
      '/api/v1/devices/',
      '/api/v1/devices%2f',
      '/api/v1%2fdevices',
      '/api/v1/devices%00',
      '/api/v1\\devices',
      '/healthz/../api/v1/devices',
      '/healthz/%2e%2e/api/v1/devices',
    ];
    for (const url of variants) {
      const res = await h.app.inject({ method: 'GET', url });
      expect([400, 401, 404], url).toContain(res.statusCode);
      expect(res.statusCode === 200, url).toBe(false);
    }
    // A role that may not create users doesn't get there through a path variant either.
    for (const url of ['//api/v1/users', '/api/v1/./users', '/api/v1/users;', '/API/v1/users']) {
      const res = await h.app.inject({
        method: 'POST',
        url,
        headers: h.auth('auditor'),
        payload: { email: 'x@example.com', password: 'p'.repeat(16), role: 'admin' },
      });
      expect([400, 403, 404], url).toContain(res.statusCode);
    }
    expect(await h.ctx.users.findByEmail('x@example.com')).toBeUndefined();
  });
});
