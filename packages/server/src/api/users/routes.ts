import { Type } from 'typebox';
import { StewardError, notFound } from '../../core/errors.js';
import type { RouteModule } from '../route-config.js';
import { Email, IdParams, Name, Password, RoleSchema } from '../schemas.js';
import { UserSchema, toUser } from './dto.js';

/** Admin users of the console and API. Only admins manage them; auditors may read. */
export const userRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/api/v1/users',
    { config: { auth: 'users.read' }, schema: { tags: ['users'], summary: 'List users', response: { 200: Type.Object({ items: Type.Array(UserSchema) }) } } },
    async () => ({ items: (await ctx.users.list()).map(toUser) }),
  );

  app.get(
    '/api/v1/users/:id',
    { config: { auth: 'users.read' }, schema: { tags: ['users'], summary: 'Get a user', params: IdParams, response: { 200: UserSchema } } },
    async (request) => {
      const user = await ctx.users.findById(request.params.id);
      if (!user) throw notFound('User');
      return toUser(user);
    },
  );

  app.post(
    '/api/v1/users',
    {
      config: { auth: 'users.write', action: 'users.create' },
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        body: Type.Object({ email: Email, password: Password, role: RoleSchema, displayName: Type.Optional(Name) }, { additionalProperties: false }),
        response: { 201: UserSchema },
      },
    },
    async (request, reply) => {
      request.auditTarget = { type: 'user', details: { email: request.body.email, role: request.body.role } };
      const user = await ctx.auth.createUser(request.body);
      request.auditTarget = { type: 'user', id: user.id, details: { email: user.email, role: user.role } };
      return reply.code(201).send(toUser(user));
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { auth: 'users.write', action: 'users.update' },
      schema: {
        tags: ['users'],
        summary: 'Change a user’s role, name, password or disabled state',
        params: IdParams,
        body: Type.Object(
          {
            role: Type.Optional(RoleSchema),
            displayName: Type.Optional(Type.Union([Name, Type.Null()])),
            disabled: Type.Optional(Type.Boolean()),
            password: Type.Optional(Password),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const user = await ctx.users.findById(id);
      if (!user) throw notFound('User');
      const { role, displayName, disabled, password } = request.body;
      request.auditTarget = { type: 'user', id, details: { role, displayName, disabled, passwordReset: password !== undefined } };
      const losesAdmin = user.role === 'admin' && !user.disabled && ((role !== undefined && role !== 'admin') || disabled === true);
      if (losesAdmin && (await ctx.users.countActiveAdmins()) <= 1) throw new StewardError('last_admin');
      await ctx.users.update(id, {
        ...(role !== undefined ? { role } : {}),
        ...(displayName !== undefined ? { display_name: displayName } : {}),
        ...(disabled !== undefined ? { disabled: disabled ? 1 : 0 } : {}),
      });
      if (password !== undefined) await ctx.auth.setPassword(id, password);
      const updated = await ctx.users.findById(id);
      if (!updated) throw notFound('User');
      return toUser(updated);
    },
  );

  app.delete(
    '/api/v1/users/:id',
    {
      config: { auth: 'users.write', action: 'users.delete' },
      schema: { tags: ['users'], summary: 'Delete a user (their audit records keep their e-mail)', params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const user = await ctx.users.findById(request.params.id);
      if (!user) throw notFound('User');
      request.auditTarget = { type: 'user', id: user.id, details: { email: user.email } };
      if (user.role === 'admin' && !user.disabled && (await ctx.users.countActiveAdmins()) <= 1) throw new StewardError('last_admin');
      await ctx.users.delete(user.id);
      return reply.code(204).send(null);
    },
  );
};
