import { Type } from 'typebox';
import type { RouteModule } from '../route-config.js';
import { Email, Name, Password } from '../schemas.js';
import { UserSchema, toUser } from '../users/dto.js';

/** First-run setup of the first admin, with the one-time token the server printed. */
export const setupRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/api/v1/setup',
    {
      config: { auth: 'public' },
      schema: { tags: ['auth'], summary: 'Whether first-run setup is still needed', response: { 200: Type.Object({ required: Type.Boolean() }) } },
    },
    async () => ({ required: await ctx.setup.required() }),
  );

  app.post(
    '/api/v1/setup',
    {
      config: { auth: 'public', action: 'setup.complete' },
      schema: {
        tags: ['auth'],
        summary: 'Create the first admin with the setup token',
        body: Type.Object(
          { token: Type.String({ minLength: 1, maxLength: 200 }), email: Email, password: Password, displayName: Type.Optional(Name) },
          { additionalProperties: false },
        ),
        response: { 201: UserSchema },
      },
    },
    async (request, reply) => {
      const { token, ...admin } = request.body;
      request.auditTarget = { type: 'user', details: { email: admin.email } };
      const user = await ctx.setup.complete(token, admin);
      request.auditTarget = { type: 'user', id: user.id, details: { email: user.email, role: user.role } };
      return reply.code(201).send(toUser(user));
    },
  );
};
