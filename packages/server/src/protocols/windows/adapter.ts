import type { FastifyBaseLogger } from 'fastify';
import type { Context } from '../../context.js';
import type { PlatformAdapter } from '../adapter.js';
import { WINDOWS_PATHS, WindowsEnrollment } from './enrollment.js';
import { WindowsIdentityVerifier } from './identity.js';
import { windowsPolicyTranslator } from './policy.js';
import { windowsAdminRoutes, windowsEnrollmentRoutes, windowsManagementRoutes } from './routes.js';
import { WindowsSessions } from './session.js';
import { WindowsRepository } from './windows-repository.js';

/** How often an enrolled PC opens a management session on its own (its DMClient poll schedule). */
export const WINDOWS_POLL_MINUTES = 60;
const IDENTITY_LIFETIME_DAYS = 365;

/**
 * Windows MDM: MS-MDE2 enrollment (discovery, MS-XCEP, MS-WSTEP), OMA-DM 1.2 management sessions,
 * BitLocker recovery key escrow. PCs are not woken: they come on their DMClient poll schedule
 * (WNS push is optional in Windows and not used).
 */
export function createWindowsAdapter(ctx: Context, _log: FastifyBaseLogger): PlatformAdapter {
  const repo = new WindowsRepository(ctx.database.db);
  const enrollment = new WindowsEnrollment(ctx, repo, {
    publicUrl: ctx.config.publicUrl,
    identityLifetimeDays: IDENTITY_LIFETIME_DAYS,
    pollIntervalMinutes: WINDOWS_POLL_MINUTES,
  });
  const sessions = new WindowsSessions(ctx, repo, `${ctx.config.publicUrl}${WINDOWS_PATHS.management}`);
  const verifier = new WindowsIdentityVerifier(ctx.ca, ctx.config.clientCertHeader);
  return {
    channel: 'windows',
    policy: windowsPolicyTranslator,
    routes: [windowsEnrollmentRoutes(enrollment), windowsManagementRoutes(ctx, { sessions, verifier, repo }), windowsAdminRoutes(ctx, repo)],
  };
}
