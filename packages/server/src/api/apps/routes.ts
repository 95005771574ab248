import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import { PLATFORMS } from '../../core/devices/device-model.js';
import { StewardError, notFound } from '../../core/errors.js';
import { iso } from '../../core/ids.js';
import { RECONCILE_JOB_KEY } from '../../core/policies/dirty.js';
import type { AppRow } from '../../core/policies/policy-repository.js';
import { uuidFrom } from '../../core/policies/hashing.js';
import type { RouteModule } from '../route-config.js';
import { IdParams, Name, Timestamp, Uuid } from '../schemas.js';

/** Enterprise packages are kept in the database (every node serves them), so they are bounded. */
export const MAX_PACKAGE_BYTES = 32 * 1024 * 1024;
const PACKAGE_TYPES: Readonly<Record<string, readonly string[]>> = {
  '.ipa': ['ios', 'ipados'],
  '.pkg': ['macos'],
  '.msi': ['windows'],
  '.apk': ['android'],
  '.deb': ['linux'],
};

const PlatformSchema = Type.Union(PLATFORMS.map((p) => Type.Literal(p)));
const Identifier = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\s]+$' });
const Version = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]);
const Install = Type.Union([Type.Literal('required'), Type.Literal('available'), Type.Literal('blocked')]);
const AppAssignment = Type.Object(
  { groupId: Uuid, install: Install, configuration: Type.Optional(Type.Record(Type.String(), Type.Unknown())) },
  { additionalProperties: false },
);
const AppSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  platform: Type.String(),
  kind: Type.Union([Type.Literal('store'), Type.Literal('package')]),
  identifier: Type.String(),
  version: Type.Union([Type.String(), Type.Null()]),
  fileName: Type.Union([Type.String(), Type.Null()]),
  sha256: Type.Union([Type.String(), Type.Null()]),
  size: Type.Union([Type.Integer(), Type.Null()]),
  assignments: Type.Array(Type.Object({ groupId: Uuid, install: Type.String(), configuration: Type.Optional(Type.Unknown()) })),
  createdAt: Timestamp,
});

/** The app catalogue: store apps and uploaded enterprise packages, assigned required, available or blocked per group. */
export const appRoutes: RouteModule = (app, ctx) => {
  const kick = () => ctx.jobs.wake(RECONCILE_JOB_KEY);
  const toApp = async (row: AppRow) => ({
    id: row.id,
    name: row.name,
    platform: row.platform,
    kind: row.kind as 'store',
    identifier: row.identifier,
    version: row.version,
    fileName: row.file_name,
    sha256: row.sha256,
    size: row.size,
    assignments: (await ctx.policies.assignmentsOf('app', row.id)).map((a) => ({
      groupId: a.group_id,
      install: a.install ?? 'required',
      ...(a.configuration ? { configuration: JSON.parse(a.configuration) as unknown } : {}),
    })),
    createdAt: iso(row.created_at),
  });
  const unique = async (platform: string, identifier: string) => {
    if (await ctx.policies.findApp(platform, identifier)) throw new StewardError('name_taken', 'This platform already has an app with that identifier.');
  };

  app.get(
    '/api/v1/apps',
    {
      config: { auth: 'apps.read' },
      schema: { tags: ['apps'], summary: 'The app catalogue', response: { 200: Type.Object({ items: Type.Array(AppSchema) }) } },
    },
    async () => ({ items: await Promise.all((await ctx.policies.listApps()).map(toApp)) }),
  );

  app.get(
    '/api/v1/apps/:id',
    { config: { auth: 'apps.read' }, schema: { tags: ['apps'], summary: 'One catalogue entry', params: IdParams, response: { 200: AppSchema } } },
    async (request) => {
      const row = await ctx.policies.getApp(request.params.id);
      if (!row) throw notFound('App');
      return toApp(row);
    },
  );

  app.post(
    '/api/v1/apps',
    {
      config: { auth: 'apps.write', action: 'apps.create' },
      schema: {
        tags: ['apps'],
        summary: 'Add a store app by its identifier (bundle id, App Store id, package name, winget id, Debian package)',
        body: Type.Object({ name: Name, platform: PlatformSchema, identifier: Identifier, version: Type.Optional(Version) }, { additionalProperties: false }),
        response: { 201: AppSchema },
      },
    },
    async (request, reply) => {
      const { name, platform, identifier, version } = request.body;
      request.auditTarget = { type: 'app', details: { name, platform, identifier } };
      await unique(platform, identifier);
      const row = await ctx.policies.createApp({ name, platform, kind: 'store', identifier, version });
      request.auditTarget = { type: 'app', id: row.id, details: { name, platform, identifier } };
      return reply.code(201).send(await toApp(row));
    },
  );

  app.post(
    '/api/v1/apps/packages',
    {
      bodyLimit: Math.ceil((MAX_PACKAGE_BYTES * 4) / 3) + 64 * 1024,
      config: { auth: 'apps.write', action: 'apps.upload' },
      schema: {
        tags: ['apps'],
        summary: 'Upload an enterprise package (.ipa, .pkg, .msi, .apk, .deb) with its SHA-256',
        description: `The package, base64, at most ${MAX_PACKAGE_BYTES / 1024 / 1024} MiB; refused unless its SHA-256 is the one given.`,
        body: Type.Object(
          {
            name: Name,
            platform: PlatformSchema,
            identifier: Identifier,
            version: Type.Optional(Version),
            fileName: Type.String({ minLength: 5, maxLength: 255, pattern: '^[^/\\\\]+\\.(ipa|pkg|msi|apk|deb)$' }),
            sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
            content: Type.String({ minLength: 4, maxLength: Math.ceil((MAX_PACKAGE_BYTES * 4) / 3) + 4, pattern: '^[A-Za-z0-9+/]+={0,2}$' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: AppSchema },
      },
    },
    async (request, reply) => {
      const { name, platform, identifier, version, fileName, sha256, content } = request.body;
      request.auditTarget = { type: 'app', details: { name, platform, identifier, fileName, sha256 } };
      const extension = fileName.slice(fileName.lastIndexOf('.')).toLowerCase();
      if (!PACKAGE_TYPES[extension]?.includes(platform)) throw new StewardError('validation_failed', `A ${extension} package is not for ${platform}.`);
      const bytes = Buffer.from(content, 'base64');
      if (bytes.length > MAX_PACKAGE_BYTES) throw new StewardError('payload_too_large');
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (actual !== sha256) throw new StewardError('package_hash_mismatch', undefined, { expected: sha256, actual });
      await unique(platform, identifier);
      const row = await ctx.policies.createApp({ name, platform, kind: 'package', identifier, version }, { fileName, sha256, content: bytes });
      request.auditTarget = { type: 'app', id: row.id, details: { name, platform, identifier, fileName, sha256, size: bytes.length } };
      return reply.code(201).send(await toApp(row));
    },
  );

  app.get(
    '/api/v1/apps/:id/package',
    { config: { auth: 'apps.read' }, schema: { tags: ['apps'], summary: 'Download an enterprise package', params: IdParams } },
    async (request, reply) => {
      const row = await ctx.policies.getApp(request.params.id);
      const bytes = row ? await ctx.policies.appPackage(row.id) : undefined;
      if (!row || !bytes) throw notFound('Package');
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${(row.file_name ?? 'package').replace(/[^A-Za-z0-9._-]/g, '_')}"`)
        .header('x-content-sha256', row.sha256 ?? '')
        .send(bytes);
    },
  );

  app.delete(
    '/api/v1/apps/:id',
    {
      config: { auth: 'apps.write', action: 'apps.delete' },
      schema: {
        tags: ['apps'],
        summary: 'Remove an app from the catalogue (devices that got it as required remove it)',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const row = await ctx.policies.getApp(request.params.id);
      if (!row) throw notFound('App');
      request.auditTarget = { type: 'app', id: row.id, details: { name: row.name } };
      await ctx.policies.deleteApp(row.id);
      await kick();
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/v1/apps/:id/assignments',
    {
      config: { auth: 'apps.write', action: 'apps.assign' },
      schema: {
        tags: ['apps'],
        summary: 'Set the groups an app is required, available or blocked in, with its managed configuration',
        params: IdParams,
        body: Type.Object({ assignments: Type.Array(AppAssignment, { maxItems: 500 }) }, { additionalProperties: false }),
        response: { 200: AppSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { assignments } = request.body;
      request.auditTarget = { type: 'app', id, details: { assignments } };
      const row = await ctx.policies.getApp(id);
      if (!row) throw notFound('App');
      const groups = new Set<string>();
      for (const a of assignments) {
        if (groups.has(a.groupId)) throw new StewardError('validation_failed', 'A group appears twice.');
        groups.add(a.groupId);
        if (!(await ctx.groups.get(a.groupId))) throw new StewardError('not_found', 'Some groups do not exist.', { missing: [a.groupId] });
      }
      await ctx.policies.setAssignments('app', id, assignments);
      await kick();
      return toApp(row);
    },
  );

  app.get(
    '/api/v1/apps/:id/states',
    {
      config: { auth: 'apps.read' },
      schema: {
        tags: ['apps'],
        summary: 'Install state of an app per device',
        params: IdParams,
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            counts: Type.Record(Type.String(), Type.Integer()),
            items: Type.Array(Type.Object({ deviceId: Uuid, state: Type.String(), reason: Type.Union([Type.String(), Type.Null()]), updatedAt: Timestamp })),
          }),
        },
      },
    },
    async (request) => {
      const row = await ctx.policies.getApp(request.params.id);
      if (!row) throw notFound('App');
      const keys = [...new Set([row.platform, row.platform === 'ipados' ? 'ios' : row.platform])].map((p) => `app.${uuidFrom(`${p}:${row.identifier}`)}`);
      const db = ctx.database.db;
      const [counts, items] = await Promise.all([
        db
          .selectFrom('configuration_states')
          .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
          .where('key', 'in', keys)
          .groupBy('state')
          .execute(),
        db
          .selectFrom('configuration_states')
          .select(['device_id', 'state', 'reason', 'updated_at'])
          .where('key', 'in', keys)
          .orderBy('updated_at', 'desc')
          .limit(request.query.limit)
          .execute(),
      ]);
      return {
        counts: Object.fromEntries(counts.map((c) => [c.state, Number(c.n)])),
        items: items.map((i) => ({ deviceId: i.device_id, state: i.state, reason: i.reason, updatedAt: iso(i.updated_at) })),
      };
    },
  );
};
