import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { type Context, createContext } from '../context.js';
import { TEST_DATABASES } from '../test-support/databases.js';
import { JobRunner } from './job-runner.js';

const postgres = TEST_DATABASES.find((d) => d.dialect === 'postgres');
const SERVER_DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Several nodes' job runners on one PostgreSQL schema (each its own pool and sessions, as separate
 * processes would have): periodic jobs run once per period across all of them, and a job whose
 * claimer is killed with SIGKILL is taken over by another node once its lease runs out.
 */
describe.skipIf(!postgres?.available)('jobs across nodes on PostgreSQL', () => {
  let url: string;
  let dataDir: string;
  let drop: () => Promise<void>;
  const nodes: Context[] = [];
  beforeAll(async () => {
    if (!postgres) return;
    const created = await postgres.create();
    ({ url, dataDir, drop } = created);
    for (let i = 0; i < 3; i++) nodes.push(await createContext(loadConfig({ dataDir, databaseUrl: url, noTls: true })));
  });
  afterAll(async () => {
    for (const ctx of nodes) await ctx.close();
    await drop?.();
  });

  it('runs a periodic job exactly once per period across three nodes, and one-off jobs once each', async () => {
    const PERIOD = 300;
    const runs: { node: number; start: number; end: number }[] = [];
    const once: number[] = [];
    const runners = nodes.map(
      (ctx, node) =>
        new JobRunner(
          ctx.jobs,
          {
            'test.periodic': async () => {
              const start = Date.now();
              await sleep(20);
              runs.push({ node, start, end: Date.now() });
            },
            'test.once': async (job) => {
              once.push(Number(job.payload));
            },
          },
          [{ kind: 'test.periodic', everyMs: PERIOD }],
          log,
          { pollMs: 25, leaseMs: 10_000 },
        ),
    );
    const started = Date.now();
    for (const runner of runners) await runner.start();
    // One-off jobs enqueued on node 0 while all three poll (and are woken through LISTEN/NOTIFY).
    const subscriptions = nodes.map((ctx, i) => ctx.notifier.subscribe('jobs', () => runners[i]?.wake()));
    for (let i = 0; i < 60; i++) await nodes[0]?.jobs.enqueue('test.once', i);
    await sleep(3000);
    for (const off of subscriptions) off();
    for (const runner of runners) await runner.stop();
    const elapsed = Date.now() - started;
    expect(once.sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    // At most one run per period (plus the first), never two at once, and more than one node took part.
    // (The lower bound is loose: on a loaded machine a poll can come late; the upper bound is the point.)
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(Math.ceil(elapsed / PERIOD) + 1);
    const sorted = [...runs].sort((x, y) => x.start - y.start);
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1];
      const current = sorted[i];
      if (!previous || !current) continue;
      expect(current.start - previous.end).toBeGreaterThanOrEqual(PERIOD - 50);
    }
    expect(new Set(runs.map((r) => r.node)).size).toBeGreaterThan(1);
    const rows = await nodes[0]?.database.db.selectFrom('jobs').selectAll().where('kind', 'like', 'test.%').execute();
    expect(rows?.map((r) => r.kind)).toEqual(['test.periodic']);
  });

  it('hands a job to another node after the node holding it is killed with SIGKILL mid-job, once its lease has run out', async () => {
    const ctx = nodes[0];
    if (!ctx) throw new Error('no node');
    const jobId = await ctx.jobs.enqueue('test.slow', { work: 'resize' });
    const LEASE = 1500;
    // Another process claims the job and hangs in it, as a worker does in the middle of a long job.
    const script = `
      const { createContext, loadConfig } = await import(${JSON.stringify(SERVER_DIST)});
      const ctx = await createContext(loadConfig({ dataDir: ${JSON.stringify(dataDir)}, databaseUrl: ${JSON.stringify(url)}, noTls: true }), { migrate: false });
      const job = await ctx.jobs.claim('doomed-node', ['test.slow'], ${LEASE});
      process.stdout.write(job ? 'claimed ' + job.id + '\\n' : 'nothing\\n');
      setInterval(() => {}, 1000);
    `;
    const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const claimed = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.once('exit', (code) => reject(new Error(`the claiming process exited (${code}): ${out}`)));
    });
    expect(claimed).toBe(`claimed ${jobId}`);
    const claimedAt = Date.now();
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGKILL');
    });

    const ran: { node: number; at: number; attempts: number }[] = [];
    const runners = nodes.slice(1).map(
      (other, i) =>
        new JobRunner(
          other.jobs,
          {
            'test.slow': async (job) => {
              ran.push({ node: i + 1, at: Date.now(), attempts: job.attempts });
            },
          },
          [],
          log,
          { pollMs: 50, leaseMs: LEASE },
        ),
    );
    for (const runner of runners) await runner.start();
    const deadline = Date.now() + 10_000;
    while (ran.length === 0 && Date.now() < deadline) await sleep(20);
    await sleep(300);
    for (const runner of runners) await runner.stop();
    expect(ran).toHaveLength(1);
    // Not before the lease ran out, and soon after.
    expect(ran[0]?.at ?? 0).toBeGreaterThanOrEqual(claimedAt + LEASE - 100);
    expect((ran[0]?.at ?? 0) - claimedAt).toBeLessThan(LEASE + 2000);
    expect(ran[0]?.attempts).toBe(2);
    expect(
      await ctx.database.db
        .selectFrom('jobs')
        .select('id')
        .where('id', '=', jobId ?? '')
        .executeTakeFirst(),
    ).toBeUndefined();
  });
});
