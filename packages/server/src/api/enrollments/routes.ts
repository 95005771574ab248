import { Type } from 'typebox';
import { type EnrollmentRow, ENROLLMENT_CHANNELS, usable } from '../../core/enrollment/enrollment-repository.js';
import { StewardError, notFound } from '../../core/errors.js';
import { iso } from '../../core/ids.js';
import type { Context } from '../../context.js';
import { OwnershipSchema } from '../devices/dto.js';
import { type RouteModule, principalOf } from '../route-config.js';
import { IdParams, Name, NullableTimestamp, Timestamp, Uuid } from '../schemas.js';

const Channel = Type.Unsafe<(typeof ENROLLMENT_CHANNELS)[number]>({ type: 'string', enum: [...ENROLLMENT_CHANNELS] });
const EnrollmentSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  platform: Channel,
  ownership: OwnershipSchema,
  groupId: Type.Union([Uuid, Type.Null()]),
  assignedUser: Type.Union([Type.String(), Type.Null()]),
  maxUses: Type.Union([Type.Integer(), Type.Null()]),
  uses: Type.Integer(),
  expiresAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
  active: Type.Boolean(),
  createdAt: Timestamp,
  url: Type.String({ description: 'The link a user opens on the device' }),
  profileUrl: Type.Union([Type.String(), Type.Null()], { description: 'Apple: the enrollment profile itself' }),
  qrCodeSvg: Type.String({ description: 'The link as a QR code (SVG)' }),
});

/** Links and QR codes for a user to open on the device. */
export async function toEnrollment(ctx: Context, row: EnrollmentRow) {
  const token = ctx.enrollments.tokenOf(row);
  const url = `${ctx.config.publicUrl}/enroll/${token}`;
  return {
    id: row.id,
    name: row.name,
    platform: row.platform as 'apple',
    ownership: row.ownership as 'corporate',
    groupId: row.group_id,
    assignedUser: row.assigned_user,
    maxUses: row.max_uses,
    uses: row.uses,
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
    active: usable(row),
    createdAt: iso(row.created_at),
    url,
    profileUrl: row.platform === 'apple' ? `${url}/apple.mobileconfig` : null,
    qrCodeSvg: await (await import('qrcode')).default.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
  };
}

/** Enrollments: invitation links per platform, target group and ownership, with expiry and a use limit. */
export const enrollmentRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/api/v1/enrollments',
    {
      config: { auth: 'enrollments.read' },
      schema: { tags: ['enrollment'], summary: 'List enrollments', response: { 200: Type.Object({ items: Type.Array(EnrollmentSchema) }) } },
    },
    async () => ({ items: await Promise.all((await ctx.enrollments.list()).map((row) => toEnrollment(ctx, row))) }),
  );

  app.get(
    '/api/v1/enrollments/:id',
    {
      config: { auth: 'enrollments.read' },
      schema: { tags: ['enrollment'], summary: 'Get an enrollment', params: IdParams, response: { 200: EnrollmentSchema } },
    },
    async (request) => {
      const row = await ctx.enrollments.get(request.params.id);
      if (!row) throw notFound('Enrollment');
      return toEnrollment(ctx, row);
    },
  );

  app.post(
    '/api/v1/enrollments',
    {
      config: { auth: 'enrollments.write', action: 'enrollments.create' },
      schema: {
        tags: ['enrollment'],
        summary: 'Create an enrollment link (and QR code) for a platform, target group and ownership',
        body: Type.Object(
          {
            name: Name,
            platform: Channel,
            ownership: OwnershipSchema,
            groupId: Type.Optional(Uuid),
            assignedUser: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
            maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
            expiresAt: Type.Optional(Timestamp),
          },
          { additionalProperties: false },
        ),
        response: { 201: EnrollmentSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      request.auditTarget = { type: 'enrollment', details: { name: body.name, platform: body.platform } };
      const expiresAt = body.expiresAt ? Date.parse(body.expiresAt) : null;
      if (expiresAt !== null && !(expiresAt > Date.now())) throw new StewardError('validation_failed', 'expiresAt must be in the future.');
      if (body.groupId) {
        const group = await ctx.groups.get(body.groupId);
        if (!group) throw notFound('Group');
        if (group.kind !== 'static') throw new StewardError('conflict', 'Devices enroll into a static group; smart groups follow their filter.');
      }
      const { row } = await ctx.enrollments.create({ ...body, expiresAt, createdBy: principalOf(request).label });
      request.auditTarget = {
        type: 'enrollment',
        id: row.id,
        details: { name: row.name, platform: row.platform, ownership: row.ownership, groupId: row.group_id },
      };
      return reply.code(201).send(await toEnrollment(ctx, row));
    },
  );

  app.post(
    '/api/v1/enrollments/:id/revoke',
    {
      config: { auth: 'enrollments.write', action: 'enrollments.revoke' },
      schema: { tags: ['enrollment'], summary: 'Revoke an enrollment link; enrolled devices stay', params: IdParams, response: { 200: EnrollmentSchema } },
    },
    async (request) => {
      const { id } = request.params;
      request.auditTarget = { type: 'enrollment', id };
      if (!(await ctx.enrollments.get(id))) throw notFound('Enrollment');
      if (!(await ctx.enrollments.revoke(id))) throw new StewardError('conflict', 'The enrollment is already revoked.');
      const row = await ctx.enrollments.get(id);
      if (!row) throw notFound('Enrollment');
      return toEnrollment(ctx, row);
    },
  );
};
