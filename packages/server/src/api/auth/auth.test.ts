import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, TEST_PASSWORD, createHarness } from '../../test-support/harness.js';
import { TEST_DATABASES } from '../../test-support/databases.js';

const cookieOf = (res: { headers: Record<string, unknown> }) => {
  const header = [res.headers['set-cookie']].flat()[0] as string | undefined;
  return header?.split(';')[0] ?? '';
};

describe('sign-in, sessions, MFA and tokens', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(TEST_DATABASES[0]!);
  });
  afterAll(() => h?.close());

  const login = (payload: object, ip = '10.1.1.1') => h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload, remoteAddress: ip });

  it('signs in with a secure session cookie and signs out', async () => {
    const res = await login({ email: 'OPERATOR@example.test', password: TEST_PASSWORD });
    expect(res.statusCode).toBe(200);
    const setCookie = String([res.headers['set-cookie']].flat()[0]);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = cookieOf(res);
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(me.json()).toMatchObject({ type: 'user', role: 'operator', label: 'operator@example.test' });
    expect(me.json().permissions).toContain('command.wipe');
    expect(me.json().permissions).not.toContain('users.write');
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('does not reveal which e-mails exist, and locks an account after repeated failures', async () => {
    const unknown = await login({ email: 'nobody@example.test', password: 'whatever' });
    const wrong = await login({ email: 'helpdesk@example.test', password: 'wrong password' });
    expect(unknown.json().error.code).toBe('invalid_credentials');
    expect(wrong.json().error.code).toBe('invalid_credentials');
    for (let i = 0; i < 4; i++) await login({ email: 'helpdesk@example.test', password: 'wrong password' });
    const locked = await login({ email: 'helpdesk@example.test', password: TEST_PASSWORD });
    expect(locked.statusCode).toBe(423);
    expect(locked.json().error.code).toBe('account_locked');
    const audit = await h.ctx.audit.list({ action: 'auth.login', outcome: 'denied', limit: 50 });
    expect(audit.length).toBeGreaterThanOrEqual(6);
  });

  it('throttles one address hammering sign-in', async () => {
    let last = 0;
    for (let i = 0; i < 25; i++) last = (await login({ email: `x${i}@example.test`, password: 'nope' }, '10.9.9.9')).statusCode;
    expect(last).toBe(429);
    // Another address is unaffected.
    expect((await login({ email: 'auditor@example.test', password: TEST_PASSWORD }, '10.9.9.10')).statusCode).toBe(200);
  });

  it('enrols TOTP, then requires it; recovery codes work once', async () => {
    const cookie = cookieOf(await login({ email: 'auditor@example.test', password: TEST_PASSWORD }, '10.2.2.2'));
    const begin = await h.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/totp', headers: { cookie } });
    expect(begin.statusCode).toBe(200);
    const { secret, otpauthUrl } = begin.json();
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/confirm', headers: { cookie }, payload: { code: '000000' } })).statusCode).toBe(
      401,
    );
    const confirm = await h.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/totp/confirm', headers: { cookie }, payload: { code: totp.generate() } });
    expect(confirm.statusCode).toBe(200);
    const { recoveryCodes } = confirm.json();
    expect(recoveryCodes).toHaveLength(10);

    expect((await login({ email: 'auditor@example.test', password: TEST_PASSWORD }, '10.2.2.3')).json().error.code).toBe('mfa_required');
    expect((await login({ email: 'auditor@example.test', password: TEST_PASSWORD, totp: '123456' }, '10.2.2.3')).json().error.code).toBe('invalid_mfa_code');
    expect((await login({ email: 'auditor@example.test', password: TEST_PASSWORD, totp: totp.generate() }, '10.2.2.3')).statusCode).toBe(200);
    expect((await login({ email: 'auditor@example.test', password: TEST_PASSWORD, totp: recoveryCodes[0] }, '10.2.2.3')).statusCode).toBe(200);
    expect((await login({ email: 'auditor@example.test', password: TEST_PASSWORD, totp: recoveryCodes[0] }, '10.2.2.3')).json().error.code).toBe(
      'invalid_mfa_code',
    );
    // The secret is sealed at rest.
    const row = await h.ctx.users.findByEmail('auditor@example.test');
    expect(row?.totp_secret_sealed).not.toContain(secret);
    // API tokens can't change a person's credentials.
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/totp', headers: h.auth('admin') })).statusCode).toBe(403);
  });

  it('creates, uses and revokes API tokens; the secret is never stored', async () => {
    const created = await h.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: h.auth('admin'), payload: { name: 'ci', role: 'helpdesk' } });
    expect(created.statusCode).toBe(201);
    const { token, secret } = created.json();
    expect(secret.startsWith(token.prefix)).toBe(true);
    const rows = await h.ctx.database.db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(secret);
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${secret}` } });
    expect(me.json()).toMatchObject({ type: 'token', role: 'helpdesk' });
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${token.id}`, headers: h.auth('admin') })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${secret}` } })).statusCode).toBe(401);
    const listed = await h.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: h.auth('auditor') });
    expect(JSON.stringify(listed.json())).not.toContain(secret);
  });

  it('never removes or demotes the last admin', async () => {
    const admin = await h.ctx.users.findByEmail('admin@example.test');
    const demote = await h.app.inject({ method: 'PATCH', url: `/api/v1/users/${admin?.id}`, headers: h.auth('admin'), payload: { role: 'auditor' } });
    expect(demote.json().error.code).toBe('last_admin');
    const remove = await h.app.inject({ method: 'DELETE', url: `/api/v1/users/${admin?.id}`, headers: h.auth('admin') });
    expect(remove.json().error.code).toBe('last_admin');
    expect((await h.ctx.users.findById(admin!.id))?.role).toBe('admin');
  });

  it('changes a password with the current one, ending other sessions', async () => {
    const cookie = cookieOf(await login({ email: 'operator@example.test', password: TEST_PASSWORD }, '10.3.3.3'));
    const other = cookieOf(await login({ email: 'operator@example.test', password: TEST_PASSWORD }, '10.3.3.4'));
    const wrong = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { cookie },
      payload: { currentPassword: 'nope', newPassword: 'a brand new passphrase' },
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { cookie },
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase' },
    });
    expect(ok.statusCode).toBe(204);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: other } })).statusCode).toBe(401);
    expect((await login({ email: 'operator@example.test', password: 'a brand new passphrase' }, '10.3.3.5')).statusCode).toBe(200);
  });
});

describe('first-run setup', () => {
  it('creates the first admin once, with the printed token only', async () => {
    const { createContext } = await import('../../context.js');
    const { loadConfig } = await import('../../config/config.js');
    const { buildAppForTests } = await import('../../test-support/app-for-tests.js');
    const { url, dataDir, drop } = await TEST_DATABASES[0]!.create();
    const ctx = await createContext(loadConfig({ dataDir, databaseUrl: url, noTls: true }));
    const app = await buildAppForTests(ctx);
    try {
      expect((await app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({ required: true });
      const token = await ctx.setup.issueToken();
      const body = { email: 'first@example.test', password: 'the very first password' };
      expect((await app.inject({ method: 'POST', url: '/api/v1/setup', payload: { ...body, token: 'setup_wrong' } })).json().error.code).toBe(
        'invalid_setup_token',
      );
      const ok = await app.inject({ method: 'POST', url: '/api/v1/setup', payload: { ...body, token } });
      expect(ok.statusCode).toBe(201);
      expect(ok.json()).toMatchObject({ email: 'first@example.test', role: 'admin' });
      expect((await app.inject({ method: 'POST', url: '/api/v1/setup', payload: { ...body, email: 'second@example.test', token } })).json().error.code).toBe(
        'setup_done',
      );
      expect(await ctx.setup.issueToken()).toBeUndefined();
      expect((await app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({ required: false });
    } finally {
      await app.close();
      await ctx.close();
      await drop();
    }
  });
});
