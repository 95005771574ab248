import { type Static, Type } from 'typebox';
import { DashboardRepository } from '../../core/console/dashboard.js';
import { iso } from '../../core/ids.js';
import type { RouteModule } from '../route-config.js';
import { Timestamp } from '../schemas.js';

const Count = Type.Integer({ minimum: 0 });
const DashboardSchema = Type.Object({
  generatedAt: Timestamp,
  total: Count,
  byPlatform: Type.Array(Type.Object({ platform: Type.String(), count: Count })),
  byOsVersion: Type.Array(Type.Object({ platform: Type.String(), osVersion: Type.Union([Type.String(), Type.Null()]), count: Count })),
  otherOsVersions: Count,
  byCompliance: Type.Array(Type.Object({ state: Type.String(), count: Count })),
  enrollments: Type.Array(Type.Object({ day: Type.String({ description: 'UTC day, YYYY-MM-DD' }), count: Count })),
  attention: Type.Object({
    noncompliant: Count,
    stale: Type.Integer({ minimum: 0, description: 'Enrolled devices not seen since staleBefore' }),
    staleBefore: Timestamp,
    failedCommands: Type.Integer({ minimum: 0, description: 'Devices with a command that ended in error' }),
  }),
  pending: Type.Object({ deliveries: Count, devices: Count }),
});

/**
 * How long a node reuses the figures it computed: up to 10 s while nothing changed, and 3 s at most on a
 * busy fleet, where every open console asks again each time devices change. Concurrent requests share
 * one computation.
 */
export const DASHBOARD_CACHE_MS = 10_000;
export const DASHBOARD_MIN_CACHE_MS = 3_000;

/** The dashboard's figures in one cheap request (a few indexed GROUP BYs, cached briefly per node). */
export const dashboardRoutes: RouteModule = (app, ctx) => {
  const dashboard = new DashboardRepository(ctx.database.db);
  const cache = new Map<string, { at: number; marker: string; body: Promise<Static<typeof DashboardSchema>> }>();
  const compute = async (query: { staleDays: number; enrollmentDays: number }) => {
    const now = Date.now();
    const figures = await dashboard.figures({ ...query, osVersionLimit: 12, now });
    return { ...figures, generatedAt: iso(now), attention: { ...figures.attention, staleBefore: iso(figures.attention.staleBefore) } };
  };
  app.get(
    '/api/v1/dashboard',
    {
      config: { auth: 'devices.read' },
      schema: {
        tags: ['dashboard'],
        summary: 'Fleet figures: devices by platform, OS version and compliance, enrollments per day, devices needing attention, pending commands',
        description:
          'Compliance is the current split only: a compliance history (rate over time) is not recorded yet. Each figure matches a device-list filter, so the console can link to the devices it counts. A node reuses its figures for up to 10 s while the fleet is unchanged, 3 s otherwise (see generatedAt).',
        querystring: Type.Object(
          {
            staleDays: Type.Integer({ minimum: 1, maximum: 365, default: 7 }),
            enrollmentDays: Type.Integer({ minimum: 7, maximum: 365, default: 30 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: DashboardSchema },
      },
    },
    async (request) => {
      const key = `${request.query.staleDays}/${request.query.enrollmentDays}`;
      const now = Date.now();
      const hit = cache.get(key);
      if (hit && now - hit.at < DASHBOARD_MIN_CACHE_MS) return hit.body;
      const marker = await dashboard.marker();
      if (hit && now - hit.at < DASHBOARD_CACHE_MS && hit.marker === marker) return hit.body;
      // A failed computation is not kept.
      const body = compute(request.query);
      cache.set(key, { at: now, marker, body });
      body.catch(() => cache.delete(key));
      return body;
    },
  );
};
