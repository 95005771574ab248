import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App, RouteModule } from '../../api/route-config.js';
import { principalOf } from '../../api/route-config.js';
import type { Context } from '../../context.js';
import { StewardError } from '../../core/errors.js';
import { iso } from '../../core/ids.js';
import { ACTIONS, SOAP_MAX_BYTES, SOAP_TYPE, SoapFault, WINDOWS_PATHS, type WindowsEnrollment, faultEnvelope, parseSoap } from './enrollment.js';
import { type WindowsIdentityVerifier, WindowsIdentityError } from './identity.js';
import type { WindowsSessions } from './session.js';
import { SYNCML_MAX_BYTES, SYNCML_TYPE } from './syncml.js';
import type { WindowsRepository } from './windows-repository.js';
import { escapeXml } from './xml.js';

export const RECOVERY_KEY_CONTEXT = (deviceId: string) => `windows-bitlocker:${deviceId}`;
/** BitLocker recovery passwords: eight groups of six digits. */
const RECOVERY_PASSWORD = /^[0-9]{6}(-[0-9]{6}){7}$/;

const IDENTITY_ERRORS = {
  no_identity: 'device_identity_required',
  untrusted_certificate: 'device_identity_invalid',
  expired_certificate: 'device_identity_invalid',
} as const;

/**
 * Device bodies must say how long they are: a chunked upload has no length to check before it is
 * read, and the protocols never need one.
 */
function requireLength(app: App): void {
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'POST' && request.method !== 'PUT') return;
    if (request.headers['transfer-encoding'] !== undefined || request.headers['content-length'] === undefined) throw new StewardError('length_required');
  });
}

/** MS-MDE2 enrollment: discovery, certificate policy, enrollment, and the federated sign-in page. */
export function windowsEnrollmentRoutes(enrollment: WindowsEnrollment): RouteModule {
  return (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(SOAP_TYPE, { parseAs: 'buffer', bodyLimit: SOAP_MAX_BYTES }, (_request, body, done) => done(null, body));
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    requireLength(app);

    const soap =
      (action: string, reply: string, handle: (request: ReturnType<typeof parseSoap>) => Promise<string> | string) =>
      async (request: FastifyRequest, response: FastifyReply) => {
        let relatesTo: string | undefined;
        try {
          if (!Buffer.isBuffer(request.body)) throw new SoapFault('MessageFormat', 'the body must be a SOAP 1.2 envelope');
          const parsed = parseSoap(request.body, action);
          relatesTo = parsed.messageId;
          const answer = await handle(parsed);
          return response.type(`${SOAP_TYPE}; charset=utf-8`).send(answer);
        } catch (error) {
          if (!(error instanceof SoapFault)) throw error;
          return response
            .code(error.httpStatus)
            .type(`${SOAP_TYPE}; charset=utf-8`)
            .send(faultEnvelope(error, reply, relatesTo ?? error.relatesTo));
        }
      };
    const hidden = (summary: string) => ({ tags: ['windows'], summary, hide: true });

    app.get(WINDOWS_PATHS.discovery, { config: { auth: 'public' }, schema: hidden('Windows MDM discovery probe (device-facing)') }, async (_request, reply) =>
      reply.code(200).send(''),
    );
    app.post(
      WINDOWS_PATHS.discovery,
      { config: { auth: 'public' }, bodyLimit: SOAP_MAX_BYTES, schema: hidden('MS-MDE2 Discover (device-facing)') },
      soap(ACTIONS.discover, ACTIONS.discoverResponse, (request) => enrollment.discover(request)),
    );
    app.post(
      WINDOWS_PATHS.policy,
      { config: { auth: 'public' }, bodyLimit: SOAP_MAX_BYTES, schema: hidden('MS-XCEP GetPolicies (device-facing)') },
      soap(ACTIONS.getPolicies, ACTIONS.getPoliciesResponse, (request) => enrollment.getPolicies(request)),
    );
    app.post(
      WINDOWS_PATHS.enrollment,
      { config: { auth: 'public' }, bodyLimit: SOAP_MAX_BYTES, schema: hidden('MS-WSTEP RequestSecurityToken (device-facing)') },
      soap(ACTIONS.requestToken, ACTIONS.requestTokenResponse, (request) => enrollment.requestSecurityToken(request)),
    );

    const Query = Type.Object({
      appru: Type.String({ maxLength: 2048, pattern: '^ms-app://' }),
      login_hint: Type.Optional(Type.String({ maxLength: 256 })),
    });
    app.get(
      WINDOWS_PATHS.federated,
      { config: { auth: 'public' }, schema: { ...hidden('Federated sign-in page for Windows enrollment'), querystring: Query } },
      async (request, reply) => sendPage(reply, 200, signInPage(request.query.appru, request.query.login_hint ?? '', undefined)),
    );
    app.post(
      WINDOWS_PATHS.federated,
      {
        config: { auth: 'public' },
        bodyLimit: 16_384,
        schema: {
          ...hidden('Federated sign-in: an enrollment token in, a security token posted back to Windows'),
          body: Type.Object(
            {
              appru: Type.String({ maxLength: 2048, pattern: '^ms-app://' }),
              login_hint: Type.String({ maxLength: 256 }),
              token: Type.String({ maxLength: 200 }),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const { appru, login_hint: upn, token } = request.body;
        const found = await enrollment.findWindowsEnrollment(token);
        if (!found || !/^[^\s@<>"]{1,128}@[A-Za-z0-9.-]{1,253}$/.test(upn))
          return sendPage(reply, 401, signInPage(appru, upn, 'The e-mail address or the enrollment token is not valid.'));
        return sendPage(reply, 200, postBackPage(appru, enrollment.mintFederatedToken(found, upn)));
      },
    );
  };
}

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action ms-app: 'self'")
    .send(html);
}

function signInPage(appru: string, upn: string, problem: string | undefined): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to Steward</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem}button{margin-top:1rem;padding:.5rem 1.2rem}</style></head><body><h1>Enroll this PC with Steward</h1><p>Enter your work e-mail address and the enrollment token your IT team gave you.</p>${problem ? `<p role="alert"><b>${escapeXml(problem)}</b></p>` : ''}<form method="post" action="${WINDOWS_PATHS.federated}"><input type="hidden" name="appru" value="${escapeXml(appru)}"><label for="upn">E-mail address</label><input id="upn" name="login_hint" value="${escapeXml(upn)}" autocomplete="username"><label for="token">Enrollment token</label><input id="token" name="token" type="password" autocomplete="off"><button type="submit">Sign in</button></form></body></html>`;
}

/** MS-MDE2: the page posts the security token to `appru` as `wresult`, which Windows then sends as a BinarySecurityToken. */
function postBackPage(appru: string, token: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed in</title></head><body onload="document.forms[0].submit()"><form method="post" action="${escapeXml(appru)}"><input type="hidden" name="wresult" value="${escapeXml(token)}"><noscript><button type="submit">Continue</button></noscript></form></body></html>`;
}

/** OMA-DM management sessions, and the BitLocker recovery key escrow, both proven by the PC's certificate. */
export function windowsManagementRoutes(
  ctx: Context,
  deps: { sessions: WindowsSessions; verifier: WindowsIdentityVerifier; repo: WindowsRepository },
): RouteModule {
  return (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(SYNCML_TYPE, { parseAs: 'buffer', bodyLimit: SYNCML_MAX_BYTES }, (_request, body, done) => done(null, body));
    app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 4096 }, app.getDefaultJsonParser('error', 'error'));
    requireLength(app);

    const identify = (request: FastifyRequest) => {
      try {
        return deps.verifier.identify(request);
      } catch (error) {
        if (error instanceof WindowsIdentityError) throw new StewardError(IDENTITY_ERRORS[error.reason]);
        throw error;
      }
    };

    app.post(
      WINDOWS_PATHS.management,
      {
        config: { auth: 'public' },
        bodyLimit: SYNCML_MAX_BYTES,
        schema: { tags: ['windows'], summary: 'OMA-DM management session (device-facing)', hide: true },
      },
      async (request, reply) => {
        const identity = identify(request);
        if (!Buffer.isBuffer(request.body)) throw new StewardError('unsupported_media_type');
        const answer = await deps.sessions.handle(identity, request.body);
        return reply.type(SYNCML_TYPE).send(answer);
      },
    );

    app.put(
      WINDOWS_PATHS.recoveryKey,
      {
        config: { auth: 'public' },
        bodyLimit: 4096,
        schema: {
          tags: ['windows'],
          summary: 'BitLocker recovery key escrow (device-facing, client certificate)',
          hide: true,
          body: Type.Object(
            {
              recoveryPassword: Type.String({ pattern: RECOVERY_PASSWORD.source }),
              keyProtectorId: Type.Optional(Type.String({ maxLength: 64, pattern: '^\\{?[0-9A-Fa-f-]{36}\\}?$' })),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const identity = identify(request);
        const device = await deps.repo.byFingerprint(identity.fingerprint);
        if (!device) throw new StewardError('device_not_enrolled', 'No Windows device holds this certificate.');
        const now = Date.now();
        await deps.repo.update(device.device_id, {
          bitlocker_key_sealed: ctx.box.seal(request.body.recoveryPassword, RECOVERY_KEY_CONTEXT(device.device_id)),
          bitlocker_key_id: request.body.keyProtectorId ?? null,
          bitlocker_escrowed_at: now,
        });
        await ctx.audit.append({
          actorType: 'device',
          actorId: device.device_id,
          actorLabel: 'windows',
          action: 'windows.bitlocker_key_escrowed',
          targetType: 'device',
          targetId: device.device_id,
          outcome: 'success',
          details: { keyProtectorId: request.body.keyProtectorId ?? null },
        });
        return reply.code(204).send();
      },
    );
  };
}

/** The admin side: reading an escrowed BitLocker recovery key (permitted roles only; every view and every refusal audited). */
export function windowsAdminRoutes(ctx: Context, repo: WindowsRepository): RouteModule {
  return (app) => {
    const path = '/api/v1/windows/devices/:id/bitlocker-recovery-key';
    // A refused read is audited too (the global audit hook covers mutating requests only), before the answer leaves.
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.routeOptions.url !== path || (reply.statusCode !== 401 && reply.statusCode !== 403)) return payload;
      await ctx.audit
        .append({
          actorType: request.principal?.type ?? 'anonymous',
          actorId: request.principal?.id ?? null,
          actorLabel: request.principal?.label ?? 'anonymous',
          action: 'windows.bitlocker_key_view',
          targetType: 'device',
          targetId: (request.params as { id?: string }).id?.slice(0, 64) ?? null,
          outcome: 'denied',
          statusCode: reply.statusCode,
          requestId: request.id,
          sourceIp: request.ip,
        })
        .catch((error) => request.log.error({ err: error }, 'audit write failed'));
      return payload;
    });

    app.get(
      path,
      {
        config: { auth: 'devices.recovery_keys.read' },
        schema: {
          tags: ['windows'],
          summary: "A Windows device's escrowed BitLocker recovery key (every view is audited)",
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          response: {
            200: Type.Object({
              deviceId: Type.String(),
              recoveryPassword: Type.String(),
              keyProtectorId: Type.Union([Type.String(), Type.Null()]),
              escrowedAt: Type.String(),
            }),
          },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const row = await repo.byDevice(request.params.id);
        const view = (outcome: 'success' | 'failure', statusCode: number) =>
          ctx.audit.append({
            actorType: principal.type,
            actorId: principal.id,
            actorLabel: principal.label,
            action: 'windows.bitlocker_key_view',
            targetType: 'device',
            targetId: request.params.id,
            outcome,
            statusCode,
            requestId: request.id,
            sourceIp: request.ip,
          });
        if (!row?.bitlocker_key_sealed || !row.bitlocker_escrowed_at) {
          await view('failure', 404);
          throw new StewardError('recovery_key_not_escrowed');
        }
        await view('success', 200);
        return {
          deviceId: row.device_id,
          recoveryPassword: ctx.box.open(row.bitlocker_key_sealed, RECOVERY_KEY_CONTEXT(row.device_id)).toString('utf8'),
          keyProtectorId: row.bitlocker_key_id,
          escrowedAt: iso(row.bitlocker_escrowed_at),
        };
      },
    );
  };
}
