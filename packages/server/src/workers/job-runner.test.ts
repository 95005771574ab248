import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { type Context, createContext } from '../context.js';
import { TEST_DATABASES } from '../test-support/databases.js';
import { createJobRunner } from './index.js';
import { JobRunner } from './job-runner.js';

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`job runner on ${database.dialect}`, () => {
    let ctx: Context;
    let drop: () => Promise<void>;
    const log = pino({ level: 'silent' });
    beforeAll(async () => {
      const created = await database.create();
      drop = created.drop;
      ctx = await createContext(loadConfig({ dataDir: created.dataDir, databaseUrl: created.url, noTls: true }));
    });
    afterAll(async () => {
      await ctx?.close();
      await drop?.();
    });

    it('runs due jobs once, reschedules periodic ones, and retries failures with backoff', async () => {
      const seen: string[] = [];
      const runner = new JobRunner(
        ctx.jobs,
        {
          'test.once': async (job) => {
            seen.push(job.payload);
          },
          'test.tick': async () => {
            seen.push('tick');
          },
          'test.broken': async () => {
            throw new Error('boom');
          },
        },
        [{ kind: 'test.tick', everyMs: 60_000 }],
        log,
      );
      await runner.start();
      await runner.stop();
      await ctx.jobs.enqueue('test.once', { n: 1 });
      await ctx.jobs.enqueue('test.broken', null, { maxAttempts: 2 });
      expect(await runner.drain()).toBe(3);
      expect(seen.sort()).toEqual(['tick', '{"n":1}'].sort());
      expect(await runner.drain()).toBe(0);
      const rows = await ctx.database.db.selectFrom('jobs').selectAll().where('kind', 'like', 'test.%').execute();
      const tick = rows.find((r) => r.kind === 'test.tick');
      expect(tick?.state).toBe('queued');
      expect(tick?.run_at).toBeGreaterThan(Date.now() + 50_000);
      const broken = rows.find((r) => r.kind === 'test.broken');
      expect(broken).toMatchObject({ state: 'queued', attempts: 1, last_error: 'boom' });
      expect(rows.some((r) => r.kind === 'test.once')).toBe(false);
    });

    it('expires commands that outlived their time to live', async () => {
      const device = await ctx.devices.create({ platform: 'linux', ownership: 'corporate', name: 'ttl' });
      const { command } = await ctx.commands.enqueue({
        kind: 'intent',
        type: 'restart',
        platform: null,
        payload: {},
        target: { deviceIds: [device.id] },
        platforms: ['linux'],
        createdBy: { type: 'user', id: null, label: 't' },
        ttlMs: -1,
      });
      const runner = createJobRunner(ctx, log);
      await runner.start();
      await runner.stop();
      await runner.drain();
      expect((await ctx.commands.delivery(device.id, command.id))?.state).toBe('expired');
    });
  });
}
