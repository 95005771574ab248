import { Type } from 'typebox';
import type { ApiTokenRow } from '../../core/auth/auth-service.js';
import { StewardError, notFound } from '../../core/errors.js';
import { iso } from '../../core/ids.js';
import { type RouteModule, principalOf } from '../route-config.js';
import { IdParams, Name, NullableTimestamp, RoleSchema, Timestamp, Uuid } from '../schemas.js';

const TokenSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  role: RoleSchema,
  prefix: Type.String({ description: 'The first characters of the secret, to recognise it' }),
  createdBy: Type.Union([Uuid, Type.Null()]),
  createdAt: Timestamp,
  expiresAt: NullableTimestamp,
  lastUsedAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
});

const toToken = (row: ApiTokenRow) => ({
  id: row.id,
  name: row.name,
  role: row.role as 'admin',
  prefix: row.prefix,
  createdBy: row.created_by,
  createdAt: iso(row.created_at),
  expiresAt: iso(row.expires_at),
  lastUsedAt: iso(row.last_used_at),
  revokedAt: iso(row.revoked_at),
});

/** API tokens for scripts and integrations. The secret is shown once, at creation. */
export const tokenRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/api/v1/tokens',
    {
      config: { auth: 'tokens.read' },
      schema: { tags: ['tokens'], summary: 'List API tokens', response: { 200: Type.Object({ items: Type.Array(TokenSchema) }) } },
    },
    async () => ({ items: (await ctx.auth.listTokens()).map(toToken) }),
  );

  app.post(
    '/api/v1/tokens',
    {
      config: { auth: 'tokens.write', action: 'tokens.create' },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token',
        body: Type.Object({ name: Name, role: RoleSchema, expiresAt: Type.Optional(Timestamp) }, { additionalProperties: false }),
        response: { 201: Type.Object({ token: TokenSchema, secret: Type.String() }) },
      },
    },
    async (request, reply) => {
      const expiresAt = request.body.expiresAt ? Date.parse(request.body.expiresAt) : null;
      if (expiresAt !== null && !(expiresAt > Date.now())) throw new StewardError('validation_failed', 'expiresAt must be in the future.');
      const { row, secret } = await ctx.auth.createToken({
        name: request.body.name,
        role: request.body.role,
        createdBy: principalOf(request).userId,
        expiresAt,
      });
      request.auditTarget = { type: 'token', id: row.id, details: { name: row.name, role: row.role } };
      return reply.code(201).send({ token: toToken(row), secret });
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { auth: 'tokens.write', action: 'tokens.revoke' },
      schema: { tags: ['tokens'], summary: 'Revoke an API token', params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const token = await ctx.auth.getToken(request.params.id);
      if (!token) throw notFound('Token');
      request.auditTarget = { type: 'token', id: token.id, details: { name: token.name } };
      if (!(await ctx.auth.revokeToken(token.id))) throw new StewardError('conflict', 'The token is already revoked.');
      return reply.code(204).send(null);
    },
  );
};
