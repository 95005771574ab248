import { Type } from 'typebox';
import { SavedViewRepository, type SavedViewRow, type ViewOwner } from '../../core/console/saved-views.js';
import { StewardError, notFound } from '../../core/errors.js';
import { iso } from '../../core/ids.js';
import { type RouteModule, principalOf } from '../route-config.js';
import { IdParams, Timestamp, Uuid } from '../schemas.js';

/** Views per person: plenty for daily use, and a bound on what one account can store. */
export const MAX_SAVED_VIEWS = 100;

const ViewName = Type.String({ minLength: 1, maxLength: 100 });
/** The device list's search parameters (q, platform, sort, size, complianceState…), as the console's URL holds them. */
const ViewQuery = Type.Record(Type.String(), Type.String({ maxLength: 500 }), { maxProperties: 30 });
const QUERY_KEY = /^[A-Za-z][A-Za-z0-9]{0,39}$/;
const checkQuery = (query: Record<string, string> | undefined) => {
  const bad = Object.keys(query ?? {}).filter((key) => !QUERY_KEY.test(key));
  if (bad.length) throw new StewardError('validation_failed', 'Query parameter names are letters and digits.', { keys: bad.slice(0, 5) });
};
const SavedViewSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  query: Type.Record(Type.String(), Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const toView = (row: SavedViewRow) => ({
  id: row.id,
  name: row.name,
  query: JSON.parse(row.query) as Record<string, string>,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

/** Saved device-list views: each person sees, changes and deletes only their own. */
export const savedViewRoutes: RouteModule = (app, ctx) => {
  const views = new SavedViewRepository(ctx.database.db);
  const ownerOf = (request: Parameters<typeof principalOf>[0]): ViewOwner => {
    const principal = principalOf(request);
    return { type: principal.type, id: principal.id };
  };

  app.get(
    '/api/v1/saved-views',
    {
      config: { auth: 'devices.read' },
      schema: { tags: ['saved-views'], summary: 'My saved device-list views', response: { 200: Type.Object({ items: Type.Array(SavedViewSchema) }) } },
    },
    async (request) => ({ items: (await views.list(ownerOf(request))).map(toView) }),
  );

  app.post(
    '/api/v1/saved-views',
    {
      config: { auth: 'devices.read', action: 'saved_views.create' },
      schema: {
        tags: ['saved-views'],
        summary: 'Save a device-list view',
        body: Type.Object({ name: ViewName, query: ViewQuery }, { additionalProperties: false }),
        response: { 201: SavedViewSchema },
      },
    },
    async (request, reply) => {
      const owner = ownerOf(request);
      const { name, query } = request.body;
      request.auditTarget = { type: 'saved_view', details: { name, query } };
      checkQuery(query);
      if (await views.findByName(owner, name)) throw new StewardError('name_taken');
      if ((await views.count(owner)) >= MAX_SAVED_VIEWS) throw new StewardError('conflict', `At most ${MAX_SAVED_VIEWS} saved views per person.`);
      const row = await views.create(owner, name, query);
      request.auditTarget = { type: 'saved_view', id: row.id, details: { name, query } };
      return reply.code(201).send(toView(row));
    },
  );

  app.patch(
    '/api/v1/saved-views/:id',
    {
      config: { auth: 'devices.read', action: 'saved_views.update' },
      schema: {
        tags: ['saved-views'],
        summary: 'Rename a saved view or replace its query',
        params: IdParams,
        body: Type.Object({ name: Type.Optional(ViewName), query: Type.Optional(ViewQuery) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: SavedViewSchema },
      },
    },
    async (request) => {
      const owner = ownerOf(request);
      const { id } = request.params;
      request.auditTarget = { type: 'saved_view', id, details: request.body };
      checkQuery(request.body.query);
      if (!(await views.get(owner, id))) throw notFound('Saved view');
      if (request.body.name !== undefined) {
        const clash = await views.findByName(owner, request.body.name);
        if (clash && clash.id !== id) throw new StewardError('name_taken');
      }
      await views.update(owner, id, request.body);
      const row = await views.get(owner, id);
      if (!row) throw notFound('Saved view');
      return toView(row);
    },
  );

  app.delete(
    '/api/v1/saved-views/:id',
    {
      config: { auth: 'devices.read', action: 'saved_views.delete' },
      schema: { tags: ['saved-views'], summary: 'Delete a saved view', params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const owner = ownerOf(request);
      const row = await views.get(owner, request.params.id);
      request.auditTarget = { type: 'saved_view', id: request.params.id, details: row ? { name: row.name } : undefined };
      if (!row) throw notFound('Saved view');
      await views.delete(owner, row.id);
      return reply.code(204).send(null);
    },
  );
};
