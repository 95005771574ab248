import type { FastifyBaseLogger } from 'fastify';
import type { Context } from '../../context.js';
import { RAW_PLATFORM_DEVICES } from '../../core/commands/intents.js';
import { AppleMdmService } from './apple-mdm-service.js';
import { AppleRepository } from './apple-repository.js';
import { DeclarativeManagement } from './ddm.js';
import { declarationRoutes } from './declarations-routes.js';
import { DeviceIdentityVerifier } from './identity.js';
import { createApplePolicyTranslator } from './policy.js';
import { PushService } from './push-service.js';
import { appleRoutes } from './routes.js';
import { createHash } from 'node:crypto';
import { ScepServer } from '../../pki/scep/scep-server.js';
import { ENROLLMENT_URI_PREFIX } from './identity.js';
import { scepRoutes } from '../scep/routes.js';

import type { PlatformAdapter } from '../adapter.js';

/** Apple MDM: SCEP, check-in and command channel, declarative management, and APNs wake-ups. */
export function createAppleAdapter(ctx: Context, log: FastifyBaseLogger): PlatformAdapter {
  const appleRepo = new AppleRepository(ctx.database.db);
  const push = new PushService(ctx, appleRepo, log);
  const ddm = new DeclarativeManagement(ctx, appleRepo);
  const wake = (deviceIds: string[]) => {
    push.push({ deviceIds }).catch((error) => log.warn({ err: error }, 'push failed'));
  };
  const topics = async () => new Set((await appleRepo.pushCertificates()).map((c) => c.topic));
  const apple = new AppleMdmService(ctx, appleRepo, topics, {
    wake,
    declarativeManagement: (device, endpoint, data) => ddm.handle(device, endpoint, data),
    membershipChanged: (deviceIds) => membershipChanged(deviceIds),
  });
  const verifier = new DeviceIdentityVerifier(ctx.ca, ctx.config.clientCertHeader);

  /** Tell Apple devices whose declaration set changed to synchronise. */
  const resync = async (deviceIds: string[]) => {
    if (deviceIds.length === 0) return;
    const { command } = await ctx.commands.enqueue({
      kind: 'raw',
      type: 'DeclarativeManagement',
      platform: 'apple',
      payload: { RequestType: 'DeclarativeManagement' },
      target: { deviceIds },
      platforms: RAW_PLATFORM_DEVICES.apple,
      channels: ['apple'],
      createdBy: { type: 'system', id: null, label: 'declarative-management' },
      ttlMs: ctx.config.commandTtlSeconds * 1000,
    });
    await ctx.jobs.enqueue('apple.push', { commandId: command.id });
  };

  const lifetimeDays = ctx.config.apple.identityLifetimeDays;
  const fingerprint = (der: ArrayBuffer) => createHash('sha256').update(Buffer.from(der)).digest('hex');
  const scep = new ScepServer(
    ctx.ca,
    {
      async authorize(request) {
        if (request.messageType === 'RenewalReq') {
          // Renewal keeps the device's binding: the new certificate replaces the old one on the same device.
          const device = await appleRepo.byFingerprint(fingerprint(request.signer.rawData));
          if (!device) return { ok: false, failInfo: 'badCertId', reason: 'the certificate belongs to no enrolled device' };
          return {
            ok: true,
            lifetimeDays,
            ...(device.enrollment_ref ? { uris: [`${ENROLLMENT_URI_PREFIX}${device.enrollment_ref}`] } : {}),
            onIssued: async (certificate) => {
              await appleRepo.update(device.device_id, { cert_fingerprint: fingerprint(certificate.rawData), cert_not_after: certificate.notAfter.getTime() });
              await ctx.audit.append({
                actorType: 'device',
                actorId: device.device_id,
                actorLabel: 'scep',
                action: 'apple.identity_renewed',
                targetType: 'device',
                targetId: device.device_id,
                outcome: 'success',
              });
            },
          };
        }
        if (!request.challenge) return { ok: false, failInfo: 'badRequest', reason: 'a challenge is required' };
        const outcome = await ctx.enrollments.consumeChallenge(request.challenge);
        if (!outcome.ok) return { ok: false, failInfo: 'badRequest', reason: `challenge ${outcome.reason}` };
        return { ok: true, lifetimeDays, uris: [`${ENROLLMENT_URI_PREFIX}${outcome.enrollment.id}`] };
      },
    },
    { legacyAlgorithms: ctx.config.apple.scepLegacyAlgorithms },
  );

  /** Apple devices whose declaration set no longer matches what they last synced get the DDM command. */
  async function membershipChanged(deviceIds: readonly string[]): Promise<void> {
    const changed: string[] = [];
    for (const deviceId of deviceIds) {
      const device = await appleRepo.byDevice(deviceId);
      if (!device) continue;
      const token = DeclarativeManagement.token(await ddm.declarationsFor(deviceId));
      if (token !== (device.declarations_token ?? DeclarativeManagement.token([]))) changed.push(deviceId);
    }
    await resync(changed);
  }

  return {
    channel: 'apple',
    routes: [
      scepRoutes(scep),
      appleRoutes(ctx, { service: apple, repo: appleRepo, verifier, includeRoot: ctx.config.tls.mode === 'self-issued' }),
      declarationRoutes(ctx, resync),
    ],
    jobs: {
      'apple.push': async (job) => {
        const { commandId } = JSON.parse(job.payload) as { commandId: string };
        const outcome = await push.push({ commandId });
        // APNs unreachable: fail the job so the queue retries it with exponential backoff (1 s, 2 s, 4 s, …);
        // devices that fetched the command meanwhile are no longer targets.
        if (outcome.retryable > 0) throw new Error(`${outcome.retryable} pushes could not be delivered to APNs; retrying`);
      },
      'apple.push-sweep': async () => {
        await push.sweep();
      },
    },
    periodic: [{ kind: 'apple.push-sweep', everyMs: 5 * 60_000 }],
    async commandEnqueued(commandId, origin) {
      // APNs wakes the device wherever its next connection lands: only the enqueuing node pushes.
      if (!origin.local) return;
      // Durable safety net: if this process stops before its push goes out, a worker pushes the
      // devices that still haven't fetched the command, a little later (so nobody is pushed twice).
      await ctx.jobs.enqueue('apple.push', { commandId }, { runAt: Date.now() + 30_000, maxAttempts: 12 });
      push
        .push({ commandId })
        .then(async (outcome) => {
          // APNs down or failing: retry soon through the job queue (with backoff) instead of waiting for the safety net.
          if (outcome.retryable > 0) await ctx.jobs.enqueue('apple.push', { commandId }, { runAt: Date.now() + 1000, maxAttempts: 12 });
        })
        .catch((error) => log.warn({ err: error }, 'push failed'));
    },
    membershipChanged,
    policy: createApplePolicyTranslator({ publicUrl: ctx.config.publicUrl }),
    close: () => push.close(),
  };
}
