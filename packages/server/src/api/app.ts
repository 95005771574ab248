import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Role } from '../config/config.js';
import type { Context } from '../context.js';
import { ERRORS, StewardError } from '../core/errors.js';
import { can } from '../core/permissions.js';
import { UNAVAILABLE_MESSAGES, unavailableReason } from '../core/unavailable.js';
import { auditRoutes } from './audit-events/routes.js';
import { authRoutes } from './auth/routes.js';
import { commandRoutes } from './commands/routes.js';
import { complianceRoutes } from './compliance/routes.js';
import { consoleRoutes } from './console/routes.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { deviceExportRoutes } from './devices/export.js';
import { eventRoutes } from './events/routes.js';
import { savedViewRoutes } from './saved-views/routes.js';
import { type Adapters, createAdapters, subscribeWakeUps } from '../protocols/index.js';
import { servesRoute } from './roles.js';
import { deviceRoutes } from './devices/routes.js';
import { enrollmentRoutes } from './enrollments/routes.js';
import { groupRoutes } from './groups/routes.js';
import { appRoutes } from './apps/routes.js';
import { osUpdateRoutes } from './os-updates/routes.js';
import { policyRoutes } from './policies/routes.js';
import { Metrics } from './metrics.js';
import type { App, RouteAuth, RouteModule } from './route-config.js';
import { reportRoutes } from './reports/routes.js';
import { setupRoutes } from './setup/routes.js';
import { systemRoutes } from './system/routes.js';
import { tokenRoutes } from './tokens/routes.js';
import { userRoutes } from './users/routes.js';
import { webhookRoutes } from './webhooks/routes.js';

export const SESSION_COOKIE = 'steward_session';
export const BODY_LIMIT = 1024 * 1024;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Route modules of the admin API, in registration order. Protocol adapters register their own. */
const API_MODULES: RouteModule[] = [
  systemRoutes,
  setupRoutes,
  authRoutes,
  userRoutes,
  tokenRoutes,
  deviceRoutes,
  groupRoutes,
  commandRoutes,
  auditRoutes,
  enrollmentRoutes,
  dashboardRoutes,
  deviceExportRoutes,
  savedViewRoutes,
  eventRoutes,
  consoleRoutes,
  complianceRoutes,
  reportRoutes,
  webhookRoutes,
  policyRoutes,
  appRoutes,
  osUpdateRoutes,
];

export interface AppOptions {
  https?: { cert: string; key: string } | undefined;
  logger?: boolean | object;
  /** The protocol adapters; built here when not given (tests). */
  adapters?: Adapters;
}

/**
 * Builds the HTTP application: error catalogue, canonical paths, authentication and permission
 * checks (deny by default), auditing of every mutating admin request, metrics and the OpenAPI document.
 */
export async function buildApp(ctx: Context, options: AppOptions = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? { level: ctx.config.logLevel },
    bodyLimit: BODY_LIMIT,
    trustProxy: ctx.config.trustProxy,
    genReqId: () => randomUUID(),
    // Per-request logs would drown a fleet's check-ins; metrics and the audit log cover traffic.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    return503OnClosing: true,
    ...(options.https
      ? {
          https: {
            ...options.https,
            allowHTTP1: true,
            // Devices (Windows MDM, the agent, Apple over mTLS) may present the certificate Steward
            // issued them; each adapter checks it against Steward's CA. Browsers and API clients needn't.
            requestCert: true,
            rejectUnauthorized: false,
          },
        }
      : {}),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  installValidators(app);
  app.decorateRequest('principal', undefined);
  app.decorateRequest('auditTarget', undefined);
  await app.register(fastifyCookie);

  const metrics = new Metrics(ctx);
  const routes: RouteEntry[] = [];

  app.addHook('onRoute', (route) => {
    route.config ??= {};
    // The documentation UI's own routes are the only plugin routes exposed without credentials.
    if (route.url.startsWith('/api/docs')) (route.config as { auth?: string }).auth = 'public';
    const { auth, readOnly } = route.config as { auth?: RouteEntry['auth']; readOnly?: boolean };
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url, auth, readOnly: readOnly === true });
  });

  // A node runs only some roles (`--role api|devices|worker`): other routes answer as if they didn't exist.
  const everyRole = ctx.config.roles.includes('api') && ctx.config.roles.includes('devices');
  app.addHook('onRequest', async (request) => {
    rejectNonCanonicalPath(request.raw.url ?? '/');
    if (!everyRole && !request.is404 && !servesRoute(ctx.config.roles, request.routeOptions.url ?? '/')) throw new StewardError('route_not_found');
    metrics.started(request);
    await authorize(ctx, request);
  });

  // No text Steward stores may carry a NUL byte (PostgreSQL refuses them, and they hide text from people).
  app.addHook('preValidation', async (request) => {
    if (containsNul(request.body) || containsNul(request.query)) throw new StewardError('validation_failed', 'Text must not contain NUL characters.');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    if (MUTATING.has(request.method) && !request.routeOptions.config.readOnly && (request.url.startsWith('/api/') || reply.statusCode === 404)) {
      await writeAudit(ctx, request, reply).catch((error) => request.log.error({ err: error }, 'audit write failed'));
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => metrics.finished(request, reply));

  app.setErrorHandler((error: FastifyError | StewardError, request, reply) => renderError(error, request, reply));
  app.setNotFoundHandler((_request, reply) => {
    sendError(reply, new StewardError('route_not_found'));
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Steward API', version: '1', description: 'Administer devices, groups, commands, users and the audit log.' },
      servers: [{ url: ctx.config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (`steward token create`).' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  const adapters = options.adapters ?? createAdapters(ctx, app.log);
  app.decorate('adapters', adapters);
  if (!options.adapters) app.addHook('onClose', () => adapters.close());
  // Commands enqueued on any node (this one included) wake the devices this node's adapters reach.
  const unsubscribe = subscribeWakeUps(ctx, adapters, app.log);
  app.addHook('onClose', async () => unsubscribe());
  for (const module of [...adapters.routes, ...API_MODULES]) await app.register(async (scope) => module(scope as App, ctx));
  app.get('/api/v1/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());
  app.get('/metrics', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.contentType);
    return metrics.render();
  });
  app.decorate('routeTable', routes);
  return app;
}

export interface RouteEntry {
  method: string;
  url: string;
  auth: RouteAuth | undefined;
  readOnly: boolean;
}

/** Every route registered with the protection it declared, for the generated auth matrix test. With `roles`: those such a node answers. */
export function routeTable(app: App, roles?: readonly Role[]): RouteEntry[] {
  const all = (app as unknown as { routeTable: RouteEntry[] }).routeTable;
  return roles ? all.filter((r) => servesRoute(roles, r.url)) : all;
}

/**
 * Two validators: request bodies are strict (no type coercion, no unknown properties),
 * query strings and path parameters are coerced from their string form.
 */
function installValidators(app: App): void {
  const common = { allErrors: false, strict: false, removeAdditional: false as const, useDefaults: true };
  const bodies = addFormats.default(new Ajv.default({ ...common, coerceTypes: false }));
  const params = addFormats.default(new Ajv.default({ ...common, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : params).compile(schema as object));
}

/**
 * Path tricks must not reach the router: `//`, dot segments (plain or %-encoded), `;` parameters,
 * backslashes and encoded slashes are refused outright, so the path that was authorised is the one routed.
 */
function rejectNonCanonicalPath(rawUrl: string): void {
  const path = rawUrl.split('?', 1)[0] ?? '/';
  if (!path.startsWith('/') || /\/\/|;|\\|%2f|%5c|%00|\x00/i.test(path) || /(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path)) {
    throw new StewardError('invalid_path');
  }
}

async function authorize(ctx: Context, request: FastifyRequest): Promise<void> {
  const auth = request.routeOptions.config.auth;
  if (auth === 'public') return;
  // Unknown routes fall through to the 404 handler, which reveals nothing.
  if (request.is404) return;
  const secret = bearerOf(request) ?? request.cookies[SESSION_COOKIE];
  request.principal = secret ? await ctx.auth.authenticate(secret) : undefined;
  if (!request.principal) throw new StewardError('unauthenticated');
  if (auth === 'authenticated') return;
  if (auth === undefined || !can(request.principal.role, auth)) throw new StewardError('forbidden');
}

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

async function writeAudit(ctx: Context, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const status = reply.statusCode;
  const principal = request.principal;
  const target = request.auditTarget;
  const params = request.params as Record<string, string> | undefined;
  await ctx.audit.append({
    actorType: principal?.type ?? 'anonymous',
    actorId: principal?.id ?? null,
    actorLabel: principal?.label ?? null,
    action: request.routeOptions.config.action ?? (request.is404 ? 'unknown_route' : `${request.method} ${request.routeOptions.url}`),
    targetType: target?.type ?? null,
    targetId: target?.id ?? (params && typeof params.id === 'string' ? params.id.slice(0, 64) : null),
    outcome: status < 400 ? 'success' : status === 401 || status === 403 || status === 423 || status === 429 ? 'denied' : 'failure',
    statusCode: status,
    requestId: request.id,
    sourceIp: request.ip,
    details: target?.details ?? (status >= 400 ? { method: request.method, path: request.url.slice(0, 300) } : undefined),
  });
}

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  // Raw bodies (device protocols) are bytes, not text: they are the protocol parser's to judge.
  if (depth > 64 || value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return false;
  for (const [key, inner] of Object.entries(value)) if (key.includes('\u0000') || containsNul(inner, depth + 1)) return true;
  return false;
}

function sendError(reply: FastifyReply, error: StewardError): FastifyReply {
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send({ error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } });
}

function renderError(error: FastifyError | StewardError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof StewardError) return sendError(reply, error);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const details = fastifyError.validation.slice(0, 20).map((v) => ({
      location: fastifyError.validationContext,
      path: v.instancePath || '/',
      message: v.message,
      ...(v.keyword === 'additionalProperties' ? { property: (v.params as { additionalProperty?: string }).additionalProperty } : {}),
    }));
    return sendError(reply, new StewardError('validation_failed', undefined, details));
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return sendError(reply, new StewardError('invalid_json'));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendError(reply, new StewardError('payload_too_large'));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return sendError(reply, new StewardError(fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : 'bad_request'));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendError(reply, new StewardError('bad_request', 'The body is empty but the content type says JSON.'));
  }
  if (error instanceof SyntaxError || (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500)) {
    const status = fastifyError.statusCode ?? 400;
    const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : status === 404 ? 'not_found' : 'bad_request';
    return sendError(reply, new StewardError(code));
  }
  const reason = unavailableReason(error);
  if (reason) {
    logUnavailable(request, reason, error);
    reply.header('retry-after', '5');
    return sendError(reply, new StewardError('service_unavailable', UNAVAILABLE_MESSAGES[reason], { reason }));
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendError(reply, new StewardError('internal', ERRORS.internal.message));
}

const lastUnavailableLog = new Map<string, number>();
/** One log line per reason every 10 s: an outage under load must not flood the log. */
function logUnavailable(request: FastifyRequest, reason: string, error: Error): void {
  const now = Date.now();
  if (now - (lastUnavailableLog.get(reason) ?? 0) < 10_000) return;
  lastUnavailableLog.set(reason, now);
  request.log.error({ reason, code: (error as { code?: unknown }).code, message: error.message }, `storage unavailable (${reason}): answering 503`);
}
