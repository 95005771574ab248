import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { StewardError } from '../../core/errors.js';
import { iso } from '../../core/ids.js';
import type { Context } from '../../context.js';
import { type RouteModule, principalOf } from '../../api/route-config.js';
import type { AppleRepository } from './apple-repository.js';
import type { AppleMdmService, AppleResponse } from './apple-mdm-service.js';
import { PushCertificateError, expiresSoon, parsePushCertificate } from './apns/push-certificate.js';
import { APPLE_PATHS, signedEnrollmentProfile } from './enrollment-profile.js';
import { type DeviceIdentityVerifier, IdentityError } from './identity.js';
import { PlistError, parsePlist } from './plist.js';
import { PUSH_KEY_CONTEXT } from './push-service.js';

const CHECKIN_TYPE = 'application/x-apple-aspen-mdm-checkin';
const CONNECT_TYPE = 'application/x-apple-aspen-mdm';
/** Check-in and command results are small, except inventory lists; 4 MiB bounds them all. */
export const APPLE_BODY_LIMIT = 4 * 1024 * 1024;

const IDENTITY_ERRORS = {
  no_identity: 'device_identity_required',
  bad_signature: 'device_identity_invalid',
  untrusted_certificate: 'device_identity_invalid',
  expired_certificate: 'device_identity_invalid',
} as const;

function send(reply: FastifyReply, response: AppleResponse): FastifyReply {
  reply.code(response.status);
  if (response.body === undefined) return reply.send();
  return reply.type(response.contentType ?? 'application/xml').send(response.body);
}

/** Apple MDM on the wire: check-in, command channel, enrollment links and profiles, push certificate. */
export function appleRoutes(
  ctx: Context,
  deps: { service: AppleMdmService; repo: AppleRepository; verifier: DeviceIdentityVerifier; includeRoot: boolean },
): RouteModule {
  return (app) => {
    const { service, repo, verifier } = deps;

    // Device endpoints: exact content types only, bodies as bytes (the signature covers the exact body).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser([CHECKIN_TYPE, CONNECT_TYPE], { parseAs: 'buffer', bodyLimit: APPLE_BODY_LIMIT }, (_request, body, done) => done(null, body));
    app.addContentTypeParser('application/json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

    const device = (handler: (request: FastifyRequest, body: Buffer) => Promise<AppleResponse>) => async (request: FastifyRequest, reply: FastifyReply) => {
      const body = request.body;
      if (!Buffer.isBuffer(body)) throw new StewardError('unsupported_media_type');
      return send(reply, await handler(request, body));
    };
    const parse = (request: FastifyRequest, body: Buffer) => {
      let identity: ReturnType<DeviceIdentityVerifier['identify']>;
      try {
        identity = verifier.identify(request, body);
      } catch (error) {
        if (error instanceof IdentityError) throw new StewardError(IDENTITY_ERRORS[error.reason]);
        throw error;
      }
      try {
        const message = parsePlist(body);
        if (!message || typeof message !== 'object' || Array.isArray(message) || message instanceof Uint8Array || message instanceof Date) {
          throw new StewardError('invalid_plist', 'The body must be a dictionary.');
        }
        return { identity, message };
      } catch (error) {
        if (error instanceof PlistError) throw new StewardError('invalid_plist', error.message);
        throw error;
      }
    };

    app.put(
      APPLE_PATHS.checkin,
      { config: { auth: 'public' }, bodyLimit: APPLE_BODY_LIMIT, schema: { tags: ['apple'], summary: 'Apple MDM check-in (device-facing)', hide: true } },
      device(async (request, body) => {
        const { identity, message } = parse(request, body);
        return service.checkin(identity, message);
      }),
    );

    app.put(
      APPLE_PATHS.connect,
      {
        config: { auth: 'public' },
        bodyLimit: APPLE_BODY_LIMIT,
        schema: { tags: ['apple'], summary: 'Apple MDM command channel (device-facing)', hide: true },
      },
      device(async (request, body) => {
        const { identity, message } = parse(request, body);
        return service.connect(identity, message);
      }),
    );

    app.get(
      '/enroll/:token',
      { config: { auth: 'public' }, schema: { hide: true, params: Type.Object({ token: Type.String({ maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) }) } },
      async (request, reply) => {
        const enrollment = await ctx.enrollments.findUsable(request.params.token);
        if (!enrollment) throw new StewardError('enrollment_unavailable');
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(landingPage(enrollment.platform, `${request.params.token}`));
      },
    );

    app.get(
      '/enroll/:token/apple.mobileconfig',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['apple'],
          summary: 'The signed Apple enrollment profile behind an enrollment link (?unsigned=1: the plain plist)',
          params: Type.Object({ token: Type.String({ maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) }),
          querystring: Type.Object({ unsigned: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('true')])) }, { additionalProperties: false }),
        },
      },
      async (request, reply) => {
        const enrollment = await ctx.enrollments.findUsable(request.params.token);
        if (enrollment?.platform !== 'apple') throw new StewardError('enrollment_unavailable');
        const [certificate] = await repo.pushCertificates();
        if (!certificate) throw new StewardError('apns_not_configured');
        const challenge = await ctx.enrollments.issueChallenge(enrollment.id);
        const profile = await signedEnrollmentProfile({
          enrollment,
          publicUrl: ctx.config.publicUrl,
          topic: certificate.topic,
          challenge,
          ca: ctx.ca,
          includeRoot: deps.includeRoot,
        });
        reply.header('cache-control', 'no-store').header('content-disposition', 'attachment; filename="steward-enrollment.mobileconfig"');
        if (request.query.unsigned) return reply.type('application/xml').send(profile.unsigned);
        return reply.type('application/x-apple-aspen-config').send(profile.signed);
      },
    );

    // --- push certificate (admin API) ---
    const PushCertificateSchema = Type.Object({
      topic: Type.String(),
      notAfter: Type.String(),
      expiresSoon: Type.Boolean(),
      uploadedAt: Type.String(),
      uploadedBy: Type.Union([Type.String(), Type.Null()]),
    });
    const toPushCertificate = (row: { topic: string; not_after: number; uploaded_at: number; uploaded_by: string | null }) => ({
      topic: row.topic,
      notAfter: iso(row.not_after),
      expiresSoon: expiresSoon(new Date(row.not_after)),
      uploadedAt: iso(row.uploaded_at),
      uploadedBy: row.uploaded_by,
    });

    app.get(
      '/api/v1/apple/push-certificates',
      {
        config: { auth: 'apns.read' },
        schema: {
          tags: ['apple'],
          summary: 'APNs push certificates, with expiry (warned 30 days ahead)',
          response: { 200: Type.Object({ items: Type.Array(PushCertificateSchema) }) },
        },
      },
      async () => ({ items: (await repo.pushCertificates()).map(toPushCertificate) }),
    );

    app.post(
      '/api/v1/apple/push-certificates',
      {
        config: { auth: 'apns.write', action: 'apple.push_certificate_upload' },
        schema: {
          tags: ['apple'],
          summary: 'Upload the APNs MDM push certificate and key (PEM, or .p12 as base64 with its password); the topic is read from it',
          body: Type.Object(
            {
              certificatePem: Type.Optional(Type.String({ maxLength: 65_536 })),
              privateKeyPem: Type.Optional(Type.String({ maxLength: 65_536 })),
              p12: Type.Optional(Type.String({ maxLength: 131_072, contentEncoding: 'base64' })),
              password: Type.Optional(Type.String({ maxLength: 1024 })),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 201: PushCertificateSchema },
        },
      },
      async (request, reply) => {
        const body = request.body;
        let parsed: ReturnType<typeof parsePushCertificate>;
        try {
          parsed = parsePushCertificate(
            body.p12
              ? { p12: Buffer.from(body.p12, 'base64'), password: body.password ?? '' }
              : { certificatePem: body.certificatePem, privateKeyPem: body.privateKeyPem },
          );
        } catch (error) {
          if (error instanceof PushCertificateError) throw new StewardError('validation_failed', error.message, { reason: error.code });
          throw error;
        }
        request.auditTarget = { type: 'push_certificate', id: parsed.topic, details: { topic: parsed.topic, notAfter: parsed.notAfter.toISOString() } };
        const row = {
          topic: parsed.topic,
          certificate_pem: parsed.certificatePem,
          private_key_sealed: ctx.box.seal(parsed.privateKeyPem, PUSH_KEY_CONTEXT(parsed.topic)),
          not_after: parsed.notAfter.getTime(),
          uploaded_by: principalOf(request).label,
          uploaded_at: Date.now(),
        };
        await repo.savePushCertificate(row);
        return reply.code(201).send(toPushCertificate(row));
      },
    );
  };
}

function landingPage(platform: string, token: string): string {
  const instructions: Record<string, string> = {
    apple: `<ol><li>Open this page in Safari on the iPhone, iPad or Mac.</li><li>Tap <b>Download profile</b> and allow the download.</li><li>Open <b>Settings</b> (on a Mac, <b>System Settings → Privacy &amp; Security → Profiles</b>), choose <b>Profile Downloaded</b> and install it.</li></ol><p><a class="button" href="/enroll/${token}/apple.mobileconfig">Download profile</a></p>`,
    windows: `<ol><li>On the PC, open <b>Settings → Accounts → Access work or school</b> and choose <b>Connect</b>.</li><li>Enter your work e-mail address.</li><li>When Windows asks for a password, enter this enrollment token: <code>${token}</code></li></ol>`,
  };
  const body = instructions[platform] ?? '<p>Follow your IT team’s instructions to enroll this device.</p>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Enroll this device</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1b1b1f}a.button{display:inline-block;background:#1c7ed6;color:#fff;padding:.6rem 1.2rem;border-radius:.4rem;text-decoration:none}</style></head><body><h1>Enroll this device with Steward</h1><p>Your organisation manages its devices with Steward. Enrolling lets it configure this device, keep it secure and help you when it is lost.</p>${body}</body></html>`;
}
