import { Type } from 'typebox';
import { ping } from '../../db/database.js';
import { StewardError } from '../../core/errors.js';
import type { RouteModule } from '../route-config.js';

/** Liveness and readiness for load balancers and orchestrators. */
export const systemRoutes: RouteModule = (app, ctx) => {
  const Status = Type.Object({ status: Type.String() });
  app.get('/healthz', { config: { auth: 'public' }, schema: { tags: ['system'], summary: 'The process is alive', response: { 200: Status } } }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    { config: { auth: 'public' }, schema: { tags: ['system'], summary: 'The database is reachable', response: { 200: Status } } },
    async () => {
      if (!(await ping(ctx.database))) throw new StewardError('service_unavailable', 'The database is unreachable.', { reason: 'database_unreachable' });
      return { status: 'ready' };
    },
  );
};
