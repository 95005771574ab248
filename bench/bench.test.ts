import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * Smoke test of the benchmark runner: a quick run over 300 devices must produce well-formed
 * results on every database we can reach. It proves the bench works, not that Steward is fast.
 */

const run = promisify(execFile);
const RUNNER = fileURLToPath(new URL('./run.js', import.meta.url));
const ROOT = path.dirname(path.dirname(RUNNER));
const POSTGRES_URL = process.env.STEWARD_TEST_DATABASE_URL;
const DEVICES = 300;
const FOUNDATION = ['idle-memory', 'device-list', 'device-search', 'enqueue-fanout'];

interface Result {
  scenario: string;
  dialect: string;
  devices: number;
  timestamp: string;
  node: string;
  cpu: string;
  figures: Record<string, unknown>;
  server: { cpuSeconds: number | null; peakRssMb: number | null };
  target: { metric: string; value: number; measured: number | null };
  targets?: { metric: string; value: number; measured: number | null; pass: boolean }[] | null;
  pass: boolean | null;
}

const resultDirs: string[] = [];
afterAll(() => {
  for (const dir of resultDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function quickRun(databaseUrl?: string): Promise<{ dir: string; stdout: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-bench-test-'));
  resultDirs.push(dir);
  const args = [
    RUNNER,
    '--quick',
    '--scenario',
    FOUNDATION.join(','),
    '--devices',
    String(DEVICES),
    '--results',
    dir,
    ...(databaseUrl ? ['--database-url', databaseUrl] : []),
  ];
  const { stdout } = await run(process.execPath, args, { cwd: ROOT, timeout: 50_000, maxBuffer: 4 * 1024 * 1024 });
  return { dir, stdout };
}

const read = (dir: string, name: string): Result => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Result;
const positive = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value > 0;

function expectWellFormed(dir: string, dialect: 'sqlite' | 'postgres'): void {
  const files = fs.readdirSync(dir).sort();
  expect(files).toEqual(['SUMMARY.md', ...FOUNDATION.map((s) => `${s}-${dialect}.json`)].sort());

  for (const file of files.filter((f) => f.endsWith('.json'))) {
    const result = read(dir, file);
    expect(result.dialect).toBe(dialect);
    expect(result.devices).toBe(DEVICES);
    expect(result.pass === null || typeof result.pass === 'boolean').toBe(true);
    expect(Date.parse(result.timestamp)).not.toBeNaN();
    expect(result.node).toBe(process.version);
    expect(result.cpu.length).toBeGreaterThan(0);
    expect(positive(result.server.peakRssMb)).toBe(true);
  }

  const fanout = read(dir, `enqueue-fanout-${dialect}.json`);
  expect(fanout.figures.deviceCount).toBe(DEVICES);
  expect(fanout.figures.deviceCounts).toEqual(Array((fanout.figures.repeats as number) ?? 0).fill(DEVICES));
  for (const ms of fanout.figures.latenciesMs as number[]) expect(positive(ms)).toBe(true);
  expect(positive(fanout.figures.medianMs)).toBe(true);

  const list = read(dir, `device-list-${dialect}.json`);
  expect(list.figures.errors).toBe(0);
  for (const key of ['p50Ms', 'p95Ms', 'p99Ms', 'throughputRps']) expect(positive(list.figures[key])).toBe(true);
  const queries = list.figures.queries as { query: string; total: number }[];
  expect(queries.find((q) => q.query === 'limit=50')?.total).toBe(DEVICES);
  for (const q of queries) expect(q.query).not.toContain('search=');

  const search = read(dir, `device-search-${dialect}.json`);
  expect(search.figures.errors).toBe(0);
  expect(search.pass).toBeNull();
  for (const q of search.figures.queries as { query: string }[]) expect(q.query).toContain('search=');
  expect(positive(search.figures.p95Ms)).toBe(true);
  // Each HTTP scenario carries the bare node:http ceiling under its own load.
  for (const r of [list, search]) {
    const c = (r.figures as { ceiling?: { throughputRps?: number; requests?: number; method?: string } }).ceiling;
    expect(positive(c?.throughputRps)).toBe(true);
    expect(c?.method).toBe('GET');
  }

  const idle = read(dir, `idle-memory-${dialect}.json`);
  expect(positive(idle.figures.rssMb)).toBe(true);
  expect(positive(idle.figures.peakRssMb)).toBe(true);
  expect(idle.target.measured).toBe(idle.figures.rssMb);

  const summary = fs.readFileSync(path.join(dir, 'SUMMARY.md'), 'utf8');
  for (const scenario of FOUNDATION) expect(summary).toContain(`| ${scenario} | ${dialect} | ${DEVICES} |`);
}

const APPLE_DEVICES = 20;

function expectAppleWellFormed(dir: string): void {
  const files = fs.readdirSync(dir).sort();
  expect(files).toEqual([
    'SUMMARY.md',
    'apple-commands-sqlite.json',
    'apple-enroll-sqlite.json',
    'apple-memory-sqlite.json',
    'enrollment-storm-sqlite.json',
    'steady-checkins-sqlite.json',
  ]);
  for (const file of files.filter((f) => f.endsWith('.json'))) {
    const result = read(dir, file);
    expect(result.devices).toBe(APPLE_DEVICES);
    if (result.scenario === 'enrollment-storm') continue; // informational: no target
    expect(typeof result.pass).toBe('boolean');
    expect(result.target?.measured).toBe(result.figures[result.target.metric]);
  }

  const enroll = read(dir, 'apple-enroll-sqlite.json');
  expect(enroll.figures.enrolled).toBe(APPLE_DEVICES);
  expect(enroll.figures.errors).toBe(0);
  for (const key of ['cpuMsPerEnrollment', 'scepCpuMsPerEnrollment', 'enrollmentsPerSecond']) expect(positive(enroll.figures[key])).toBe(true);
  expect((enroll.figures.requests as Record<string, number>)['/mdm/checkin']).toBe(2 * APPLE_DEVICES);

  const memory = read(dir, 'apple-memory-sqlite.json');
  expect(memory.figures.fleetDevices).toBe(APPLE_DEVICES);
  expect(positive(memory.figures.rssRatio)).toBe(true);

  const commands = read(dir, 'apple-commands-sqlite.json');
  const f = commands.figures as Record<string, unknown> & { enqueue: { deviceCount: number }; idle: Record<string, unknown> };
  expect(f.roundTrips).toBe(APPLE_DEVICES);
  expect(f.errors).toBe(0);
  expect(f.enqueue.deviceCount).toBe(APPLE_DEVICES);
  // Idle → DeviceLock, Acknowledged → nothing: two requests per round trip.
  expect(f.requests).toBe(2 * APPLE_DEVICES);
  for (const key of ['roundTripsPerSecond', 'cpuMsPerRequest', 'requestsPerServerCpuSecond']) expect(positive(f[key])).toBe(true);
  expect(positive(f.idle.cpuMsPerRequest)).toBe(true);
  expect(commands.targets?.map((t) => t.metric)).toEqual(['cpuMsPerRequest', 'roundTripsPerSecond']);

  // The bare node:http ceiling, measured under the same load, beside each HTTP figure.
  const ceiling = (f as { ceiling?: Record<string, unknown> }).ceiling;
  expect(positive(ceiling?.throughputRps)).toBe(true);
  expect(ceiling?.requests).toBe(2 * APPLE_DEVICES);
  expect(positive(f.p95Ms)).toBe(true);

  const storm = read(dir, 'enrollment-storm-sqlite.json').figures as Record<string, unknown> & { ceiling?: Record<string, unknown> };
  expect(storm.enrolled).toBe(APPLE_DEVICES);
  expect(storm.errors).toBe(0);
  for (const key of ['enrollmentsPerSecond', 'cpuMsPerEnrollment', 'p95Ms', 'throughputRps']) expect(positive(storm[key]), key).toBe(true);
  expect(positive(storm.ceiling?.throughputRps)).toBe(true);

  const steady = read(dir, 'steady-checkins-sqlite.json').figures as Record<string, unknown> & { ceiling?: Record<string, unknown> };
  expect(steady.devices).toBe(APPLE_DEVICES);
  expect(steady.errors).toBe(0);
  expect(steady.requests).toBe(APPLE_DEVICES);
  for (const key of ['achievedRatePerSecond', 'p50Ms', 'p95Ms', 'p99Ms']) expect(positive(steady[key]), key).toBe(true);
  expect(positive(steady.ceiling?.throughputRps)).toBe(true);

  const summary = fs.readFileSync(path.join(dir, 'SUMMARY.md'), 'utf8');
  for (const scenario of ['apple-enroll', 'apple-memory', 'apple-commands', 'enrollment-storm', 'steady-checkins'])
    expect(summary).toContain(`| ${scenario} | sqlite | ${APPLE_DEVICES} |`);
  expect(summary).toContain('Ceiling (bare node:http)');
}

describe('npm run bench (quick)', () => {
  it('enrolls and drives a small simulated Apple fleet', { timeout: 90_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-bench-test-'));
    resultDirs.push(dir);
    const scenarios = 'apple-enroll,apple-memory,apple-commands,enrollment-storm,steady-checkins';
    const args = [RUNNER, '--quick', '--scenario', scenarios, '--devices', String(APPLE_DEVICES), '--results', dir];
    const { stdout } = await run(process.execPath, args, { cwd: ROOT, timeout: 80_000, maxBuffer: 4 * 1024 * 1024 });
    expect(stdout).toContain(`Summary (sqlite, ${APPLE_DEVICES} devices)`);
    expectAppleWellFormed(dir);
  });

  it('enrolls and drives a small simulated Windows fleet', { timeout: 60_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-bench-test-'));
    resultDirs.push(dir);
    const pcs = 10;
    const args = [RUNNER, '--quick', '--scenario', 'windows-enroll,windows-sessions', '--devices', String(pcs), '--results', dir];
    const { stdout } = await run(process.execPath, args, { cwd: ROOT, timeout: 50_000, maxBuffer: 4 * 1024 * 1024 });
    expect(stdout).toContain(`Summary (sqlite, ${pcs} PCs)`);
    expect(fs.readdirSync(dir).sort()).toEqual(['SUMMARY.md', 'windows-enroll-sqlite.json', 'windows-sessions-sqlite.json']);
    const enroll = read(dir, 'windows-enroll-sqlite.json');
    expect(enroll.figures.enrolled).toBe(pcs);
    expect(enroll.figures.errors).toBe(0);
    expect(positive(enroll.figures.enrollmentsPerSecond)).toBe(true);
    const sessions = read(dir, 'windows-sessions-sqlite.json');
    expect(sessions.figures.locked).toBe(pcs);
    expect(sessions.figures.errors).toBe(0);
    // First session: DevInfo → inventory Gets → results; lock: Alert → Exec → statuses; idle: one message.
    expect(sessions.figures.messages).toBe(5 * pcs);
    for (const key of ['messagesPerSecond', 'p50Ms', 'p95Ms', 'p99Ms', 'cpuMsPerMessage']) expect(positive(sessions.figures[key])).toBe(true);
  });

  it('drives Pub/Sub status reports for a small Android fleet through the AMAPI stand-in', { timeout: 60_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-bench-test-'));
    resultDirs.push(dir);
    const args = [RUNNER, '--quick', '--scenario', 'android-sync', '--devices', '10', '--results', dir];
    await run(process.execPath, args, { cwd: ROOT, timeout: 50_000, maxBuffer: 4 * 1024 * 1024 });
    const sync = read(dir, 'android-sync-sqlite.json');
    const f = sync.figures as Record<string, unknown>;
    expect(f.devices).toBe(10);
    expect(f.reports).toBe(20);
    expect(f.errors).toBe(0);
    // Each report is newer than the device's last; sent 16 at a time, a device's two reports may
    // arrive out of order, and then the older one is (rightly) dropped as stale. Nothing else happens.
    const outcomes = f.outcomes as Record<string, number>;
    expect(Object.keys(outcomes).filter((k) => k !== '204 processed' && k !== '204 stale')).toEqual([]);
    expect((outcomes['204 processed'] ?? 0) + (outcomes['204 stale'] ?? 0)).toBe(20);
    expect(outcomes['204 processed']).toBeGreaterThanOrEqual(10);
    for (const key of ['reportsPerSecond', 'p95Ms', 'cpuMsPerReport']) expect(positive(f[key]), key).toBe(true);
    expect(sync.targets?.map((t) => t.metric)).toEqual(['reportsPerSecond', 'p95Ms']);
  });

  it('long-polls a small simulated agent fleet and times one command to all of it', { timeout: 60_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-bench-test-'));
    resultDirs.push(dir);
    const agents = 20;
    const args = [RUNNER, '--quick', '--scenario', 'agent-fanout', '--agents', String(agents), '--results', dir];
    await run(process.execPath, args, { cwd: ROOT, timeout: 50_000, maxBuffer: 4 * 1024 * 1024 });
    const result = read(dir, 'agent-fanout-sqlite.json');
    const f = result.figures as Record<string, unknown>;
    expect(f.received).toBe(agents);
    expect(f.deviceCount).toBe(agents);
    expect(f.agentFailures).toBe(0);
    for (const key of ['p50Ms', 'p95Ms', 'rssMb', 'serverLastWrittenMs']) expect(positive(f[key])).toBe(true);
    // The server's own clock of the fan-out, read from its log.
    expect(f.serverWakeUps).toBeGreaterThanOrEqual(1);
    expect(f.simulatorThreads).toBe(1);
    expect(result.targets?.map((t) => t.metric)).toEqual(['p95Ms', 'rssMb']);
    expect(fs.readFileSync(path.join(dir, 'SUMMARY.md'), 'utf8')).toContain(`| agent-fanout | sqlite | ${agents} |`);
  });

  it('reconciles a small fleet from scratch and after a change to one group', { timeout: 60_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-bench-test-'));
    resultDirs.push(dir);
    const args = [RUNNER, '--scenario', 'reconcile-full,reconcile-incremental', '--devices', '1000', '--results', dir];
    await run(process.execPath, args, { cwd: ROOT, timeout: 50_000, maxBuffer: 4 * 1024 * 1024 });
    const full = read(dir, 'reconcile-full-sqlite.json');
    const incremental = read(dir, 'reconcile-incremental-sqlite.json');
    // 10 % of the bench's devices are Windows, which has no translator there: 900 of 1,000 get a configuration.
    expect(full.figures).toMatchObject({ devices: 1000, deliveries: 900, secondPassCommands: 0, failedDevices: 0 });
    expect(incremental.figures).toMatchObject({ groupDevices: 100, expectedDeliveries: 90, deliveries: 90 });
    expect(positive(full.figures.elapsedMs)).toBe(true);
    expect(full.pass).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'SUMMARY.md'), 'utf8')).toContain('| reconcile-incremental | sqlite | 1,000 |');
  });

  it('measures every scenario on SQLite', { timeout: 60_000 }, async () => {
    const { dir, stdout } = await quickRun();
    expect(stdout).toContain('Summary (sqlite, 300 devices)');
    expectWellFormed(dir, 'sqlite');
  });

  it.skipIf(!POSTGRES_URL)('measures every scenario on PostgreSQL', { timeout: 60_000 }, async () => {
    const { dir } = await quickRun(POSTGRES_URL);
    expectWellFormed(dir, 'postgres');
  });
});
