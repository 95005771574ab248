import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Context } from '../context.js';

const started = Symbol('startedAt');

/** Prometheus metrics: HTTP traffic, command queue depth, jobs, and the process itself. */
export class Metrics {
  private readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route'>;

  constructor(ctx: Context) {
    collectDefaultMetrics({ register: this.registry, prefix: 'steward_' });
    this.requests = new Counter({
      name: 'steward_http_requests_total',
      help: 'HTTP requests by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'steward_http_request_duration_seconds',
      help: 'HTTP request latency by method and route pattern.',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    new Gauge({
      name: 'steward_command_queue_depth',
      help: 'Command deliveries not yet completed (queued, sent or deferred).',
      registers: [this.registry],
      async collect() {
        this.set(await ctx.commands.depth());
      },
    });
    new Gauge({
      name: 'steward_jobs',
      help: 'Background jobs by state.',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [state, n] of Object.entries(await ctx.jobs.counts())) this.set({ state }, n);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  started(request: FastifyRequest): void {
    (request as unknown as Record<symbol, bigint>)[started] = process.hrtime.bigint();
  }

  finished(request: FastifyRequest, reply: FastifyReply): void {
    const begin = (request as unknown as Record<symbol, bigint | undefined>)[started];
    // Label by route pattern, never by raw URL, so label cardinality stays bounded.
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    this.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    if (begin !== undefined) this.latency.observe({ method: request.method, route }, Number(process.hrtime.bigint() - begin) / 1e9);
  }
}
