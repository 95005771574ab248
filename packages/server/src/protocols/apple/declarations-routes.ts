import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import { StewardError, notFound } from '../../core/errors.js';
import { iso, uuidv7 } from '../../core/ids.js';
import type { Context } from '../../context.js';
import type { RouteModule } from '../../api/route-config.js';
import { IdParams, Timestamp, Uuid } from '../../api/schemas.js';
import { type DeclarationRow, kindOf } from './ddm.js';

const DeclarationSchema = Type.Object({
  id: Uuid,
  identifier: Type.String(),
  type: Type.String(),
  payload: Type.Record(Type.String(), Type.Unknown()),
  serverToken: Type.String(),
  groupIds: Type.Array(Uuid),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const Identifier = Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const DeclarationType = Type.String({ maxLength: 255, pattern: '^com\\.apple\\.(configuration|asset|activation|management)\\.[A-Za-z0-9.-]+$' });
const Payload = Type.Record(Type.String(), Type.Unknown());

const serverToken = (type: string, payload: unknown) =>
  createHash('sha256')
    .update(`${type}\n${JSON.stringify(payload)}`)
    .digest('hex')
    .slice(0, 32);

/**
 * Declarative Device Management declarations, assigned to groups. Any change makes Steward send the
 * DeclarativeManagement command to the Apple devices whose set changed.
 */
export function declarationRoutes(ctx: Context, resync: (deviceIds: string[]) => Promise<void>): RouteModule {
  const db = ctx.database.db;
  const groupsOf = async (id: string) =>
    (await db.selectFrom('declaration_assignments').select('group_id').where('declaration_id', '=', id).execute()).map((r) => r.group_id);
  const toDeclaration = async (row: DeclarationRow) => ({
    id: row.id,
    identifier: row.identifier,
    type: row.type,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    serverToken: row.server_token,
    groupIds: await groupsOf(row.id),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  });
  const appleMembers = async (groupIds: readonly string[]) => {
    if (groupIds.length === 0) return [];
    const rows = await db
      .selectFrom('group_members')
      .innerJoin('apple_devices', 'apple_devices.device_id', 'group_members.device_id')
      .select('group_members.device_id')
      .distinct()
      .where('group_members.group_id', 'in', [...groupIds])
      .execute();
    return rows.map((r) => r.device_id);
  };
  const checkGroups = async (groupIds: readonly string[]) => {
    for (const groupId of groupIds) if (!(await ctx.groups.get(groupId))) throw notFound(`Group ${groupId}`);
  };
  const assign = async (id: string, groupIds: readonly string[]) => {
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('declaration_assignments').where('declaration_id', '=', id).execute();
      if (groupIds.length)
        await trx
          .insertInto('declaration_assignments')
          .values(groupIds.map((group_id) => ({ declaration_id: id, group_id })))
          .execute();
    });
  };

  return (app) => {
    app.get(
      '/api/v1/apple/declarations',
      {
        config: { auth: 'declarations.read' },
        schema: {
          tags: ['apple'],
          summary: 'Declarative Device Management declarations',
          response: { 200: Type.Object({ items: Type.Array(DeclarationSchema) }) },
        },
      },
      async () => ({ items: await Promise.all((await db.selectFrom('declarations').selectAll().orderBy('identifier').execute()).map(toDeclaration)) }),
    );

    app.post(
      '/api/v1/apple/declarations',
      {
        config: { auth: 'declarations.write', action: 'apple.declarations.create' },
        schema: {
          tags: ['apple'],
          summary: 'Create a declaration and assign it to groups',
          body: Type.Object(
            { identifier: Identifier, type: DeclarationType, payload: Payload, groupIds: Type.Array(Uuid, { maxItems: 100, uniqueItems: true }) },
            { additionalProperties: false },
          ),
          response: { 201: DeclarationSchema },
        },
      },
      async (request, reply) => {
        const { identifier, type, payload, groupIds } = request.body;
        request.auditTarget = { type: 'declaration', details: { identifier, type } };
        if (!kindOf(type)) throw new StewardError('validation_failed', 'Unknown declaration type.');
        if (JSON.stringify(payload).length > 65_536) throw new StewardError('payload_too_large');
        await checkGroups(groupIds);
        if (await db.selectFrom('declarations').select('id').where('identifier', '=', identifier).executeTakeFirst())
          throw new StewardError('name_taken', 'A declaration with this identifier exists.');
        const now = Date.now();
        const row: DeclarationRow = {
          id: uuidv7(now),
          identifier,
          type,
          payload: JSON.stringify(payload),
          server_token: serverToken(type, payload),
          created_at: now,
          updated_at: now,
        };
        await db.insertInto('declarations').values(row).execute();
        await assign(row.id, groupIds);
        request.auditTarget = { type: 'declaration', id: row.id, details: { identifier, type, groupIds } };
        await resync(await appleMembers(groupIds));
        return reply.code(201).send(await toDeclaration(row));
      },
    );

    app.put(
      '/api/v1/apple/declarations/:id',
      {
        config: { auth: 'declarations.write', action: 'apple.declarations.update' },
        schema: {
          tags: ['apple'],
          summary: 'Change a declaration’s payload or its groups',
          params: IdParams,
          body: Type.Object(
            { payload: Type.Optional(Payload), groupIds: Type.Optional(Type.Array(Uuid, { maxItems: 100, uniqueItems: true })) },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: DeclarationSchema },
        },
      },
      async (request) => {
        const { id } = request.params;
        request.auditTarget = { type: 'declaration', id, details: request.body };
        const row = await db.selectFrom('declarations').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) throw notFound('Declaration');
        const before = await groupsOf(id);
        if (request.body.groupIds) await checkGroups(request.body.groupIds);
        if (request.body.payload) {
          if (JSON.stringify(request.body.payload).length > 65_536) throw new StewardError('payload_too_large');
          await db
            .updateTable('declarations')
            .set({ payload: JSON.stringify(request.body.payload), server_token: serverToken(row.type, request.body.payload), updated_at: Date.now() })
            .where('id', '=', id)
            .execute();
        }
        if (request.body.groupIds) await assign(id, request.body.groupIds);
        const after = await groupsOf(id);
        await resync(await appleMembers([...new Set([...before, ...after])]));
        const updated = await db.selectFrom('declarations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        return toDeclaration(updated);
      },
    );

    app.delete(
      '/api/v1/apple/declarations/:id',
      {
        config: { auth: 'declarations.write', action: 'apple.declarations.delete' },
        schema: { tags: ['apple'], summary: 'Delete a declaration; devices remove it at their next sync', params: IdParams, response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        const { id } = request.params;
        const row = await db.selectFrom('declarations').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) throw notFound('Declaration');
        request.auditTarget = { type: 'declaration', id, details: { identifier: row.identifier } };
        const affected = await appleMembers(await groupsOf(id));
        await db.deleteFrom('declarations').where('id', '=', id).execute();
        await resync(affected);
        return reply.code(204).send(null);
      },
    );
  };
}
