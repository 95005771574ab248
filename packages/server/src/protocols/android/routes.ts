import QRCode from 'qrcode';
import { Type } from 'typebox';
import { OwnershipSchema } from '../../api/devices/dto.js';
import { type RouteModule, principalOf } from '../../api/route-config.js';
import { IdParams, Name, NullableTimestamp, Timestamp, Uuid } from '../../api/schemas.js';
import type { Context } from '../../context.js';
import { usable } from '../../core/enrollment/enrollment-repository.js';
import { StewardError, notFound } from '../../core/errors.js';
import { can } from '../../core/permissions.js';
import { iso } from '../../core/ids.js';
import type { EnterpriseRow } from './android-repository.js';
import { type AndroidService, NOTIFICATION_TYPES, type PushEnvelope } from './android-service.js';

/** Pub/Sub pushes carry one device report; a fleet's largest (hundreds of apps) stays well under this. */
const PUSH_BODY_LIMIT = 1024 * 1024;
const DAY_MS = 86_400_000;

const EnterpriseSchema = Type.Object({
  credentialsUploaded: Type.Boolean(),
  clientEmail: Type.Union([Type.String(), Type.Null()]),
  projectId: Type.Union([Type.String(), Type.Null()]),
  bound: Type.Boolean(),
  enterpriseName: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.Union([Type.String(), Type.Null()]),
  pubsubTopic: Type.Union([Type.String(), Type.Null()]),
  notificationTypes: Type.Array(Type.String()),
  boundAt: NullableTimestamp,
  pushEndpoint: Type.String({ description: 'The URL to give the Pub/Sub push subscription (it carries a secret: treat it as one)' }),
});

const TokenSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  ownership: OwnershipSchema,
  mode: Type.Union([Type.Literal('fully_managed'), Type.Literal('work_profile')]),
  groupId: Type.Union([Uuid, Type.Null()]),
  assignedUser: Type.Union([Type.String(), Type.Null()]),
  oneTime: Type.Boolean(),
  uses: Type.Integer(),
  expiresAt: Timestamp,
  revokedAt: NullableTimestamp,
  active: Type.Boolean(),
  createdAt: Timestamp,
  token: Type.String({ description: 'The enrollment token a user types in at setup (afw#setup flow)' }),
  enrollmentLink: Type.String({ description: 'Opening this on a personal device creates the work profile' }),
  qrCode: Type.String({ description: 'The provisioning JSON Google returned; the QR images encode it' }),
  qrCodePng: Type.String({ description: 'Path of the QR code as PNG' }),
  qrCodeSvg: Type.String({ description: 'Path of the QR code as SVG' }),
});

const ENUM_TYPES = Type.Union(['ENROLLMENT', 'STATUS_REPORT', 'COMMAND', 'USAGE_LOGS'].map((t) => Type.Literal(t)));

/** The push endpoint carries the secret that authenticates Google's pushes: only admins (android.write) see it whole. */
function toEnterprise(service: AndroidService, row: EnterpriseRow, showSecret: boolean) {
  return {
    credentialsUploaded: row.credentials_sealed !== null,
    clientEmail: row.client_email,
    projectId: row.project_id,
    bound: row.enterprise_name !== null,
    enterpriseName: row.enterprise_name,
    displayName: row.display_name,
    pubsubTopic: row.pubsub_topic,
    notificationTypes: JSON.parse(row.notification_types) as string[],
    boundAt: iso(row.bound_at),
    pushEndpoint: showSecret ? service.pushEndpoint(row) : service.pushEndpoint(row).replace(/token=[^&]+/, 'token=…'),
  };
}

async function toToken(ctx: Context, service: AndroidService, enrollmentId: string) {
  const enrollment = await ctx.enrollments.get(enrollmentId);
  const token = await service.repo.token(enrollmentId);
  if (!enrollment || !token) throw notFound('Enrollment token');
  const value = service.tokenValue(enrollmentId, token.value_sealed);
  const base = `/api/v1/android/enrollment-tokens/${enrollmentId}`;
  return {
    id: enrollment.id,
    name: enrollment.name,
    ownership: enrollment.ownership as 'corporate',
    mode: token.mode as 'fully_managed',
    groupId: enrollment.group_id,
    assignedUser: enrollment.assigned_user,
    oneTime: token.one_time === 1,
    uses: enrollment.uses,
    expiresAt: iso(token.expires_at) as string,
    revokedAt: iso(enrollment.revoked_at),
    active: usable(enrollment) && token.expires_at > Date.now(),
    createdAt: iso(token.created_at) as string,
    token: value,
    enrollmentLink: `https://enterprise.google.com/android/enroll?et=${encodeURIComponent(value)}`,
    qrCode: token.qr_code,
    qrCodePng: `${base}/qr.png`,
    qrCodeSvg: `${base}/qr.svg`,
  };
}

/** The Android channel's routes: enterprise binding and enrollment tokens (admin), the sign-up callback and the Pub/Sub push endpoint. */
export function androidRoutes(service: AndroidService): RouteModule {
  return (app, ctx) => {
    app.get(
      '/api/v1/android/enterprise',
      {
        config: { auth: 'android.read' },
        schema: { tags: ['android'], summary: 'The Android enterprise binding and its Pub/Sub push endpoint', response: { 200: EnterpriseSchema } },
      },
      async (request) => toEnterprise(service, await service.enterprise(), can(principalOf(request).role, 'android.write')),
    );

    app.put(
      '/api/v1/android/credentials',
      {
        config: { auth: 'android.write', action: 'android.credentials_upload' },
        schema: {
          tags: ['android'],
          summary: 'Upload the Google Cloud service-account key (JSON) Steward calls the Android Management API with; stored sealed',
          body: Type.Object({ serviceAccount: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }),
          response: { 200: EnterpriseSchema },
        },
      },
      async (request) => {
        request.auditTarget = { type: 'android_enterprise', id: 'default' };
        const row = await service.uploadCredentials(request.body.serviceAccount);
        request.auditTarget = { type: 'android_enterprise', id: 'default', details: { clientEmail: row.client_email, projectId: row.project_id } };
        return toEnterprise(service, row, true);
      },
    );

    app.post(
      '/api/v1/android/signup-url',
      {
        config: { auth: 'android.write', action: 'android.signup_started' },
        schema: {
          tags: ['android'],
          summary: 'Start binding an enterprise: a Google sign-up URL whose callback returns to Steward',
          body: Type.Object(
            {
              pubsubTopic: Type.Optional(Type.String({ pattern: '^projects/[^/]+/topics/[^/]+$', maxLength: 300 })),
              displayName: Type.Optional(Name),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ url: Type.String(), name: Type.String() }) },
        },
      },
      async (request) => {
        request.auditTarget = { type: 'android_enterprise', id: 'default', details: { pubsubTopic: request.body.pubsubTopic ?? null } };
        return service.createSignupUrl(request.body);
      },
    );

    app.put(
      '/api/v1/android/notifications',
      {
        config: { auth: 'android.write', action: 'android.notifications_update' },
        schema: {
          tags: ['android'],
          summary: 'Point the enterprise’s notifications at a Pub/Sub topic',
          body: Type.Object(
            {
              pubsubTopic: Type.String({ pattern: '^projects/[^/]+/topics/[^/]+$', maxLength: 300 }),
              notificationTypes: Type.Optional(Type.Array(ENUM_TYPES, { minItems: 1, maxItems: 4, uniqueItems: true })),
            },
            { additionalProperties: false },
          ),
          response: { 200: EnterpriseSchema },
        },
      },
      async (request) => {
        const types = request.body.notificationTypes ?? [...NOTIFICATION_TYPES];
        request.auditTarget = { type: 'android_enterprise', id: 'default', details: { pubsubTopic: request.body.pubsubTopic, types } };
        return toEnterprise(service, await service.configureNotifications(request.body.pubsubTopic, types), true);
      },
    );

    app.post(
      '/api/v1/android/sync',
      {
        config: { auth: 'android.write', action: 'android.sync' },
        schema: {
          tags: ['android'],
          summary: 'Reconcile now: list every device of the enterprise and update Steward’s view',
          response: { 200: Type.Object({ seen: Type.Integer(), missing: Type.Integer() }) },
        },
      },
      async (request) => {
        request.auditTarget = { type: 'android_enterprise', id: 'default' };
        return service.reconcile();
      },
    );

    // Google sends the admin's browser here after sign-up. The one-time `state` Steward put in the
    // callback URL is what proves the request continues a sign-up an admin started.
    app.get(
      '/android/signup-callback',
      {
        config: { auth: 'public' },
        schema: {
          hide: true,
          querystring: Type.Object(
            {
              state: Type.String({ minLength: 10, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
              enterpriseToken: Type.String({ minLength: 1, maxLength: 2000 }),
            },
            { additionalProperties: true },
          ),
        },
      },
      async (request, reply) => {
        const row = await service.completeSignup(request.query.state, request.query.enterpriseToken);
        await ctx.audit.append({
          actorType: 'system',
          actorLabel: 'android-signup',
          action: 'android.enterprise_bound',
          targetType: 'android_enterprise',
          targetId: 'default',
          outcome: 'success',
          details: { enterpriseName: row.enterprise_name },
        });
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(`<!doctype html><meta charset="utf-8"><title>Steward</title><p>Android enterprise bound. You can close this page and return to Steward.</p>`);
      },
    );

    // Pub/Sub push: authenticated by the secret in the push endpoint's URL (compared in constant time).
    app.post(
      '/android/pubsub',
      {
        config: { auth: 'public' },
        bodyLimit: PUSH_BODY_LIMIT,
        schema: {
          hide: true,
          querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
          body: Type.Object(
            {
              message: Type.Object(
                {
                  data: Type.Optional(Type.String({ maxLength: PUSH_BODY_LIMIT })),
                  attributes: Type.Optional(Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 1024 }))),
                  messageId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
                  message_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
                  publishTime: Type.Optional(Type.String({ maxLength: 64 })),
                  publish_time: Type.Optional(Type.String({ maxLength: 64 })),
                  orderingKey: Type.Optional(Type.String({ maxLength: 1024 })),
                },
                { additionalProperties: false },
              ),
              subscription: Type.Optional(Type.String({ maxLength: 300 })),
              // Present when the subscription has a dead-letter policy.
              deliveryAttempt: Type.Optional(Type.Integer({ minimum: 0 })),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const row = await service.checkPushSecret(request.query.token);
        const outcome = await service.handlePush(request.body as PushEnvelope, row);
        if (outcome !== 'processed' && outcome !== 'duplicate')
          request.log.info({ outcome, messageId: request.body.message.messageId }, 'Pub/Sub message ignored');
        return reply.code(204).header('x-steward-outcome', outcome).send();
      },
    );

    app.post(
      '/api/v1/android/enrollment-tokens',
      {
        config: { auth: 'enrollments.write', action: 'android.enrollment_token_create' },
        schema: {
          tags: ['android'],
          summary: 'Create an Android enrollment token (QR code and link) for a target group and ownership',
          body: Type.Object(
            {
              name: Name,
              ownership: OwnershipSchema,
              /** Company-owned devices: fully managed (default) or a work profile with personal usage allowed. Personal devices always get a work profile. */
              mode: Type.Optional(Type.Union([Type.Literal('fully_managed'), Type.Literal('work_profile')])),
              groupId: Type.Optional(Uuid),
              assignedUser: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
              oneTime: Type.Optional(Type.Boolean()),
              expiresAt: Type.Optional(Timestamp),
            },
            { additionalProperties: false },
          ),
          response: { 201: TokenSchema },
        },
      },
      async (request, reply) => {
        const body = request.body;
        request.auditTarget = { type: 'enrollment', details: { name: body.name, platform: 'android' } };
        const expiresAt = body.expiresAt ? Date.parse(body.expiresAt) : Date.now() + 30 * DAY_MS;
        if (!(expiresAt > Date.now() + 60_000)) throw new StewardError('validation_failed', 'expiresAt must be at least a minute in the future.');
        if (body.groupId) {
          const group = await ctx.groups.get(body.groupId);
          if (!group) throw notFound('Group');
          if (group.kind !== 'static') throw new StewardError('conflict', 'Devices enroll into a static group; smart groups follow their filter.');
        }
        const row = await service.createEnrollmentToken({
          name: body.name,
          ownership: body.ownership,
          workProfile: body.ownership === 'personal' || body.mode === 'work_profile',
          groupId: body.groupId,
          assignedUser: body.assignedUser,
          oneTime: body.oneTime ?? false,
          expiresAt,
          createdBy: principalOf(request).label,
        });
        request.auditTarget = {
          type: 'enrollment',
          id: row.id,
          details: { name: row.name, platform: 'android', ownership: row.ownership, groupId: row.group_id },
        };
        return reply.code(201).send(await toToken(ctx, service, row.id));
      },
    );

    app.get(
      '/api/v1/android/enrollment-tokens',
      {
        config: { auth: 'enrollments.read' },
        schema: { tags: ['android'], summary: 'List Android enrollment tokens', response: { 200: Type.Object({ items: Type.Array(TokenSchema) }) } },
      },
      async () => ({ items: await Promise.all((await service.repo.tokens()).map((t) => toToken(ctx, service, t.enrollment_id))) }),
    );

    app.get(
      '/api/v1/android/enrollment-tokens/:id',
      {
        config: { auth: 'enrollments.read' },
        schema: { tags: ['android'], summary: 'Get an Android enrollment token', params: IdParams, response: { 200: TokenSchema } },
      },
      async (request) => toToken(ctx, service, request.params.id),
    );

    app.get(
      '/api/v1/android/enrollment-tokens/:id/qr.png',
      { config: { auth: 'enrollments.read' }, schema: { tags: ['android'], summary: 'The provisioning QR code (PNG)', params: IdParams } },
      async (request, reply) => {
        const token = await service.repo.token(request.params.id);
        if (!token) throw notFound('Enrollment token');
        const png = await QRCode.toBuffer(token.qr_code || service.tokenValue(token.enrollment_id, token.value_sealed), {
          type: 'png',
          errorCorrectionLevel: 'M',
          margin: 2,
          width: 512,
        });
        return reply.type('image/png').header('cache-control', 'no-store').send(png);
      },
    );

    app.get(
      '/api/v1/android/enrollment-tokens/:id/qr.svg',
      { config: { auth: 'enrollments.read' }, schema: { tags: ['android'], summary: 'The provisioning QR code (SVG)', params: IdParams } },
      async (request, reply) => {
        const token = await service.repo.token(request.params.id);
        if (!token) throw notFound('Enrollment token');
        const svg = await QRCode.toString(token.qr_code || service.tokenValue(token.enrollment_id, token.value_sealed), {
          type: 'svg',
          errorCorrectionLevel: 'M',
          margin: 2,
        });
        return reply.type('image/svg+xml').header('cache-control', 'no-store').send(svg);
      },
    );

    app.post(
      '/api/v1/android/enrollment-tokens/:id/revoke',
      {
        config: { auth: 'enrollments.write', action: 'android.enrollment_token_revoke' },
        schema: {
          tags: ['android'],
          summary: 'Revoke an Android enrollment token (deleted at Google); enrolled devices stay',
          params: IdParams,
          response: { 200: TokenSchema },
        },
      },
      async (request) => {
        const { id } = request.params;
        request.auditTarget = { type: 'enrollment', id };
        if (!(await service.repo.token(id))) throw notFound('Enrollment token');
        await service.revokeEnrollmentToken(id);
        return toToken(ctx, service, id);
      },
    );
  };
}
