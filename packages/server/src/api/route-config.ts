import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Principal } from '../core/auth/auth-service.js';
import type { Permission } from '../core/permissions.js';
import type { Context } from '../context.js';

/**
 * How a route is protected. Every route must say; a route that says nothing is refused to everyone.
 * - a permission name: a signed-in principal whose role grants it;
 * - `authenticated`: any signed-in principal (their own profile, sign-out);
 * - `public`: no credentials (health, sign-in, setup, device protocol endpoints that prove identity themselves).
 */
export type RouteAuth = Permission | 'authenticated' | 'public';

export interface StewardRouteConfig {
  auth?: RouteAuth;
  /** The audit action recorded for a mutating request, e.g. `devices.update`. */
  action?: string;
  /** A POST that only reads (a count preview): not audited, since it changes nothing. */
  readOnly?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig extends StewardRouteConfig {}
  interface FastifyInstance {
    /** The protocol adapters of this process (wake-ups after commands are enqueued). */
    adapters: import('../protocols/index.js').Adapters;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
    /** What the handler acted on, for the audit record. */
    auditTarget: { type: string; id?: string | null; details?: unknown } | undefined;
  }
}

export type App = FastifyInstance<
  import('node:http').Server | import('node:https').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export type RouteModule = (app: App, ctx: Context) => void | Promise<void>;

/** The authenticated principal of a route that requires one. */
export function principalOf(request: { principal: Principal | undefined }): Principal {
  if (!request.principal) throw new Error('route requires a principal but none was attached');
  return request.principal;
}
