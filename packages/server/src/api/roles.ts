import type { Role } from '../config/config.js';

/** URL prefixes of the device-facing protocols (every channel's), served by the `devices` role. */
export const DEVICE_PREFIXES: readonly string[] = Object.freeze(['/mdm', '/scep', '/enroll', '/EnrollmentServer', '/ManagementServer', '/agent', '/android']);
/** Served by every role that serves HTTP at all: load balancers probe each node, Prometheus scrapes each. */
export const SHARED_ROUTES: readonly string[] = Object.freeze(['/healthz', '/readyz', '/metrics']);

const DEVICE_PATH = new RegExp(`^(${DEVICE_PREFIXES.map((p) => p.replace(/[/]/g, '\\/')).join('|')})(\\/|$)`, 'i');

/** Which role serves a route: `devices` (device protocols), `api` (admin API, docs and console), or both (`shared`). */
export function routeRole(url: string): 'devices' | 'api' | 'shared' {
  if (SHARED_ROUTES.includes(url)) return 'shared';
  return DEVICE_PATH.test(url) ? 'devices' : 'api';
}

/**
 * Whether a process with these roles answers a route. `--role api` serves the admin API and the
 * console, `--role devices` the device-facing routes, `--role worker` alone only health and metrics.
 */
export function servesRoute(roles: readonly Role[], url: string): boolean {
  const role = routeRole(url);
  if (role === 'shared') return true;
  return roles.includes(role);
}
