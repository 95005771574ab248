import { Type } from 'typebox';
import { CHANNELS, type Channel, type Ownership, OWNERSHIPS, PLATFORMS, type Platform, defaultChannel } from '../../core/devices/device-model.js';
import { StewardError, notFound } from '../../core/errors.js';
import { iso } from '../../core/ids.js';
import { DesiredStateSnapshot, type DeviceDesiredState, type DeviceFacts } from '../../core/policies/desired-state.js';
import { RECONCILE_JOB_KEY } from '../../core/policies/dirty.js';
import { PolicySettings } from '../../core/policies/policy-model.js';
import type { PolicyRow, ProfileRow } from '../../core/policies/policy-repository.js';
import type { RouteModule } from '../route-config.js';
import { IdParams, Name, Timestamp, Uuid } from '../schemas.js';

const Description = Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]);
const Priority = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const Source = Type.Object({ policyId: Uuid, policyName: Type.String() });
const Unsupported = Type.Array(Type.Object({ setting: Type.String(), reason: Type.String() }));
const ChannelSchema = Type.Union(CHANNELS.map((c) => Type.Literal(c)));
const PlatformSchema = Type.Union(PLATFORMS.map((p) => Type.Literal(p)));
const OwnershipSchema = Type.Union(OWNERSHIPS.map((o) => Type.Literal(o)));
const Assignments = Type.Object({ groupIds: Type.Array(Uuid, { maxItems: 500 }) }, { additionalProperties: false });

const PolicySchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  priority: Type.Integer(),
  settings: Type.Record(Type.String(), Type.Unknown()),
  groupIds: Type.Array(Uuid),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const ProfileSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  channel: Type.String(),
  identifier: Type.Union([Type.String(), Type.Null()]),
  validated: Type.Boolean(),
  content: Type.String(),
  groupIds: Type.Array(Uuid),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const TranslationSchema = Type.Object({
  channel: Type.String(),
  /** false: the channel has no policy translator (yet); nothing is sent to it. */
  supported: Type.Boolean(),
  reason: Type.Optional(Type.String()),
  payload: Type.Optional(Type.Unknown()),
  unsupported: Unsupported,
});
const ItemSchema = Type.Object({
  key: Type.String(),
  itemType: Type.String(),
  itemId: Type.String(),
  name: Type.String(),
  version: Type.String(),
  presence: Type.String(),
  command: Type.String(),
});
const DesiredSchema = Type.Object({
  platform: Type.String(),
  channel: Type.String(),
  ownership: Type.String(),
  policies: Type.Array(Source),
  settings: Type.Record(Type.String(), Type.Unknown()),
  sources: Type.Record(Type.String(), Source),
  translation: TranslationSchema,
  profiles: Type.Array(Type.Object({ id: Uuid, name: Type.String(), channel: Type.String() })),
  apps: Type.Array(
    Type.Object({
      identifier: Type.String(),
      install: Type.String(),
      appId: Type.Union([Uuid, Type.Null()]),
      name: Type.String(),
      source: Type.String(),
      configuration: Type.Optional(Type.Unknown()),
    }),
  ),
  osTarget: Type.Union([Type.Object({ minimumVersion: Type.String(), deadline: Type.Union([Timestamp, Type.Null()]) }), Type.Null()]),
  items: Type.Array(ItemSchema),
});
const StateSchema = Type.Object({
  key: Type.String(),
  itemType: Type.String(),
  itemId: Type.String(),
  name: Type.String(),
  state: Type.String(),
  desiredVersion: Type.Union([Type.String(), Type.Null()]),
  installedVersion: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Integer(),
  commandId: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Timestamp,
});

const toPolicy = (row: PolicyRow, groupIds: string[]) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  priority: row.priority,
  settings: JSON.parse(row.settings) as Record<string, unknown>,
  groupIds,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});
const toProfile = (row: ProfileRow, groupIds: string[]) => ({
  id: row.id,
  name: row.name,
  channel: row.channel,
  identifier: row.identifier,
  validated: row.validated === 1,
  content: row.content,
  groupIds,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

/** The per-device view: what is merged, from where, what the channel makes of it, and what gets sent. */
export function toDesired(device: Pick<DeviceFacts, 'platform' | 'channel' | 'ownership'>, desired: DeviceDesiredState) {
  const hasTranslator = desired.translator !== undefined;
  return {
    platform: device.platform,
    channel: device.channel,
    ownership: device.ownership,
    policies: [...desired.effective.policies],
    settings: desired.effective.settings as Record<string, unknown>,
    sources: { ...desired.effective.sources },
    translation: hasTranslator
      ? { channel: device.channel, supported: true, payload: desired.translation?.payload ?? null, unsupported: [...(desired.translation?.unsupported ?? [])] }
      : {
          channel: device.channel,
          supported: false,
          reason: 'unsupported channel: this channel has no policy translator; nothing is sent to it',
          unsupported: [],
        },
    profiles: desired.profiles.map((p) => ({ id: p.id, name: p.name, channel: p.channel })),
    apps: desired.apps.map((a) => ({ ...a })),
    osTarget: desired.osTarget ? { minimumVersion: desired.osTarget.minimumVersion, deadline: iso(desired.osTarget.deadline) } : null,
    items: desired.items.map((i) => ({
      key: i.key,
      itemType: i.itemType,
      itemId: i.itemId,
      name: i.name,
      version: i.version,
      presence: i.presence,
      command: i.satisfied ? 'none (already satisfied)' : i.command.type,
    })),
  };
}

/** Platform-neutral policies, raw platform profiles, their assignments, and each device's effective policy. */
export const policyRoutes: RouteModule = (app, ctx) => {
  const kick = () => ctx.jobs.wake(RECONCILE_JOB_KEY);
  const groupIdsOf = async (type: 'policy' | 'profile', id: string) => (await ctx.policies.assignmentsOf(type, id)).map((a) => a.group_id);
  const checkGroups = async (groupIds: readonly string[]) => {
    for (const id of groupIds) if (!(await ctx.groups.get(id))) throw new StewardError('not_found', 'Some groups do not exist.', { missing: [id] });
  };
  const snapshot = () => DesiredStateSnapshot.load(ctx.database.db, app.adapters.translators);

  // --- policies -----------------------------------------------------------------------------------

  app.get(
    '/api/v1/policies',
    {
      config: { auth: 'policies.read' },
      schema: { tags: ['policies'], summary: 'List policies (by priority)', response: { 200: Type.Object({ items: Type.Array(PolicySchema) }) } },
    },
    async () => {
      const [rows, assignments] = await Promise.all([ctx.policies.listPolicies(), ctx.policies.allAssignments()]);
      return {
        items: rows.map((r) =>
          toPolicy(
            r,
            assignments.filter((a) => a.item_type === 'policy' && a.item_id === r.id).map((a) => a.group_id),
          ),
        ),
      };
    },
  );

  app.get(
    '/api/v1/policies/:id',
    { config: { auth: 'policies.read' }, schema: { tags: ['policies'], summary: 'Get a policy', params: IdParams, response: { 200: PolicySchema } } },
    async (request) => {
      const row = await ctx.policies.getPolicy(request.params.id);
      if (!row) throw notFound('Policy');
      return toPolicy(row, await groupIdsOf('policy', row.id));
    },
  );

  app.post(
    '/api/v1/policies',
    {
      config: { auth: 'policies.write', action: 'policies.create' },
      schema: {
        tags: ['policies'],
        summary: 'Create a policy',
        description: 'Security settings merge strictest-wins across policies; the rest comes from the lowest `priority` (ties: older). See docs/policies.md.',
        body: Type.Object(
          {
            name: Name,
            description: Type.Optional(Description),
            priority: Type.Optional(Priority),
            settings: PolicySettings,
            groupIds: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: PolicySchema },
      },
    },
    async (request, reply) => {
      const { name, description, priority, settings, groupIds } = request.body;
      request.auditTarget = { type: 'policy', details: { name } };
      if (await ctx.policies.findPolicyByName(name)) throw new StewardError('name_taken');
      if (groupIds) await checkGroups(groupIds);
      const row = await ctx.policies.createPolicy({ name, description, settings, priority: priority ?? 100 });
      if (groupIds?.length)
        await ctx.policies.setAssignments(
          'policy',
          row.id,
          groupIds.map((groupId) => ({ groupId })),
        );
      request.auditTarget = { type: 'policy', id: row.id, details: { name, priority: row.priority, settings, groupIds } };
      await kick();
      return reply.code(201).send(toPolicy(row, groupIds ?? []));
    },
  );

  app.patch(
    '/api/v1/policies/:id',
    {
      config: { auth: 'policies.write', action: 'policies.update' },
      schema: {
        tags: ['policies'],
        summary: 'Change a policy (devices it is assigned to are reconciled)',
        params: IdParams,
        body: Type.Object(
          { name: Type.Optional(Name), description: Type.Optional(Description), priority: Type.Optional(Priority), settings: Type.Optional(PolicySettings) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: PolicySchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      request.auditTarget = { type: 'policy', id, details: request.body };
      if (!(await ctx.policies.getPolicy(id))) throw notFound('Policy');
      if (request.body.name) {
        const other = await ctx.policies.findPolicyByName(request.body.name);
        if (other && other.id !== id) throw new StewardError('name_taken');
      }
      await ctx.policies.updatePolicy(id, request.body);
      await kick();
      const row = await ctx.policies.getPolicy(id);
      if (!row) throw notFound('Policy');
      return toPolicy(row, await groupIdsOf('policy', id));
    },
  );

  itemLifecycleRoutes({
    kind: 'policy',
    path: 'policies',
    label: 'Policy',
    deleteSummary: 'Delete a policy (what it installed is removed)',
    assignSummary: 'Set the groups (static or smart) a policy is assigned to',
  });

  app.get(
    '/api/v1/policies/:id/preview',
    {
      config: { auth: 'policies.read' },
      schema: {
        tags: ['policies'],
        summary: 'What a device would receive with this policy',
        description:
          'With `deviceId`: the device’s effective policy if this policy were assigned to it too (merged with what it already has), translated for its channel, and the items the reconciler would send. With `platform` (and `ownership`, `channel`): this policy alone, translated for such a device.',
        params: IdParams,
        querystring: Type.Object(
          {
            deviceId: Type.Optional(Uuid),
            platform: Type.Optional(PlatformSchema),
            ownership: Type.Optional(OwnershipSchema),
            channel: Type.Optional(ChannelSchema),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Intersect([Type.Object({ deviceId: Type.Union([Uuid, Type.Null()]) }), DesiredSchema]) },
      },
    },
    async (request) => {
      const policy = await ctx.policies.getPolicy(request.params.id);
      if (!policy) throw notFound('Policy');
      const { deviceId, platform, ownership, channel } = request.query;
      const snap = await snapshot();
      if (deviceId) {
        const device = await ctx.devices.get(deviceId);
        if (!device) throw notFound('Device');
        const facts = factsOf(device);
        const groups = await ctx.groups.groupIdsOf(device.id);
        const current = snap.forDevice(facts, groups);
        const policyIds = [...current.effective.policies.map((p) => p.policyId), policy.id];
        return { deviceId, ...toDesired(facts, snap.forDevice(facts, groups, policyIds)) };
      }
      if (!platform) throw new StewardError('validation_failed', 'Give deviceId, or platform (with ownership and channel if needed).');
      const facts: DeviceFacts = {
        id: '',
        platform,
        channel: channel ?? defaultChannel(platform),
        ownership: ownership ?? 'corporate',
        assignedUser: null,
        osVersion: null,
      };
      return { deviceId: null, ...toDesired(facts, snap.forDevice(facts, [], [policy.id])) };
    },
  );

  app.get(
    '/api/v1/devices/:id/effective-policy',
    {
      config: { auth: 'policies.read' },
      schema: {
        tags: ['policies'],
        summary:
          'A device’s effective policy: merged settings with the source of each value, raw profiles, the channel’s translation, apps, OS target and states',
        params: IdParams,
        response: { 200: Type.Intersect([Type.Object({ deviceId: Uuid, states: Type.Array(StateSchema) }), DesiredSchema]) },
      },
    },
    async (request) => {
      const device = await ctx.devices.get(request.params.id);
      if (!device) throw notFound('Device');
      const facts = factsOf(device);
      const desired = (await snapshot()).forDevice(facts, await ctx.groups.groupIdsOf(device.id));
      const states = await ctx.database.db.selectFrom('configuration_states').selectAll().where('device_id', '=', device.id).orderBy('key').execute();
      return {
        deviceId: device.id,
        ...toDesired(facts, desired),
        states: states.map((s) => ({
          key: s.key,
          itemType: s.item_type,
          itemId: s.item_id,
          name: s.name,
          state: s.state,
          desiredVersion: s.desired_version,
          installedVersion: s.installed_version,
          reason: s.reason,
          attempts: s.attempts,
          commandId: s.command_id,
          updatedAt: iso(s.updated_at),
        })),
      };
    },
  );

  // --- raw profiles -------------------------------------------------------------------------------

  /** Runs the channel's own checks; a channel without a translator stores the profile unvalidated. */
  const checkProfile = (channel: Channel, content: string) => {
    const translator = app.adapters.translators.find((t) => t.channel === channel);
    const problems = translator?.validateRaw?.(content) ?? [];
    if (problems.length) throw new StewardError('invalid_profile', `The ${channel} profile has ${problems.length} problem(s).`, { problems });
    return { identifier: translator?.rawIdentifier?.(content) ?? null, validated: translator?.validateRaw !== undefined };
  };

  app.get(
    '/api/v1/profiles',
    {
      config: { auth: 'policies.read' },
      schema: { tags: ['profiles'], summary: 'List raw platform profiles', response: { 200: Type.Object({ items: Type.Array(ProfileSchema) }) } },
    },
    async () => {
      const [rows, assignments] = await Promise.all([ctx.policies.listProfiles(), ctx.policies.allAssignments()]);
      return {
        items: rows.map((r) =>
          toProfile(
            r,
            assignments.filter((a) => a.item_type === 'profile' && a.item_id === r.id).map((a) => a.group_id),
          ),
        ),
      };
    },
  );

  app.get(
    '/api/v1/profiles/:id',
    { config: { auth: 'policies.read' }, schema: { tags: ['profiles'], summary: 'Get a raw profile', params: IdParams, response: { 200: ProfileSchema } } },
    async (request) => {
      const row = await ctx.policies.getProfile(request.params.id);
      if (!row) throw notFound('Profile');
      return toProfile(row, await groupIdsOf('profile', row.id));
    },
  );

  app.post(
    '/api/v1/profiles',
    {
      config: { auth: 'policies.write', action: 'profiles.create' },
      schema: {
        tags: ['profiles'],
        summary: 'Upload a raw platform profile (.mobileconfig XML, SyncML, AMAPI JSON, …), checked by its channel',
        body: Type.Object(
          {
            name: Name,
            channel: ChannelSchema,
            content: Type.String({ minLength: 1, maxLength: 512 * 1024 }),
            groupIds: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: ProfileSchema },
      },
    },
    async (request, reply) => {
      const { name, channel, content, groupIds } = request.body;
      request.auditTarget = { type: 'profile', details: { name, channel } };
      if (await ctx.policies.findProfileByName(name)) throw new StewardError('name_taken');
      if (groupIds) await checkGroups(groupIds);
      const checked = checkProfile(channel, content);
      const row = await ctx.policies.createProfile({ name, channel, content, ...checked });
      if (groupIds?.length)
        await ctx.policies.setAssignments(
          'profile',
          row.id,
          groupIds.map((groupId) => ({ groupId })),
        );
      request.auditTarget = { type: 'profile', id: row.id, details: { name, channel, identifier: row.identifier, groupIds } };
      await kick();
      return reply.code(201).send(toProfile(row, groupIds ?? []));
    },
  );

  app.patch(
    '/api/v1/profiles/:id',
    {
      config: { auth: 'policies.write', action: 'profiles.update' },
      schema: {
        tags: ['profiles'],
        summary: 'Rename a raw profile or replace its content',
        params: IdParams,
        body: Type.Object(
          { name: Type.Optional(Name), content: Type.Optional(Type.String({ minLength: 1, maxLength: 512 * 1024 })) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: ProfileSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      request.auditTarget = { type: 'profile', id, details: { name: request.body.name, content: request.body.content !== undefined } };
      const row = await ctx.policies.getProfile(id);
      if (!row) throw notFound('Profile');
      if (request.body.name) {
        const other = await ctx.policies.findProfileByName(request.body.name);
        if (other && other.id !== id) throw new StewardError('name_taken');
      }
      const checked = request.body.content !== undefined ? checkProfile(row.channel as Channel, request.body.content) : {};
      await ctx.policies.updateProfile(id, { name: request.body.name, content: request.body.content, ...checked });
      await kick();
      const updated = await ctx.policies.getProfile(id);
      if (!updated) throw notFound('Profile');
      return toProfile(updated, await groupIdsOf('profile', id));
    },
  );

  itemLifecycleRoutes({
    kind: 'profile',
    path: 'profiles',
    label: 'Profile',
    deleteSummary: 'Delete a raw profile (devices remove it)',
    assignSummary: 'Set the groups a raw profile is assigned to',
  });

  /** DELETE /api/v1/{path}/:id and PUT /api/v1/{path}/:id/assignments: the same for policies and raw profiles. */
  function itemLifecycleRoutes(item: {
    kind: 'policy' | 'profile';
    path: 'policies' | 'profiles';
    label: string;
    deleteSummary: string;
    assignSummary: string;
  }) {
    const find = (id: string) => (item.kind === 'policy' ? ctx.policies.getPolicy(id) : ctx.policies.getProfile(id));
    app.delete(
      `/api/v1/${item.path}/:id`,
      {
        config: { auth: 'policies.write', action: `${item.path}.delete` },
        schema: { tags: [item.path], summary: item.deleteSummary, params: IdParams, response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        const row = await find(request.params.id);
        if (!row) throw notFound(item.label);
        request.auditTarget = { type: item.kind, id: row.id, details: { name: row.name } };
        await (item.kind === 'policy' ? ctx.policies.deletePolicy(row.id) : ctx.policies.deleteProfile(row.id));
        await kick();
        return reply.code(204).send(null);
      },
    );

    app.put(
      `/api/v1/${item.path}/:id/assignments`,
      {
        config: { auth: 'policies.write', action: `${item.path}.assign` },
        schema: { tags: [item.path], summary: item.assignSummary, params: IdParams, body: Assignments, response: { 200: Assignments } },
      },
      async (request) => {
        const { id } = request.params;
        const groupIds = [...new Set(request.body.groupIds)];
        request.auditTarget = { type: item.kind, id, details: { groupIds } };
        if (!(await find(id))) throw notFound(item.label);
        await checkGroups(groupIds);
        await ctx.policies.setAssignments(
          item.kind,
          id,
          groupIds.map((groupId) => ({ groupId })),
        );
        await kick();
        return { groupIds };
      },
    );
  }
};

function factsOf(device: {
  id: string;
  platform: string;
  channel: string;
  ownership: string;
  assigned_user: string | null;
  os_version: string | null;
}): DeviceFacts {
  return {
    id: device.id,
    platform: device.platform as Platform,
    channel: device.channel as Channel,
    ownership: device.ownership as Ownership,
    assignedUser: device.assigned_user,
    osVersion: device.os_version,
  };
}
