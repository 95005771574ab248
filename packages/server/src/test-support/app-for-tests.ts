import { buildApp } from '../api/app.js';
import type { App } from '../api/route-config.js';
import type { Context } from '../context.js';

export type { App };

export async function buildAppForTests(ctx: Context): Promise<App> {
  const app = await buildApp(ctx, { logger: false });
  await app.ready();
  return app;
}
