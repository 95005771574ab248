import fs from 'node:fs';
import type { Config } from './config/config.js';
import { type Context, createContext } from './context.js';
import { buildApp } from './api/app.js';
import type { App } from './api/route-config.js';
import { ensureServerCertificate } from './pki/server-tls.js';
import { createJobRunner } from './workers/index.js';
import type { JobRunner } from './workers/job-runner.js';

export interface RunningServer {
  readonly app: App;
  readonly ctx: Context;
  /** The URL the server actually listens on (useful with port 0). */
  readonly url: string;
  readonly setupUrl: string | undefined;
  close(): Promise<void>;
}

/**
 * Starts a Steward server: storage, CA, TLS, the HTTP application and background workers.
 *
 * @example
 * const server = await startServer(loadConfig({ listen: '127.0.0.1:0', noTls: true, dataDir }));
 * await server.close();
 */
export async function startServer(config: Config, options: { logger?: boolean | object } = {}): Promise<RunningServer> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  // The notifier reports lost connections to the application's log once it exists.
  let log: App['log'] | undefined;
  const ctx = await createContext(config, { onNotifyError: (error, what) => log?.warn({ err: error }, `notifier: ${what}`) });
  let runner: JobRunner | undefined;
  let stopWaking: (() => void) | undefined;
  try {
    let https: { cert: string; key: string } | undefined;
    if (config.tls.mode === 'files') https = { cert: fs.readFileSync(config.tls.certFile, 'utf8'), key: fs.readFileSync(config.tls.keyFile, 'utf8') };
    else if (config.tls.mode === 'self-issued') https = await ensureServerCertificate(ctx.ca, config.dataDir, config.publicUrl);

    const app = await buildApp(ctx, { https, logger: options.logger });
    log = app.log;
    if (config.roles.includes('worker')) {
      const jobRunner = createJobRunner(ctx, app.log, app.adapters);
      runner = jobRunner;
      // A job enqueued on any node is picked up now rather than at the next poll.
      stopWaking = ctx.notifier.subscribe('jobs', () => jobRunner.wake());
      await jobRunner.start();
    }
    const setupToken = await ctx.setup.issueToken();
    const setupUrl = setupToken ? `${config.publicUrl}/setup?token=${setupToken}` : undefined;
    const address = await app.listen({ host: config.listenHost, port: config.listenPort });
    const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '[::1]');
    if (setupUrl) app.log.warn(`No admin exists yet. Create the first one here (valid 24 h, once): ${setupUrl}`);

    let closing: Promise<void> | undefined;
    return {
      app,
      ctx,
      url,
      setupUrl,
      close: () => {
        closing ??= (async () => {
          stopWaking?.();
          await runner?.stop();
          await app.close();
          await ctx.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    stopWaking?.();
    await runner?.stop();
    await ctx.close();
    throw error;
  }
}
