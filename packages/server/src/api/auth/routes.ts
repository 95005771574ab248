import { Type } from 'typebox';
import { StewardError } from '../../core/errors.js';
import { iso } from '../../core/ids.js';
import { PERMISSIONS, type Permission, can } from '../../core/permissions.js';
import { SESSION_COOKIE } from '../app.js';
import { type RouteModule, principalOf } from '../route-config.js';
import { Password, RoleSchema, Timestamp } from '../schemas.js';
import { UserSchema, toUser } from '../users/dto.js';
import { LoginThrottle } from './login-throttle.js';

const Code = Type.String({ minLength: 6, maxLength: 32 });

/** Sign-in and sign-out, the current principal, password change and TOTP multi-factor set-up. */
export const authRoutes: RouteModule = (app, ctx) => {
  const throttle = new LoginThrottle();
  const secureCookie = ctx.config.publicUrl.startsWith('https:');

  app.post(
    '/api/v1/auth/login',
    {
      config: { auth: 'public', action: 'auth.login' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the session cookie',
        body: Type.Object(
          { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 1024 }), totp: Type.Optional(Code) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ user: UserSchema, expiresAt: Timestamp }) },
      },
    },
    async (request, reply) => {
      request.auditTarget = { type: 'user', details: { email: request.body.email.slice(0, 254) } };
      if (throttle.blocked(request.ip)) throw new StewardError('too_many_requests');
      let session: Awaited<ReturnType<typeof ctx.auth.login>>;
      try {
        session = await ctx.auth.login(request.body, { ip: request.ip, userAgent: request.headers['user-agent'] });
      } catch (error) {
        if (error instanceof StewardError && error.code !== 'mfa_required') throttle.fail(request.ip);
        throw error;
      }
      const { token, user, expiresAt } = session;
      request.principal = { type: 'user', id: user.id, label: user.email, role: user.role as 'admin', userId: user.id };
      request.auditTarget = { type: 'user', id: user.id };
      reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, secure: secureCookie, sameSite: 'strict', expires: new Date(expiresAt) });
      return { user: toUser(user), expiresAt: iso(expiresAt) };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { auth: 'authenticated', action: 'auth.logout' },
      schema: { tags: ['auth'], summary: 'End the current session', response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.sessionId) await ctx.auth.logout(principal.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      config: { auth: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in, and what they may do',
        response: {
          200: Type.Object({
            type: Type.Union([Type.Literal('user'), Type.Literal('token')]),
            id: Type.String(),
            label: Type.String(),
            role: RoleSchema,
            user: Type.Union([UserSchema, Type.Null()]),
            permissions: Type.Array(Type.String()),
          }),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const user = principal.type === 'user' ? await ctx.users.findById(principal.id) : undefined;
      return {
        type: principal.type,
        id: principal.id,
        label: principal.label,
        role: principal.role,
        user: user ? toUser(user) : null,
        permissions: (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(principal.role, p)),
      };
    },
  );

  /** MFA and password changes belong to a signed-in person, not to an API token. */
  const currentUser = async (request: Parameters<typeof principalOf>[0]) => {
    const principal = principalOf(request);
    if (principal.type !== 'user') throw new StewardError('forbidden', 'Only a signed-in user can change their own credentials.');
    const user = await ctx.users.findById(principal.id);
    if (!user) throw new StewardError('unauthenticated');
    (request as { auditTarget?: unknown }).auditTarget = { type: 'user', id: user.id };
    return user;
  };

  app.post(
    '/api/v1/auth/password',
    {
      config: { auth: 'authenticated', action: 'auth.password_change' },
      schema: {
        tags: ['auth'],
        summary: 'Change your password (ends your other sessions)',
        body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: Password }, { additionalProperties: false }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const user = await currentUser(request);
      await ctx.auth.changePassword(user, request.body.currentPassword, request.body.newPassword);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/mfa/totp',
    {
      config: { auth: 'authenticated', action: 'auth.mfa_begin' },
      schema: {
        tags: ['auth'],
        summary: 'Start TOTP enrolment: returns the secret and an otpauth:// URL for an authenticator app',
        response: { 200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String() }) },
      },
    },
    async (request) => ctx.auth.beginTotp(await currentUser(request)),
  );

  app.post(
    '/api/v1/auth/mfa/totp/confirm',
    {
      config: { auth: 'authenticated', action: 'auth.mfa_enable' },
      schema: {
        tags: ['auth'],
        summary: 'Confirm TOTP with a current code; returns one-time recovery codes (shown once)',
        body: Type.Object({ code: Code }, { additionalProperties: false }),
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }) },
      },
    },
    async (request) => ({ recoveryCodes: await ctx.auth.confirmTotp(await currentUser(request), request.body.code) }),
  );

  app.post(
    '/api/v1/auth/mfa/totp/disable',
    {
      config: { auth: 'authenticated', action: 'auth.mfa_disable' },
      schema: {
        tags: ['auth'],
        summary: 'Turn TOTP off with a current code or a recovery code',
        body: Type.Object({ code: Code }, { additionalProperties: false }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await ctx.auth.disableTotp(await currentUser(request), request.body.code);
      return reply.code(204).send(null);
    },
  );
};
