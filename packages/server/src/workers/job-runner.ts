import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { JobQueue, JobRow } from '../core/jobs/job-queue.js';
import { uuidv7 } from '../core/ids.js';

export type JobHandler = (job: JobRow) => Promise<void>;

export interface PeriodicJob {
  kind: string;
  everyMs: number;
}

/**
 * Runs background jobs from the job table. Periodic jobs are one row each (unique key), so across
 * any number of nodes each runs once per period; a node that dies mid-job loses its lease and
 * another node picks the job up.
 */
export class JobRunner {
  readonly workerId = `${hostname()}:${process.pid}:${uuidv7().slice(-8)}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** A wake-up arrived while a drain was running: drain again right after instead of waiting for the poll. */
  private wokenWhileRunning = false;

  constructor(
    private readonly jobs: JobQueue,
    private readonly handlers: Readonly<Record<string, JobHandler>>,
    private readonly periodic: readonly PeriodicJob[],
    private readonly log: FastifyBaseLogger,
    private readonly options: { pollMs: number; leaseMs: number } = { pollMs: 1000, leaseMs: 60_000 },
  ) {}

  async start(): Promise<void> {
    for (const p of this.periodic) await this.jobs.enqueue(p.kind, null, { uniqueKey: `periodic:${p.kind}`, maxAttempts: 1_000_000 });
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Looks for work now (a job was enqueued somewhere) instead of at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wokenWhileRunning = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0);
  }

  /** Runs due jobs until none is left. Returns how many ran. */
  async drain(): Promise<number> {
    let count = 0;
    for (;;) {
      const job = await this.jobs.claim(this.workerId, Object.keys(this.handlers), this.options.leaseMs);
      if (!job) return count;
      count++;
      await this.runJob(job);
    }
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wokenWhileRunning = false;
      this.running = this.drain()
        .catch((error) => this.log.error({ err: error }, 'job loop failed'))
        .then(() => {
          this.running = undefined;
          this.schedule(this.wokenWhileRunning ? 0 : this.options.pollMs);
        });
    }, delay);
    this.timer.unref();
  }

  private async runJob(job: JobRow): Promise<void> {
    const handler = this.handlers[job.kind];
    const period = this.periodic.find((p) => p.kind === job.kind);
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(job);
      await this.jobs.complete(job.id, this.workerId, period ? Date.now() + period.everyMs : undefined);
    } catch (error) {
      this.log.warn({ err: error, job: job.kind }, 'job failed');
      await this.jobs.fail(job, this.workerId, error);
    }
  }
}
