#!/usr/bin/env node
/**
 * Steward's benchmark runner: the Foundation figures, measured against a real `steward serve`.
 *
 * It prepares a fresh database (SQLite in a temporary data dir, or a fresh schema in the PostgreSQL
 * named by --database-url), seeds N devices and a static group holding all of them, starts the
 * server as a child process, creates an admin API token with the CLI, and drives the server over
 * real HTTP. Every scenario writes `<results>/<scenario>-<dialect>.json` and refreshes its row in
 * `<results>/SUMMARY.md`. A missed target is reported (`"pass": false`), not fatal; the exit code is
 * non-zero only when something went wrong (a request failed, a count was wrong, the server died).
 *
 *   npm run bench                                   # all scenarios, 100,000 devices, SQLite
 *   node bench/run.js --database-url postgres://postgres@127.0.0.1:5432/test
 *   node bench/run.js --scenario device-list --devices 20000
 *   node bench/run.js --quick --devices 300 --results /tmp/bench   # the smoke test's run
 *
 * Requires `npm run build` first (it imports @steward/server from packages/server/dist).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { createContext, loadConfig, migrate, openDatabase, startApnsStandIn } from '@steward/server';
import { AppleDevice, WindowsDevice, generateScepKeyPair, generateWindowsKeyPair } from '@steward/simulators';
import pg from 'pg';
import { osVersionKey } from '../packages/server/dist/core/devices/device-model.js';
import { uuidv7 } from '../packages/server/dist/core/ids.js';
import { fakeApple } from '../packages/simulators/dist/test-support/apple-lab.js';
import { bindSteward } from '../packages/simulators/dist/android/bind.js';
import { startAmapiStandIn } from '../packages/simulators/dist/android/stand-in.js';
import { reconcileScenarios } from './reconcile.js';
import { CONSOLE_TARGETS, consoleScenario } from './console.js';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STEWARD = path.join(ROOT, 'packages/cli/bin/steward.js');

/**
 * Scenarios in the order they run: idle memory first, before any traffic has warmed the server.
 * The Apple scenarios run afterwards against a server of their own (fresh database, APNs stand-in),
 * whose fleet is enrolled through the real protocol rather than seeded.
 */
const FOUNDATION_SCENARIOS = ['idle-memory', 'device-list', 'device-search', 'console', 'enqueue-fanout', 'compliance-eval'];
const APPLE_SCENARIOS = ['apple-enroll', 'apple-memory', 'apple-commands', 'enrollment-storm', 'steady-checkins'];
const WINDOWS_SCENARIOS = ['windows-enroll', 'windows-sessions'];
const ANDROID_SCENARIOS = ['android-sync'];
/** The Steward agent: simulated agents enrolled through the protocol and long polling a server of their own. */
const AGENT_SCENARIOS = ['agent-fanout'];
/** Simulator threads agent-fanout spreads its fleet over. */
const AGENT_WORKERS = 4;
/** How long agent-fanout lets the server settle after the enrollment storm before it reads the RSS of holding the polls. */
const AGENT_SETTLE_SECONDS = 20;
/** Run in this process against a database of their own (see bench/reconcile.js). */
const RECONCILE_SCENARIOS = ['reconcile-full', 'reconcile-incremental'];
const SCENARIOS = [...FOUNDATION_SCENARIOS, ...APPLE_SCENARIOS, ...WINDOWS_SCENARIOS, ...ANDROID_SCENARIOS, ...AGENT_SCENARIOS, ...RECONCILE_SCENARIOS];

/** Each scenario's targets; the first is the headline. `null`: an informational figure with no target. */
const TARGETS = {
  'enqueue-fanout': [{ metric: 'maxMs', op: '<', value: 2000, unit: 'ms', description: 'every enqueue to the whole fleet under 2 s' }],
  'device-list': [{ metric: 'p95Ms', op: '<', value: 50, unit: 'ms', description: 'p95 of a filtered, sorted page of 50 under 50 ms' }],
  'device-search': null,
  console: CONSOLE_TARGETS,
  'idle-memory': [{ metric: 'rssMb', op: '<', value: 150, unit: 'MB', description: 'idle server RSS under 150 MB' }],
  'compliance-eval': [
    { metric: 'fullMs', op: '<', value: 10_000, unit: 'ms', description: 'compliance re-evaluation of the whole fleet (every status written) under 10 s' },
  ],
  'apple-enroll': [
    {
      metric: 'scepCpuMsPerEnrollment',
      op: '<=',
      value: 10,
      unit: 'ms',
      description: 'server CPU per SCEP enrollment (PKCSReq decrypted, checked, signed, answered) at most 10 ms',
    },
  ],
  'apple-memory': [{ metric: 'rssRatio', op: '<=', value: 1.2, unit: '×', description: 'server RSS flat (within 20 %) from 1,000 to 10,000 enrolled devices' }],
  'windows-enroll': [
    {
      metric: 'enrollmentsPerSecond',
      op: '>=',
      value: 50,
      unit: '/s',
      description: 'at least 50 MS-MDE2 enrollments per second (discovery, policy, WSTEP with the CSR signed)',
    },
  ],
  'windows-sessions': [{ metric: 'messagesPerSecond', op: '>=', value: 1000, unit: '/s', description: 'at least 1,000 SyncML management messages per second' }],
  'android-sync': [
    { metric: 'reportsPerSecond', op: '>=', value: 200, unit: '/s', description: 'at least 200 Pub/Sub status reports per second applied to inventory' },
    { metric: 'p95Ms', op: '<', value: 250, unit: 'ms', description: 'p95 of a Pub/Sub push under 250 ms' },
  ],
  'agent-fanout': [
    { metric: 'p95Ms', op: '<=', value: 2000, unit: 'ms', description: 'a command reaches 95 % of the long-polling agents within 2 s of being enqueued' },
    { metric: 'rssMb', op: '<=', value: 300, unit: 'MB', description: 'server RSS holding every agent’s open long poll at most 300 MB' },
  ],
  'reconcile-full': [
    { metric: 'elapsedMs', op: '<', value: 60_000, unit: 'ms', description: 'a reconcile from scratch of the fleet × 20 policies under 60 s' },
  ],
  'reconcile-incremental': [
    { metric: 'elapsedMs', op: '<', value: 5000, unit: 'ms', description: 'a change to one group (a tenth of the fleet) enqueued in under 5 s' },
  ],
  'apple-commands': [
    { metric: 'cpuMsPerRequest', op: '<=', value: 0.5, unit: 'ms', description: 'server CPU per MDM request (signature, queue, result) at most 0.5 ms' },
    { metric: 'roundTripsPerSecond', op: '>=', value: 1000, unit: '/s', description: 'at least 1,000 command round trips per second end to end' },
  ],
  'enrollment-storm': null,
  'steady-checkins': [{ metric: 'p95Ms', op: '<', value: 100, unit: 'ms', description: 'p95 of an Idle check-in under a steady fleet-wide rate under 100 ms' }],
};

/** Device-list queries a console issues: a filter, a sort and a page of 50. */
const LIST_QUERIES = [
  'limit=50',
  'platform=ios,ipados&sort=-lastSeenAt&limit=50',
  'osVersionBelow=17&sort=name&limit=50&offset=100',
  'ownership=personal&sort=osVersion&limit=50',
  'complianceState=noncompliant&platform=windows&sort=-enrolledAt&limit=50&offset=50',
];

/** Free-text searches (name, serial, UDID, IMEI, user), measured on their own: no target. */
const SEARCH_QUERIES = ['search=dev-12&sort=name&limit=50', 'search=user42@example.com&limit=50', 'search=PC%20dev-9999&limit=50'];

// ---------------------------------------------------------------------------------------------
// Options

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', multiple: true },
      devices: { type: 'string' },
      agents: { type: 'string' },
      'database-url': { type: 'string' },
      results: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'summary-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'usage: node bench/run.js [--scenario NAME]... [--devices N] [--agents N] [--database-url URL] [--results DIR] [--quick] [--summary-only]\n' +
        `scenarios: ${SCENARIOS.join(', ')} (default: all)\n`,
    );
    process.exit(0);
  }
  const requested = (values.scenario ?? []).flatMap((s) => s.split(',')).filter(Boolean);
  for (const name of requested) if (!SCENARIOS.includes(name)) throw new UsageError(`unknown scenario "${name}" (one of ${SCENARIOS.join(', ')})`);
  const devices = values.devices === undefined ? 100_000 : Number(values.devices);
  // The Apple fleet is enrolled through the protocol, device by device: 10,000 unless told.
  const appleDevices = values.devices === undefined ? 10_000 : devices;
  if (!Number.isInteger(devices) || devices < 1) throw new UsageError(`--devices must be a positive integer, got "${values.devices}"`);
  // Agents hold one open connection each, on both sides: 10,000 unless told (the fd limit must allow it).
  const agents = values.agents === undefined ? (values.devices === undefined ? (values.quick ? 100 : 10_000) : devices) : Number(values.agents);
  if (!Number.isInteger(agents) || agents < 1) throw new UsageError(`--agents must be a positive integer, got "${values.agents}"`);
  const databaseUrl = values['database-url'];
  if (databaseUrl !== undefined && !/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl))
    throw new UsageError('--database-url must be sqlite:<file> or postgres://…');
  const quick = values.quick;
  return {
    scenarios: requested.length ? SCENARIOS.filter((s) => requested.includes(s)) : SCENARIOS,
    devices,
    appleDevices,
    agents,
    databaseUrl,
    resultsDir: path.resolve(values.results ?? path.join(ROOT, 'bench/results')),
    quick,
    // Rebuild SUMMARY.md from the result files already in --results and stop (after copying results in).
    summaryOnly: values['summary-only'],
    settleMs: quick ? 1000 : 5000,
    fanoutRepeats: quick ? 2 : 5,
    listRequests: quick ? 48 : 600,
    listWarmup: quick ? 1 : 10,
    listConcurrency: 4,
    searchRequests: quick ? 24 : 300,
    // Apple: devices talking to the server at once, the key pairs the fleet shares, RSS readings.
    appleConcurrency: quick ? 8 : 48,
    appleKeyPairs: quick ? 2 : 16,
    // Android: the fleet enrolled through the stand-in, reports per device, pushes in flight.
    androidDevices: values.devices === undefined ? (quick ? 100 : 1000) : devices,
    androidRounds: quick ? 2 : 5,
    androidConcurrency: 16,
    rssReadings: quick ? 3 : 7,
    idlePasses: quick ? 1 : 2,
    // steady-checkins: the whole fleet checks in once, evenly spread over this many seconds.
    steadySeconds: quick ? 3 : 20,
  };
}

class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------
// Seeding

/** Deterministic pseudo-random numbers, so every run seeds the same fleet. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (random, weighted) => {
  let r = random() * weighted.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, weight] of weighted) {
    r -= weight;
    if (r < 0) return value;
  }
  return weighted[weighted.length - 1][0];
};

/** A fleet mix a mid-size company might have. */
const FLEET = {
  ios: {
    weight: 34,
    label: 'iPhone',
    personal: 0.35,
    models: ['iPhone15,2', 'iPhone15,4', 'iPhone16,1', 'iPhone17,3'],
    versions: [
      ['16.7.10', 1],
      ['17.5.1', 2],
      ['17.6.1', 3],
      ['18.0.1', 2],
      ['18.1.1', 4],
      ['18.2', 3],
    ],
  },
  ipados: {
    weight: 9,
    label: 'iPad',
    personal: 0.1,
    models: ['iPad13,18', 'iPad14,3', 'iPad16,3'],
    versions: [
      ['16.7.10', 1],
      ['17.7', 3],
      ['18.1.1', 3],
      ['18.2', 2],
    ],
  },
  macos: {
    weight: 16,
    label: 'MacBook',
    personal: 0.05,
    models: ['Mac14,2', 'Mac15,3', 'Mac16,1'],
    versions: [
      ['13.7.1', 1],
      ['14.7.1', 3],
      ['15.1.1', 4],
      ['15.2', 2],
    ],
  },
  windows: {
    weight: 25,
    label: 'PC',
    personal: 0.05,
    models: ['Latitude 5440', 'ThinkPad T14 Gen 4', 'Surface Laptop 6', 'EliteBook 840 G10'],
    versions: [
      ['10.0.19045.5131', 3],
      ['10.0.22631.4460', 5],
      ['10.0.26100.2314', 2],
    ],
  },
  android: {
    weight: 13,
    label: 'Android',
    personal: 0.45,
    models: ['Pixel 8', 'Pixel 9', 'SM-S921B', 'SM-A546B'],
    versions: [
      ['12', 1],
      ['13', 2],
      ['14', 4],
      ['15', 3],
    ],
  },
  linux: {
    weight: 3,
    label: 'Linux',
    personal: 0.02,
    models: ['ThinkPad X1 Carbon', 'XPS 13 Plus'],
    versions: [
      ['22.04', 2],
      ['24.04', 3],
    ],
  },
};
const PLATFORM_WEIGHTS = Object.entries(FLEET).map(([platform, spec]) => [platform, spec.weight]);

function hex(random, length) {
  let out = '';
  while (out.length < length)
    out += Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}

function deviceRow(index, devices, random, now) {
  const platform = pick(random, PLATFORM_WEIGHTS);
  const spec = FLEET[platform];
  // One device in a hundred has not reported its OS version yet, one in a hundred was never seen
  // again after enrolling: nullable sort columns must keep working.
  const osVersion = random() < 0.01 ? null : pick(random, spec.versions);
  // Enrolled over the last two years in index order, so ids (UUIDv7) follow the insertion order
  // as they do in a real fleet that grew over time.
  const step = (730 * 86_400_000) / devices;
  const enrolledAt = Math.floor(now - 730 * 86_400_000 + (index + random()) * step);
  const lastSeenAt = random() < 0.01 ? null : Math.max(enrolledAt, now - Math.floor(random() * 30 * 86_400_000));
  const apple = platform === 'ios' || platform === 'ipados' || platform === 'macos';
  const phone = platform === 'ios' || platform === 'android';
  const user = random() < 0.9 ? `user${Math.floor(random() * (index / 1.3 + 50))}@example.com` : null;
  return {
    id: uuidv7(enrolledAt),
    platform,
    ownership: random() < spec.personal ? 'personal' : 'corporate',
    enrollment_state: 'enrolled',
    name: `${spec.label} dev-${index}`,
    serial_number: hex(random, 12).toUpperCase(),
    udid: apple ? `${hex(random, 8)}-${hex(random, 16)}`.toUpperCase() : null,
    hardware_id: platform === 'windows' || platform === 'linux' ? hex(random, 32) : null,
    imei: phone && random() < 0.8 ? String(350000000000000 + Math.floor(random() * 1e14)).slice(0, 15) : null,
    model: spec.models[Math.floor(random() * spec.models.length)],
    os_version: osVersion,
    os_version_key: osVersionKey(osVersion),
    assigned_user: user,
    compliance_state: pick(random, [
      ['compliant', 80],
      ['noncompliant', 10],
      ['unknown', 10],
    ]),
    last_seen_at: lastSeenAt,
    enrolled_at: enrolledAt,
    inventory: JSON.stringify({
      batteryLevel: Math.round(random() * 100) / 100,
      storageCapacityGb: [128, 256, 512][Math.floor(random() * 3)],
      storageFreeGb: Math.round(random() * 100),
      ...securityFacts(random() < 0.95, random() < 0.97),
    }),
    created_at: enrolledAt,
    updated_at: lastSeenAt ?? enrolledAt,
  };
}

/** The old top-level facts and the normalised `security` object compliance reads. */
const securityFacts = (encrypted, passcodePresent) => ({ encrypted, passcodePresent, security: { encrypted, passcodePresent } });

/** Creates the schema and the fleet: N devices and one static group holding all of them. */
async function seed(databaseUrl, devices, log) {
  const database = await openDatabase(databaseUrl);
  try {
    await migrate(database);
    const { db } = database;
    const existing = await db
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(existing.n) > 0) throw new Error('the benchmark needs an empty database (it found devices already)');

    const now = Date.now();
    const random = mulberry32(20_251_122);
    const group = { id: uuidv7(now), name: 'bench-all', description: 'Every benchmark device', kind: 'static', filter: null, created_at: now, updated_at: now };
    await db.insertInto('groups').values(group).execute();

    const CHUNK = 1000;
    const PER_TRANSACTION = 20;
    let done = 0;
    while (done < devices) {
      await db.transaction().execute(async (trx) => {
        for (let c = 0; c < PER_TRANSACTION && done < devices; c++) {
          const rows = [];
          for (let i = 0; i < CHUNK && done + i < devices; i++) rows.push(deviceRow(done + i, devices, random, now));
          await trx.insertInto('devices').values(rows).execute();
          await trx
            .insertInto('group_members')
            .values(rows.map((r) => ({ group_id: group.id, device_id: r.id, added_at: now })))
            .execute();
          done += rows.length;
        }
      });
      log(`  seeded ${done.toLocaleString('en')} / ${devices.toLocaleString('en')} devices`);
    }
    // Autovacuum would analyse a table this freshly loaded within a minute; do it now so the first
    // queries are planned the way they are in a steady state. (SQLite keeps no statistics unless
    // the application gathers them, and Steward doesn't, so SQLite is measured as it runs.)
    if (database.dialect === 'postgres') await database.pool.query('VACUUM ANALYZE devices, group_members, groups');
    return { groupId: group.id, dialect: database.dialect };
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Database lifecycle

/** A private database for this run, and how to remove it afterwards. */
async function prepareDatabase(databaseUrl) {
  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-bench-'));
  const dataDir = path.join(tempRoot, 'data');
  fs.mkdirSync(dataDir);
  const removeTemp = () => fs.rmSync(tempRoot, { recursive: true, force: true });
  if (!databaseUrl) return { url: `sqlite:${path.join(dataDir, 'steward.db')}`, dataDir, dialect: 'sqlite', drop: async () => removeTemp() };
  if (databaseUrl.startsWith('sqlite:')) return { url: databaseUrl, dataDir, dialect: 'sqlite', drop: async () => removeTemp() };

  const schema = `bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(databaseUrl, `CREATE SCHEMA ${schema}`);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    dataDir,
    dialect: 'postgres',
    schema,
    async drop() {
      try {
        await adminQuery(databaseUrl, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        removeTemp();
      }
    },
  };
}

/** One statement on its own connection (schema management, version). */
async function adminQuery(url, text) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

async function postgresVersion(url) {
  const rows = await adminQuery(url, 'SHOW server_version');
  return rows[0]?.server_version ?? null;
}

// ---------------------------------------------------------------------------------------------
// The server process

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `steward serve` and resolves once /readyz answers. BENCH_SERVER_NODE_ARGS (space-separated)
 * go to the server's node only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
 */
async function startServer({ url, dataDir }, extraArgs = () => []) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      // The same V8 flag `npm start` and the steward bin run the server with.
      '--max-semi-space-size=1',
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      STEWARD,
      'serve',
      '--no-tls',
      '--listen',
      `127.0.0.1:${port}`,
      '--data-dir',
      dataDir,
      '--database-url',
      url,
      '--log-level',
      'warn',
      ...extraArgs(port),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const server = {
    child,
    pid: child.pid,
    base,
    output: () => output,
    exited,
    alive: true,
    async stop() {
      if (!server.alive) return;
      server.alive = false;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  exited.then(() => {
    server.alive = false;
  });
  // However the runner ends (a test's timeout, an uncaught error), the server must not outlive it.
  process.once('exit', () => {
    if (server.alive) child.kill('SIGKILL');
  });

  const deadline = Date.now() + 60_000;
  while (true) {
    if (!server.alive) throw new Error(`steward serve exited during start-up:\n${output}`);
    try {
      const res = await httpRequest(undefined, base, 'GET', '/readyz');
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`steward serve was not ready within 60 s:\n${output}`);
    }
    await sleep(100);
  }
  server.startupMs = round(performance.now() - started);
  return server;
}

async function createToken({ url, dataDir }) {
  const { stdout } = await execFileAsync(
    process.execPath,
    [STEWARD, 'token', 'create', '--name', 'bench', '--role', 'admin', '--data-dir', dataDir, '--database-url', url],
    { env: process.env, maxBuffer: 1024 * 1024 },
  );
  const secret = stdout.trim().split('\n').at(-1)?.trim();
  if (!secret) throw new Error(`steward token create printed no secret:\n${stdout}`);
  return secret;
}

// ---------------------------------------------------------------------------------------------
// HTTP

function httpRequest(agent, base, method, pathAndQuery, { token, body } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const started = performance.now();
    const req = http.request(new URL(pathAndQuery, base), { method, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
    });
    req.setTimeout(120_000, () => req.destroy(new Error(`${method} ${pathAndQuery} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

const parseJson = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

// ---------------------------------------------------------------------------------------------
// Process figures from /proc (Linux)

let clockTicks;
async function ticksPerSecond() {
  if (clockTicks !== undefined) return clockTicks;
  try {
    clockTicks = Number((await execFileAsync('getconf', ['CLK_TCK'])).stdout.trim()) || 100;
  } catch {
    clockTicks = 100;
  }
  return clockTicks;
}

async function fdLimit() {
  try {
    return (await execFileAsync('sh', ['-c', 'ulimit -n'])).stdout.trim();
  } catch {
    return 'unknown';
  }
}

function memoryMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? round(Number(match[1]) / 1024) : null;
    };
    return { rssMb: field('VmRSS'), peakRssMb: field('VmHWM') };
  } catch {
    return { rssMb: null, peakRssMb: null };
  }
}

function cpuTicks(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** Resets the peak RSS (VmHWM) so each scenario reports its own peak. */
function resetPeak(pid) {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Runs `body` and reports the server's CPU time and peak RSS over it. */
async function measured(server, body, { fromStart = false } = {}) {
  const peakReset = !fromStart && resetPeak(server.pid);
  const before = cpuTicks(server.pid);
  const started = performance.now();
  const figures = await body();
  const wallMs = performance.now() - started;
  const after = cpuTicks(server.pid);
  const ticks = await ticksPerSecond();
  const memory = memoryMb(server.pid);
  const cpuSeconds = before === null || after === null ? null : round((after - before) / ticks, 3);
  return {
    figures,
    server: {
      cpuSeconds,
      cpuUtilisation: cpuSeconds === null ? null : round(cpuSeconds / (wallMs / 1000), 3),
      wallSeconds: round(wallMs / 1000, 3),
      rssMb: memory.rssMb,
      // Without a reset the peak is the process's since start-up.
      peakRssMb: memory.peakRssMb,
      peakRssSince: peakReset ? 'scenario start' : 'process start',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios

async function idleMemory(run) {
  // The settle starts at readiness: no request but the readiness probe has reached the server.
  await sleep(run.options.settleMs);
  const memory = memoryMb(run.server.pid);
  return { settleMs: run.options.settleMs, rssMb: memory.rssMb, peakRssMb: memory.peakRssMb, startupMs: run.server.startupMs };
}

const deviceList = (run) => listLoad(run, LIST_QUERIES, run.options.listRequests);
const deviceSearch = (run) => listLoad(run, SEARCH_QUERIES, run.options.searchRequests);

/** Warm-up rounds over `queries`, then `requests` GETs of them in turn at the list concurrency. */
async function listLoad(run, queries, requests) {
  const { options } = run;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.listConcurrency });
  const perQuery = new Map(queries.map((q) => [q, { latencies: [], total: null, items: null }]));
  const errors = [];
  const responseBytes = [];
  const get = async (query) => {
    try {
      const res = await httpRequest(agent, run.server.base, 'GET', `/api/v1/devices?${query}`, { token: run.token });
      if (res.status !== 200) {
        errors.push(`${query}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
        return undefined;
      }
      return res;
    } catch (error) {
      errors.push(`${query}: ${error.message}`);
      return undefined;
    }
  };
  try {
    for (let i = 0; i < options.listWarmup; i++) {
      for (const query of queries) {
        const res = await get(query);
        const body = res && parseJson(res.text);
        const entry = perQuery.get(query);
        if (body && entry.total === null) {
          entry.total = body.total;
          entry.items = body.items?.length ?? null;
        }
      }
    }
    const warmupErrors = errors.length;
    const latencies = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.listConcurrency }, async () => {
        while (next < requests) {
          const query = queries[next++ % queries.length];
          const res = await get(query);
          if (res) {
            latencies.push(res.ms);
            responseBytes.push(Buffer.byteLength(res.text));
            perQuery.get(query).latencies.push(res.ms);
          }
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    return {
      requests,
      concurrency: options.listConcurrency,
      warmupRequests: options.listWarmup * queries.length,
      errors: errors.length,
      warmupErrors,
      errorSamples: errors.slice(0, 5),
      throughputRps: round((latencies.length / elapsedMs) * 1000, 1),
      ...stats(latencies),
      queries: [...perQuery].map(([query, entry]) => ({ query, total: entry.total, items: entry.items, ...stats(entry.latencies) })),
      ceilingLoad: { method: 'GET', requests, concurrency: options.listConcurrency, requestBytes: 0, responseBytes: median(responseBytes) },
    };
  } finally {
    agent.destroy();
  }
}

async function enqueueFanout(run) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = [];
  const deviceCounts = [];
  const skipped = [];
  let responseBytes = 0;
  const requestBody = { type: 'lock', params: { message: 'bench' }, target: { groupId: run.groupId } };
  try {
    for (let i = 0; i < run.options.fanoutRepeats; i++) {
      const res = await httpRequest(agent, run.server.base, 'POST', '/api/v1/commands', {
        token: run.token,
        body: requestBody,
      });
      if (res.status !== 202) throw new Error(`POST /api/v1/commands answered HTTP ${res.status}: ${res.text.slice(0, 500)}`);
      const body = parseJson(res.text);
      responseBytes = Buffer.byteLength(res.text);
      latencies.push(res.ms);
      deviceCounts.push(body?.command?.deviceCount ?? null);
      skipped.push(body?.skipped ?? null);
      run.log(`  enqueue ${i + 1}/${run.options.fanoutRepeats}: ${round(res.ms)} ms, ${body?.command?.deviceCount} deliveries`);
    }
  } finally {
    agent.destroy();
  }
  const { minMs, p50Ms: medianMs, maxMs, meanMs } = stats(latencies);
  return {
    repeats: latencies.length,
    latenciesMs: latencies.map((ms) => round(ms)),
    minMs,
    medianMs,
    meanMs,
    maxMs,
    deviceCount: deviceCounts.at(-1) ?? null,
    deviceCounts,
    skipped,
    deliveriesPerSecond: medianMs ? Math.round((run.devices / medianMs) * 1000) : null,
    ceilingLoad: {
      method: 'POST',
      requests: Math.max(50, latencies.length),
      concurrency: 1,
      requestBytes: Buffer.byteLength(JSON.stringify(requestBody)),
      responseBytes,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Apple: a fleet of simulated devices, enrolled and driven through the real protocol

/**
 * A `fetch` for the simulated fleet over node:http with keep-alive: lighter than the global fetch
 * (undici), so the simulator leaves more of the machine to the server. It counts requests by kind.
 */
function fleetFetch(agent, counts, traffic = { bytesSent: 0, bytesReceived: 0, latencies: [] }) {
  return (input, init = {}) =>
    new Promise((resolve, reject) => {
      const url = new URL(String(input));
      const kind = url.pathname.startsWith('/enroll/') ? 'profile' : url.pathname;
      counts[kind] = (counts[kind] ?? 0) + 1;
      const body = init.body === undefined ? undefined : Buffer.from(init.body);
      const started = performance.now();
      traffic.bytesSent += body?.length ?? 0;
      const headers = { ...(init.headers ?? {}) };
      if (body) headers['content-length'] = String(body.length);
      const req = http.request(url, { method: init.method ?? 'GET', agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          traffic.bytesReceived += bytes.length;
          traffic.latencies.push(performance.now() - started);
          if (status >= 400) counts.errors = (counts.errors ?? 0) + 1;
          resolve({
            ok: status >= 200 && status < 300,
            status,
            headers: { get: (name) => res.headers[name.toLowerCase()] ?? null },
            arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
            text: async () => bytes.toString('utf8'),
          });
        });
      });
      req.setTimeout(120_000, () => req.destroy(new Error(`${init.method ?? 'GET'} ${url.pathname} timed out`)));
      req.on('error', reject);
      req.end(body);
    });
}

/** Runs `work(item)` over `items`, `concurrency` at a time; collects failures instead of stopping. */
async function pool(items, concurrency, work) {
  const errors = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        try {
          await work(item);
        } catch (error) {
          errors.push(error?.message ?? String(error));
        }
      }
    }),
  );
  return errors;
}

/** Server CPU seconds spent while `body` runs, with its wall time. */
async function cpuOver(server, body) {
  const before = cpuTicks(server.pid);
  const ownBefore = process.cpuUsage();
  const started = performance.now();
  const value = await body();
  const wallMs = performance.now() - started;
  const after = cpuTicks(server.pid);
  const own = process.cpuUsage(ownBefore);
  const ticks = await ticksPerSecond();
  // The simulator's own CPU (this process): it competes with the server for the same cores.
  const simulatorCpuSeconds = (own.user + own.system) / 1e6;
  return { value, wallMs, cpuSeconds: before === null || after === null ? null : (after - before) / ticks, simulatorCpuSeconds };
}

/** A GC-neutral RSS reading: the median of several VmRSS readings a second apart, after a settle. */
async function steadyRss(run) {
  await sleep(run.options.settleMs);
  const readings = [];
  for (let i = 0; i < run.options.rssReadings; i++) {
    if (i > 0) await sleep(1000);
    readings.push(memoryMb(run.server.pid).rssMb);
  }
  const sorted = readings.filter((r) => r !== null).sort((a, b) => a - b);
  return { rssMb: sorted.length ? sorted[Math.floor(sorted.length / 2)] : null, readingsMb: readings };
}

const perMs = (cpuSeconds, count) => (cpuSeconds === null || !count ? null : round((cpuSeconds * 1000) / count, 3));
const perSecond = (count, ms) => (ms > 0 ? round((count / ms) * 1000, 1) : null);
const sum = (counts, ...kinds) => kinds.reduce((total, kind) => total + (counts[kind] ?? 0), 0);

/**
 * Enrolls the fleet: for each batch, every device downloads its profile, then every device runs
 * SCEP, then every device checks in (Authenticate, TokenUpdate) — phase by phase, so the server CPU
 * of the SCEP phase alone is known. The RSS is read (steady, GC-neutral) after the first checkpoint
 * (1,000 devices, or a tenth of a smaller fleet) and after the whole fleet.
 */
async function appleEnroll(run) {
  const { options, apple } = run;
  const n = run.devices;
  const keyStarted = performance.now();
  const keyPairs = await Promise.all(Array.from({ length: options.appleKeyPairs }, () => generateScepKeyPair()));
  const keyGenerationMs = round(performance.now() - keyStarted);
  const checkpoint = Math.min(1000, Math.max(1, Math.ceil(n / 10)));
  const batchSize = Math.max(1, Math.min(500, checkpoint));
  const phases = { profile: { cpuSeconds: 0, wallMs: 0 }, scep: { cpuSeconds: 0, wallMs: 0 }, register: { cpuSeconds: 0, wallMs: 0 } };
  const errors = [];
  const memory = [];
  const counts = apple.counts;
  const countsBefore = { ...counts };
  const pushesBefore = apple.apns.stats.delivered;
  const started = performance.now();
  let lastLog = started;
  let attempted = 0;
  while (attempted < n) {
    const end = Math.min(n, attempted + batchSize, attempted < checkpoint ? checkpoint : n);
    const batch = [];
    for (let i = attempted; i < end; i++) {
      batch.push(new AppleDevice({ model: i % 10 === 9 ? 'iPad' : 'iPhone', keyPair: keyPairs[i % keyPairs.length], fetch: apple.fetch }));
    }
    attempted = end;
    let alive = batch;
    for (const [phase, step] of [
      ['profile', (d) => d.installProfile(apple.profileUrl)],
      ['scep', (d) => d.obtainIdentity()],
      ['register', (d) => d.register()],
    ]) {
      const failed = new Set();
      const {
        value: phaseErrors,
        cpuSeconds,
        wallMs,
      } = await cpuOver(run.server, () =>
        pool(alive, options.appleConcurrency, async (d) => {
          try {
            await step(d);
          } catch (error) {
            failed.add(d);
            throw error;
          }
        }),
      );
      errors.push(...phaseErrors.map((m) => `${phase}: ${m}`));
      phases[phase].cpuSeconds += cpuSeconds ?? 0;
      phases[phase].wallMs += wallMs;
      alive = alive.filter((d) => !failed.has(d));
    }
    apple.devices.push(...alive);
    if (errors.length > Math.max(10, n / 100)) throw new Error(`Apple enrollment keeps failing: ${errors.slice(0, 3).join('; ')}`);
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      run.log(`  enrolled ${apple.devices.length.toLocaleString('en')} / ${n.toLocaleString('en')}`);
    }
    if (attempted === checkpoint || attempted === n) {
      memory.push({ devices: apple.devices.length, ...(await steadyRss(run)) });
      run.log(`  RSS ${fmt(memory.at(-1).rssMb)} MB with ${apple.devices.length.toLocaleString('en')} devices enrolled`);
    }
  }
  const enrolled = apple.devices.length;
  const wallMs = phases.profile.wallMs + phases.scep.wallMs + phases.register.wallMs;
  const cpuSeconds = phases.profile.cpuSeconds + phases.scep.cpuSeconds + phases.register.cpuSeconds;
  const requests = Object.fromEntries(Object.keys(counts).map((k) => [k, (counts[k] ?? 0) - (countsBefore[k] ?? 0)]));
  apple.memory = { checkpoint, readings: memory };
  return {
    enrolled,
    errors: errors.length,
    errorSamples: errors.slice(0, 5),
    concurrency: options.appleConcurrency,
    keyPairs: {
      count: options.appleKeyPairs,
      generationMs: keyGenerationMs,
      note: `RSA 2048 key pairs generated ahead and shared round-robin by the fleet (each device still gets its own certificate); key generation is the device's work, not the server's`,
    },
    enrollmentsPerSecond: perSecond(enrolled, wallMs),
    wallSeconds: round(wallMs / 1000, 1),
    cpuMsPerEnrollment: perMs(cpuSeconds, enrolled),
    scepCpuMsPerEnrollment: perMs(phases.scep.cpuSeconds, enrolled),
    profileCpuMsPerEnrollment: perMs(phases.profile.cpuSeconds, enrolled),
    registerCpuMsPerEnrollment: perMs(phases.register.cpuSeconds, enrolled),
    phases: Object.fromEntries(
      ['profile', 'scep', 'register'].map((p) => [
        p,
        { cpuSeconds: round(phases[p].cpuSeconds, 2), wallSeconds: round(phases[p].wallMs / 1000, 2), perSecond: perSecond(enrolled, phases[p].wallMs) },
      ]),
    ),
    requests,
    scepRequestsPerEnrollment: round(sum(requests, '/scep') / Math.max(1, enrolled), 2),
    pushesReceived: apple.apns.stats.delivered - pushesBefore,
    note: 'SCEP phase = the PKIOperation (PKCSReq) of every device, plus the GetCACert and GetCACaps the shared SCEP client asks once; enrollment = profile download (signed per device, with a fresh challenge) + SCEP + Authenticate + TokenUpdate (which queues the first inventory and pushes).',
  };
}

/** Built from what apple-enroll read: the steady RSS at the checkpoint and with the whole fleet. */
async function appleMemory(run) {
  const { readings, checkpoint } = run.apple.memory ?? { readings: [] };
  const first = readings[0];
  const last = readings.at(-1);
  return {
    checkpointDevices: first?.devices ?? null,
    fleetDevices: last?.devices ?? null,
    rssAtCheckpointMb: first?.rssMb ?? null,
    rssAtFleetMb: last?.rssMb ?? null,
    rssRatio: first?.rssMb && last?.rssMb ? round(last.rssMb / first.rssMb, 3) : null,
    readings,
    method: `steady RSS: ${run.options.settleMs / 1000} s settle, then the median of ${run.options.rssReadings} VmRSS readings 1 s apart; first reading after ${checkpoint?.toLocaleString('en')} devices`,
  };
}

/**
 * The command channel. Drains the first inventory (every device woken once), then (a) one lock
 * to the whole fleet through the API and every device woken: Idle → DeviceLock → Acknowledged →
 * empty; (b) Idle check-ins with nothing queued. Server CPU per MDM request = the server's CPU over
 * the wake phase / the /mdm/connect + /mdm/checkin requests it answered.
 */
async function appleCommands(run) {
  const { options, apple } = run;
  const devices = apple.devices;
  const counts = apple.counts;
  const wakeAll = async () => {
    const before = { ...counts };
    const measured = await cpuOver(run.server, () => pool(devices, options.appleConcurrency, (d) => d.wake()));
    const requests = sum(counts, '/mdm/connect', '/mdm/checkin') - sum(before, '/mdm/connect', '/mdm/checkin');
    const errors = (counts.errors ?? 0) - (before.errors ?? 0);
    return { ...measured, requests, errors: measured.value.length + errors, errorSamples: measured.value.slice(0, 3) };
  };

  // The first inventory each enrollment queued (several Apple commands per device).
  const drain = await wakeAll();
  apple.drained = true;
  run.log(`  drained the first inventory: ${drain.requests.toLocaleString('en')} requests in ${fmt(drain.wallMs / 1000)} s`);

  // (a) Round trips: one lock to the fleet, every device woken.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const pushesBefore = apple.apns.stats.delivered;
  const enqueue = await cpuOver(run.server, async () => {
    const res = await httpRequest(agent, run.server.base, 'POST', '/api/v1/commands', {
      token: run.token,
      body: { type: 'lock', params: { message: 'bench' }, target: { groupId: apple.groupId } },
    });
    if (res.status !== 202) throw new Error(`POST /api/v1/commands answered HTTP ${res.status}: ${res.text.slice(0, 500)}`);
    return { ms: res.ms, body: parseJson(res.text) };
  });
  const commandId = enqueue.value.body?.command?.id;
  // Pushes go out after the answer (at once, and again from the durable apple.push job): wait until
  // the stand-in has received nothing for a second.
  const pushWait = await cpuOver(run.server, async () => {
    let last = apple.apns.stats.delivered;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      await sleep(1000);
      const now = apple.apns.stats.delivered;
      if (now === last && now - pushesBefore >= devices.length) break;
      last = now;
    }
  });
  const pushesReceived = apple.apns.stats.delivered - pushesBefore;
  const lockedBefore = devices.filter((d) => d.state.locked).length;
  const mark = () => process.hrtime.bigint() / 1000n; // µs on the monotonic clock, as in a .cpuprofile
  const roundTripsFrom = mark();
  const trafficBefore = { sent: apple.traffic.bytesSent, received: apple.traffic.bytesReceived };
  apple.traffic.latencies = [];
  const roundTrips = await wakeAll();
  const roundTripLatencies = apple.traffic.latencies;
  const roundTripBytes = { sent: apple.traffic.bytesSent - trafficBefore.sent, received: apple.traffic.bytesReceived - trafficBefore.received };
  // With a profiled server (BENCH_SERVER_NODE_ARGS=--cpu-prof …), the window to cut the profile to.
  if (process.env.BENCH_SERVER_NODE_ARGS) run.log(`  round-trip window (monotonic µs): ${roundTripsFrom} ${mark()}`);
  const acknowledgedOnDevices = devices.filter((d) => d.state.locked).length - lockedBefore;
  const command = commandId
    ? parseJson((await httpRequest(agent, run.server.base, 'GET', `/api/v1/commands/${commandId}?limit=1`, { token: run.token })).text)
    : undefined;
  agent.destroy();
  run.log(
    `  round trips: ${acknowledgedOnDevices.toLocaleString('en')} in ${fmt(roundTrips.wallMs / 1000)} s, ${roundTrips.requests.toLocaleString('en')} requests`,
  );

  // (b) Idle check-ins with nothing queued.
  const idle = { requests: 0, wallMs: 0, cpuSeconds: 0, simulatorCpuSeconds: 0, errors: 0 };
  for (let pass = 0; pass < options.idlePasses; pass++) {
    const r = await wakeAll();
    idle.requests += r.requests;
    idle.wallMs += r.wallMs;
    idle.cpuSeconds += r.cpuSeconds ?? 0;
    idle.simulatorCpuSeconds += r.simulatorCpuSeconds;
    idle.errors += r.errors;
  }

  return {
    devices: devices.length,
    concurrency: options.appleConcurrency,
    roundTrips: acknowledgedOnDevices,
    roundTripsPerSecond: perSecond(acknowledgedOnDevices, roundTrips.wallMs),
    requests: roundTrips.requests,
    requestsPerSecond: perSecond(roundTrips.requests, roundTrips.wallMs),
    cpuMsPerRequest: perMs(roundTrips.cpuSeconds, roundTrips.requests),
    requestsPerServerCpuSecond: roundTrips.cpuSeconds ? round(roundTrips.requests / roundTrips.cpuSeconds, 0) : null,
    serverCpuSeconds: round(roundTrips.cpuSeconds, 2),
    serverCpuUtilisation: roundTrips.cpuSeconds === null ? null : round(roundTrips.cpuSeconds / (roundTrips.wallMs / 1000), 2),
    simulatorCpuSeconds: round(roundTrips.simulatorCpuSeconds, 2),
    simulatorCpuMsPerRequest: perMs(roundTrips.simulatorCpuSeconds, roundTrips.requests),
    wallSeconds: round(roundTrips.wallMs / 1000, 2),
    errors: roundTrips.errors + idle.errors + drain.errors,
    errorSamples: [...drain.errorSamples, ...roundTrips.errorSamples],
    enqueue: {
      ms: round(enqueue.value.ms),
      deviceCount: enqueue.value.body?.command?.deviceCount ?? null,
      serverCpuSeconds: round((enqueue.cpuSeconds ?? 0) + (pushWait.cpuSeconds ?? 0), 2),
      pushesReceived,
      pushWaitSeconds: round(pushWait.wallMs / 1000, 2),
      pushesPerDevice: round(pushesReceived / Math.max(1, devices.length), 2),
      note: 'devices are woken directly (device.wake()), not by the pushes; the stand-in only counts them (until none arrived for 1 s)',
    },
    commandCounts: command?.command?.counts ?? null,
    idle: {
      passes: options.idlePasses,
      requests: idle.requests,
      requestsPerSecond: perSecond(idle.requests, idle.wallMs),
      cpuMsPerRequest: perMs(idle.cpuSeconds, idle.requests),
      simulatorCpuMsPerRequest: perMs(idle.simulatorCpuSeconds, idle.requests),
      requestsPerServerCpuSecond: idle.cpuSeconds ? round(idle.requests / idle.cpuSeconds, 0) : null,
    },
    throughputRps: perSecond(roundTrips.requests, roundTrips.wallMs),
    ...stats(roundTripLatencies),
    ceilingLoad: {
      method: 'PUT',
      requests: roundTrips.requests,
      concurrency: options.appleConcurrency,
      requestBytes: Math.round(roundTripBytes.sent / Math.max(1, roundTrips.requests)),
      responseBytes: Math.round(roundTripBytes.received / Math.max(1, roundTrips.requests)),
    },
    firstInventory: {
      requests: drain.requests,
      wallSeconds: round(drain.wallMs / 1000, 2),
      requestsPerSecond: perSecond(drain.requests, drain.wallMs),
      cpuMsPerRequest: perMs(drain.cpuSeconds, drain.requests),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Windows

/**
 * Enrolls the Windows fleet through MS-MDE2: discovery probe, Discover, GetPolicies and
 * RequestSecurityToken (a real PKCS#10 request, checked and signed by Steward's CA) per PC.
 */
async function windowsEnroll(run) {
  const { options, windows } = run;
  const n = run.devices;
  const keyStarted = performance.now();
  const keyPairs = await Promise.all(Array.from({ length: options.appleKeyPairs }, () => generateWindowsKeyPair()));
  const keyGenerationMs = round(performance.now() - keyStarted);
  const devices = Array.from(
    { length: n },
    (_, i) =>
      new WindowsDevice({
        serverUrl: windows.base,
        ca: '',
        upn: `user${i}@example.com`,
        token: windows.token,
        keys: keyPairs[i % keyPairs.length],
        agent: windows.agent,
        clientCertHeader: windows.header,
        onExchange: (ms) => windows.latencies?.push(ms),
      }),
  );
  const failed = new Set();
  const measured = await cpuOver(run.server, () =>
    pool(devices, options.appleConcurrency, async (d) => {
      try {
        await d.enroll();
      } catch (error) {
        failed.add(d);
        throw error;
      }
    }),
  );
  windows.devices = devices.filter((d) => !failed.has(d));
  const enrolled = windows.devices.length;
  return {
    enrolled,
    errors: measured.value.length,
    errorSamples: measured.value.slice(0, 5),
    concurrency: options.appleConcurrency,
    enrollmentsPerSecond: perSecond(enrolled, measured.wallMs),
    wallSeconds: round(measured.wallMs / 1000, 1),
    cpuMsPerEnrollment: perMs(measured.cpuSeconds ?? 0, enrolled),
    simulatorCpuMsPerEnrollment: perMs(measured.simulatorCpuSeconds, enrolled),
    requestsPerEnrollment: 4,
    keyPairs: {
      count: options.appleKeyPairs,
      generationMs: keyGenerationMs,
      note: 'RSA 2048 key pairs made ahead and shared; each PC still sends its own CSR and gets its own certificate',
    },
    transport: `HTTP to steward serve with the client certificate in ${windows.header} (RFC 9440), as behind a TLS-terminating proxy`,
  };
}

/**
 * Management sessions: (a) every PC's first session (DevInfo, the first inventory of 28 Gets, its
 * results), (b) a lock to the whole fleet, every PC polls (Alert 1201 + DevInfo → Exec → statuses →
 * end), (c) idle polls with nothing queued. Messages/s and per-message latency over all three.
 */
async function windowsSessions(run) {
  const { options, windows } = run;
  const devices = windows.devices;
  const latencies = [];
  windows.latencies = latencies;
  const phase = async () => {
    const before = latencies.length;
    const measured = await cpuOver(run.server, () => pool(devices, options.appleConcurrency, (d) => d.session()));
    return { ...measured, messages: latencies.length - before, errors: measured.value.length, errorSamples: measured.value.slice(0, 3) };
  };
  const first = await phase();
  run.log(`  first sessions (inventory): ${first.messages.toLocaleString('en')} messages in ${fmt(first.wallMs / 1000)} s`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const res = await httpRequest(agent, run.server.base, 'POST', '/api/v1/commands', {
    token: run.token,
    body: { type: 'lock', target: { groupId: windows.groupId } },
  });
  agent.destroy();
  if (res.status !== 202) throw new Error(`POST /api/v1/commands answered HTTP ${res.status}: ${res.text.slice(0, 300)}`);
  const locks = await phase();
  const locked = devices.filter((d) => d.state.locks > 0).length;
  run.log(`  lock sessions: ${locked.toLocaleString('en')} PCs locked, ${locks.messages.toLocaleString('en')} messages in ${fmt(locks.wallMs / 1000)} s`);
  const idle = await phase();
  const all = [first, locks, idle];
  const messages = all.reduce((t, p) => t + p.messages, 0);
  const wallMs = all.reduce((t, p) => t + p.wallMs, 0);
  const cpuSeconds = all.reduce((t, p) => t + (p.cpuSeconds ?? 0), 0);
  const sorted = [...latencies].sort((a, b) => a - b);
  const byPhase = (p) => ({
    messages: p.messages,
    wallSeconds: round(p.wallMs / 1000, 2),
    messagesPerSecond: perSecond(p.messages, p.wallMs),
    cpuMsPerMessage: perMs(p.cpuSeconds ?? 0, p.messages),
  });
  return {
    devices: devices.length,
    concurrency: options.appleConcurrency,
    messages,
    messagesPerSecond: perSecond(messages, wallMs),
    p50Ms: round(percentile(sorted, 50), 2),
    p95Ms: round(percentile(sorted, 95), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    cpuMsPerMessage: perMs(cpuSeconds, messages),
    locked,
    errors: all.reduce((t, p) => t + p.errors, 0),
    errorSamples: all.flatMap((p) => p.errorSamples),
    phases: { firstInventory: byPhase(first), lock: byPhase(locks), idle: byPhase(idle) },
  };
}

/** A migrated empty database and `steward serve` trusting the bench as its TLS-terminating proxy; a Windows enrollment into a static group. */
async function prepareWindows(database, options, log, cleanups) {
  const opened = await openDatabase(database.url);
  try {
    await migrate(opened);
  } finally {
    await opened.close();
  }
  const header = 'x-client-cert';
  const server = await startServer(database, (port) => ['--public-url', `http://127.0.0.1:${port}`, '--client-cert-header', header]);
  cleanups.push(() => server.stop());
  log(`  steward serve (pid ${server.pid}) ready at ${server.base} in ${fmt(server.startupMs)} ms`);
  const token = await createToken(database);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const api = async (method, pathname, body, expected) => {
    const res = await httpRequest(agent, server.base, method, pathname, { token, body });
    if (res.status !== expected) throw new Error(`${method} ${pathname} answered HTTP ${res.status}: ${res.text.slice(0, 500)}`);
    return parseJson(res.text);
  };
  try {
    const group = await api('POST', '/api/v1/groups', { name: 'bench-windows', kind: 'static' }, 201);
    const enrollment = await api(
      'POST',
      '/api/v1/enrollments',
      {
        name: 'bench Windows fleet',
        platform: 'windows',
        ownership: 'corporate',
        groupId: group.id,
        maxUses: Math.min(1_000_000, options.appleDevices * 2 + 10),
      },
      201,
    );
    const enrollmentToken = enrollment.token ?? new URL(enrollment.url).pathname.split('/').pop();
    const fleetAgent = new http.Agent({ keepAlive: true, maxSockets: options.appleConcurrency + 8 });
    cleanups.push(() => fleetAgent.destroy());
    return {
      server,
      token,
      windows: { base: server.base, agent: fleetAgent, header, token: enrollmentToken, groupId: group.id, devices: [] },
      figures: { serverStartupMs: server.startupMs, fleet: options.appleDevices },
    };
  } finally {
    agent.destroy();
  }
}

/**
 * Compliance re-evaluation of the whole fleet, in this process against the server's database (the
 * server's own worker would do the same in its `compliance.evaluate-all` job). Five rules on the
 * group holding every device; the first pass writes every device's status (and history, and an
 * event for every changed state), the second finds nothing changed, then 1,000 devices change.
 */
async function complianceEval(run) {
  const ctx = await createContext(loadConfig({ dataDir: run.database.dataDir, databaseUrl: run.database.url, noTls: true, logLevel: 'silent' }), {
    migrate: false,
  });
  try {
    const none = { notify: false, email: [], lock: false, retire: false };
    const rules = [
      { name: 'Encrypted', type: 'encrypted', params: {} },
      { name: 'Passcode', type: 'passcode_set', params: {} },
      { name: 'Not jailbroken', type: 'not_compromised', params: {} },
      { name: 'iOS 17+', type: 'os_version_at_least', params: { version: '17', platforms: ['ios', 'ipados'] } },
      // The seeded fleet was seen within 30 days: no device crosses this line between two passes.
      { name: 'Seen in 60 days', type: 'checked_in_within_days', params: { days: 60 } },
    ];
    for (const r of rules) await ctx.compliance.repo.createRule({ ...r, enabled: true, graceSeconds: 86_400, actions: none }, [run.groupId]);
    // Wall time, and this process's CPU time: better-sqlite3 runs SQLite on this thread, so the CPU
    // figure is the pass's whole cost even when other work on the machine stretches the wall time.
    const timed = async (body) => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const result = await body();
      const used = process.cpuUsage(cpu);
      return { ms: round(performance.now() - started), cpuMs: round((used.user + used.system) / 1000), result };
    };
    const full = await timed(() => ctx.compliance.evaluateAll());
    const steady = await timed(() => ctx.compliance.evaluateAll());
    const ids = (await ctx.database.db.selectFrom('devices').select('id').orderBy('id').limit(1000).execute()).map((r) => r.id);
    for (const id of ids) await ctx.devices.applyInventory(id, { facts: { security: { encrypted: false, passcodePresent: true } } });
    // The server's worker takes up dirty marks too; evaluate these devices by id so the figure is ours.
    const incremental = await timed(() => ctx.compliance.evaluateDevices(ids));
    const summary = await ctx.compliance.repo.summary();
    return {
      rules: rules.length,
      fullMs: full.ms,
      fullCpuMs: full.cpuMs,
      fullEvaluated: full.result.evaluated,
      fullChanged: full.result.changed,
      devicesPerSecond: round((full.result.evaluated / full.ms) * 1000),
      steadyMs: steady.ms,
      steadyCpuMs: steady.cpuMs,
      steadyChanged: steady.result.changed,
      incrementalDevices: incremental.result.evaluated,
      incrementalMs: incremental.ms,
      summary,
    };
  } finally {
    await ctx.close();
  }
}

/**
 * N simulated agents (packages/agent's simulator, the real protocol code) enroll and long-poll; once
 * the server holds all N polls its RSS is read, then one command is enqueued for the whole fleet and
 * the time until each agent has it is measured on this process's clock (the simulator runs here).
 * The agents speak plain HTTP with their certificate in the trusted-proxy header (RFC 9440), as behind
 * a TLS-terminating proxy: TLS handshakes would measure OpenSSL, not Steward.
 */
async function agentFanout(run) {
  const n = run.devices;
  const group = parseJson(
    (await httpRequest(undefined, run.server.base, 'POST', '/api/v1/groups', { token: run.token, body: { name: 'bench agents', kind: 'static' } })).text,
  );
  const enrollment = parseJson(
    (
      await httpRequest(undefined, run.server.base, 'POST', '/api/v1/enrollments', {
        token: run.token,
        body: { name: 'bench agents', platform: 'agent', ownership: 'corporate', groupId: group.id, maxUses: n + 10 },
      })
    ).text,
  );
  const enrollToken = enrollment.url.split('/').at(-1);
  const received = new Map();
  let commandId;
  let enqueuedAt = 0;
  const enrollStarted = performance.now();
  const cpuBefore = cpuTicks(run.server.pid);
  // The fleet runs in worker threads (about N/4 agents each, at most 4), each the real simulator with
  // its own event loop: one thread working through 10,000 responses, results and new polls measured
  // itself, not the server. Receipt times are Date.now() in each thread: the one machine clock.
  const workerCount = Math.max(1, Math.min(AGENT_WORKERS, Math.ceil(n / 250)));
  const workers = [];
  for (let w = 0; w < workerCount; w++) {
    const firstIndex = Math.floor((n * w) / workerCount);
    const count = Math.floor((n * (w + 1)) / workerCount) - firstIndex;
    const worker = new Worker(new URL('./agent-fanout-worker.js', import.meta.url), {
      workerData: { server: run.server.base, token: enrollToken, count, firstIndex, concurrency: 4, waitSeconds: 60, proxyCertHeader: 'client-cert' },
    });
    const enrolled = new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (message) => {
        if (message.type === 'log') run.log(`  ${message.line}`);
        else if (message.type === 'enrolled') resolve(message);
        else if (message.type === 'received') {
          // The only command of the scenario; it may arrive before POST /api/v1/commands has answered.
          for (const [index, at] of message.received) if (!received.has(index)) received.set(index, at - enqueuedAt);
        }
      });
    });
    workers.push({ worker, enrolled });
  }
  const stopWorkers = async () => {
    const reports = await Promise.all(
      workers.map(
        ({ worker }) =>
          new Promise((resolve) => {
            const timer = setTimeout(() => resolve({ failures: 0, errors: ['worker did not answer stop'] }), 10_000);
            worker.on('message', (message) => {
              if (message.type === 'stopped') {
                clearTimeout(timer);
                resolve(message);
              }
            });
            worker.once('exit', () => resolve({ failures: 0, errors: [] }));
            worker.postMessage({ type: 'stop' });
          }),
      ),
    );
    for (const { worker } of workers) await worker.terminate();
    return reports;
  };
  try {
    await Promise.all(workers.map((w) => w.enrolled));
  } catch (error) {
    await stopWorkers();
    throw error;
  }
  const enrollMs = performance.now() - enrollStarted;
  const ticks = await ticksPerSecond();
  const enrollCpu = (cpuTicks(run.server.pid) - cpuBefore) / ticks;
  run.log(
    `  ${n.toLocaleString('en')} agents enrolled in ${fmt(enrollMs / 1000)} s by ${workerCount} worker threads (${fmt((enrollCpu * 1000) / n)} ms server CPU each)`,
  );
  let reports = [];
  try {
    // Every agent checks in, then opens its long poll: wait until the server holds them all (its open sockets).
    const sockets = () => {
      try {
        return fs.readdirSync(`/proc/${run.server.pid}/fd`).length;
      } catch {
        return 0;
      }
    };
    const deadline = Date.now() + Math.max(120_000, n * 20);
    let last = -1;
    let stableSince = Date.now();
    while (Date.now() < deadline) {
      const now = sockets();
      if (now !== last) stableSince = Date.now();
      last = now;
      if (now >= n && Date.now() - stableSince > 2000) break;
      await sleep(250);
    }
    await sleep(1000);
    const atHold = memoryMb(run.server.pid);
    const heapAtHold = await serverHeap(run);
    run.log(
      `  holding ${last.toLocaleString('en')} open descriptors: RSS ${fmt(atHold.rssMb)} MB (V8 heap used ${fmt(heapAtHold.heapUsedMb)} MB, external ${fmt(heapAtHold.externalMb)} MB)`,
    );
    // Right after the enrollment storm the heap still holds its garbage; V8 gives it back once the
    // server is quiet. What holding the polls costs is the RSS once it has settled (the polls stay
    // open meanwhile: they last 60 s, and the oldest are renewed as they expire).
    let memory = atHold;
    const settleSeconds = run.options.quick ? 1 : AGENT_SETTLE_SECONDS;
    for (let i = 0; i < settleSeconds; i++) {
      await sleep(1000);
      const now = memoryMb(run.server.pid);
      if (now.rssMb < memory.rssMb) memory = now;
    }
    const heap = await serverHeap(run);
    const holding = sockets();
    run.log(
      `  after ${settleSeconds} s holding ${holding.toLocaleString('en')} descriptors: RSS ${fmt(memory.rssMb)} MB (V8 heap used ${fmt(heap.heapUsedMb)} MB, external ${fmt(heap.externalMb)} MB)`,
    );

    // Polls opened in the last few seconds keep waiting; enqueue while all are open.
    const outputBefore = run.server.output().length;
    enqueuedAt = Date.now();
    const response = await httpRequest(undefined, run.server.base, 'POST', '/api/v1/commands', {
      token: run.token,
      body: { type: 'lock', params: {}, target: { groupId: group.id } },
    });
    const enqueueMs = Date.now() - enqueuedAt;
    const body = parseJson(response.text);
    commandId = body.command?.id;
    const waitUntil = Date.now() + 60_000;
    while (received.size < n && Date.now() < waitUntil) await sleep(50);
    const latencies = [...received.values()];
    const figures = stats(latencies);
    const acknowledged = async () =>
      parseJson((await httpRequest(undefined, run.server.base, 'GET', `/api/v1/commands/${commandId}?limit=1`, { token: run.token })).text)?.command?.counts ??
      {};
    await sleep(2000);
    // The server's own account of the fan-out (its log line per wake-up): enqueue → last answer written.
    const deliveries = run.server
      .output()
      .slice(Math.max(0, outputBefore - 2000))
      .split('\n')
      .map((line) => parseJson(line)?.agentDelivery)
      .filter((d) => d && d.writtenAt >= enqueuedAt);
    const serverSide = deliveries.length
      ? {
          wakeUps: deliveries.length,
          pollsAnswered: deliveries.reduce((t, d) => t + d.polls, 0),
          readMs: deliveries.reduce((t, d) => t + d.readMs, 0),
          firstWokenMs: Math.min(...deliveries.map((d) => d.wokenAt)) - enqueuedAt,
          lastHandedMs: Math.max(...deliveries.map((d) => d.handedAt ?? d.writtenAt)) - enqueuedAt,
          lastWrittenMs: Math.max(...deliveries.map((d) => d.writtenAt)) - enqueuedAt,
        }
      : null;
    if (serverSide)
      run.log(
        `  server: ${serverSide.pollsAnswered.toLocaleString('en')} polls answered in ${serverSide.wakeUps} wake-up(s), woken ${fmt(serverSide.firstWokenMs)} ms after the enqueue began, queue reads ${fmt(serverSide.readMs)} ms, last answer handed to its socket ${fmt(serverSide.lastHandedMs)} ms and written ${fmt(serverSide.lastWrittenMs)} ms after the enqueue began`,
      );
    const counts = await acknowledged();
    reports = await stopWorkers();
    return {
      agents: n,
      received: received.size,
      agentFailures: reports.reduce((total, r) => total + r.failures, 0),
      agentErrorSamples: [...new Set(reports.flatMap((r) => r.errors))].slice(0, 5),
      ...figures,
      serverLastWrittenMs: serverSide?.lastWrittenMs ?? null,
      serverReadMs: serverSide?.readMs ?? null,
      serverWokenMs: serverSide?.firstWokenMs ?? null,
      serverLastHandedMs: serverSide?.lastHandedMs ?? null,
      serverWakeUps: serverSide?.wakeUps ?? null,
      rssMb: memory.rssMb,
      rssAtHoldMb: atHold.rssMb,
      settleSeconds,
      heapUsedAtHoldMb: heapAtHold.heapUsedMb,
      descriptorsAfterSettling: holding,
      heapUsedMb: heap.heapUsedMb,
      externalMb: heap.externalMb,
      openDescriptors: last,
      enqueueMs,
      deviceCount: body.command?.deviceCount ?? null,
      counts,
      enrollSeconds: round(enrollMs / 1000, 1),
      enrollServerCpuMsPerAgent: round((enrollCpu * 1000) / n, 2),
      simulatorThreads: workerCount,
      transport: 'HTTP/1.1 keep-alive, certificate in the trusted-proxy header (RFC 9440)',
      note: 'latency = when the simulated agent read the command − just before POST /api/v1/commands (Date.now(), one machine clock across the simulator threads); serverLastWrittenMs = the server’s log of its last answer written, same clock',
    };
  } finally {
    if (reports.length === 0) await stopWorkers();
  }
}

/** The server's V8 heap from its Prometheus metrics (MB). */
async function serverHeap(run) {
  try {
    const text = (await httpRequest(undefined, run.server.base, 'GET', '/metrics')).text;
    const read = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    return {
      heapUsedMb: round(read('steward_nodejs_heap_size_used_bytes') / 1048576, 1),
      externalMb: round(read('steward_nodejs_external_memory_bytes') / 1048576, 1),
    };
  } catch {
    return { heapUsedMb: null, externalMb: null };
  }
}

/**
 * Enrollment storm: a second fleet of the same size enrolls all at once, every device running its
 * whole enrollment (profile, SCEP, Authenticate, TokenUpdate) as soon as a slot is free, with the
 * Apple concurrency in flight: enrollments/s, per-request latency, server CPU per enrollment.
 * Unlike apple-enroll (phase by phase, for the CPU split), the phases of different devices overlap here.
 */
async function enrollmentStorm(run) {
  const { options, apple } = run;
  const n = run.devices;
  const keyPairs = await Promise.all(Array.from({ length: options.appleKeyPairs }, () => generateScepKeyPair()));
  const devices = Array.from({ length: n }, (_, i) => new AppleDevice({ keyPair: keyPairs[i % keyPairs.length], fetch: apple.fetch }));
  const countsBefore = { ...apple.counts };
  const trafficBefore = { sent: apple.traffic.bytesSent, received: apple.traffic.bytesReceived };
  apple.traffic.latencies = [];
  const enrolled = [];
  const measured = await cpuOver(run.server, () =>
    pool(devices, options.appleConcurrency, async (d) => {
      await d.enroll(apple.profileUrl);
      enrolled.push(d);
    }),
  );
  const latencies = apple.traffic.latencies;
  const requests = latencies.length;
  const errors = measured.value.length + ((apple.counts.errors ?? 0) - (countsBefore.errors ?? 0));
  apple.stormDevices = enrolled;
  return {
    attempted: n,
    enrolled: enrolled.length,
    concurrency: options.appleConcurrency,
    enrollmentsPerSecond: perSecond(enrolled.length, measured.wallMs),
    wallSeconds: round(measured.wallMs / 1000, 2),
    requests,
    throughputRps: perSecond(requests, measured.wallMs),
    ...stats(latencies),
    cpuMsPerEnrollment: perMs(measured.cpuSeconds, enrolled.length),
    simulatorCpuSeconds: round(measured.simulatorCpuSeconds, 2),
    errors,
    errorSamples: measured.value.slice(0, 5),
    ceilingLoad: {
      method: 'PUT',
      requests,
      concurrency: options.appleConcurrency,
      requestBytes: Math.round((apple.traffic.bytesSent - trafficBefore.sent) / Math.max(1, requests)),
      responseBytes: Math.round((apple.traffic.bytesReceived - trafficBefore.received) / Math.max(1, requests)),
    },
    note: 'per-request latency over every request of the storm (profile download, SCEP, check-ins); key pairs shared round-robin as in apple-enroll',
  };
}

/**
 * Steady check-ins: the enrolled fleet checks in (Idle, nothing queued) at a steady rate, the whole
 * fleet once over `steadySeconds`: an open loop (requests are started on schedule, not when the
 * previous one answered), so latency is measured under a fixed load. Check-ins that would exceed
 * 4 × the Apple concurrency in flight are counted as `late` and started anyway when a slot frees.
 */
async function steadyCheckins(run) {
  const { options, apple } = run;
  const devices = apple.devices;
  // Check-ins with nothing queued: the first inventory each enrollment queued is drained first (apple-commands does it too).
  if (!apple.drained) {
    await pool(devices, options.appleConcurrency, (d) => d.wake());
    apple.drained = true;
  }
  const rate = devices.length / options.steadySeconds;
  const trafficBefore = { sent: apple.traffic.bytesSent, received: apple.traffic.bytesReceived };
  const countsBefore = { ...apple.counts };
  apple.traffic.latencies = [];
  const errors = [];
  let late = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  const maxInFlight = options.appleConcurrency * 4;
  const measured = await cpuOver(run.server, async () => {
    const started = performance.now();
    const running = [];
    for (let i = 0; i < devices.length; i++) {
      const due = started + (i / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      while (inFlight >= maxInFlight) {
        late++;
        await sleep(1);
      }
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      running.push(
        devices[i]
          .wake()
          .catch((error) => errors.push(error?.message ?? String(error)))
          .finally(() => {
            inFlight--;
          }),
      );
    }
    await Promise.all(running);
  });
  const latencies = apple.traffic.latencies;
  const requests = latencies.length;
  return {
    devices: devices.length,
    targetRatePerSecond: round(rate, 1),
    achievedRatePerSecond: perSecond(devices.length, measured.wallMs),
    seconds: options.steadySeconds,
    wallSeconds: round(measured.wallMs / 1000, 2),
    requests,
    throughputRps: perSecond(requests, measured.wallMs),
    ...stats(latencies),
    cpuMsPerCheckin: perMs(measured.cpuSeconds, requests),
    serverCpuUtilisation: measured.cpuSeconds === null ? null : round(measured.cpuSeconds / (measured.wallMs / 1000), 2),
    peakInFlight,
    late,
    errors: errors.length + ((apple.counts.errors ?? 0) - (countsBefore.errors ?? 0)),
    errorSamples: errors.slice(0, 5),
    ceilingLoad: {
      method: 'PUT',
      requests,
      concurrency: Math.max(1, peakInFlight),
      requestBytes: Math.round((apple.traffic.bytesSent - trafficBefore.sent) / Math.max(1, requests)),
      responseBytes: Math.round((apple.traffic.bytesReceived - trafficBefore.received) / Math.max(1, requests)),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The bare Node HTTP ceiling

/** Starts bench/ceiling-server.js (a plain node:http server) in its own process. */
async function startCeilingServer() {
  const child = spawn(process.execPath, [path.join(ROOT, 'bench/ceiling-server.js'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('exit', (code) => reject(new Error(`the ceiling server exited (${code})`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.once('exit', () => child.kill('SIGKILL'));
  return {
    pid: child.pid,
    base: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Drives the bare server with a scenario's load (`figures.ceilingLoad`: method, requests,
 * concurrency, request and response sizes), through node:http with keep-alive like the scenarios,
 * and reports the same figures. A scenario that sets `ceilingLoad` gets its ceiling measured.
 */
async function measureCeiling(load) {
  const server = await startCeilingServer();
  const agent = new http.Agent({ keepAlive: true, maxSockets: load.concurrency });
  const payload = load.requestBytes > 0 ? Buffer.alloc(load.requestBytes, 'x') : undefined;
  const latencies = [];
  const errors = [];
  const send = () =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const headers = { 'x-bench-response-bytes': String(load.responseBytes ?? 0) };
      if (payload) headers['content-length'] = String(payload.length);
      const req = http.request(new URL('/ceiling', server.base), { method: load.method, agent, headers }, (res) => {
        res.on('data', () => {});
        res.on('error', reject);
        res.on('end', () => {
          latencies.push(performance.now() - started);
          resolve();
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  try {
    // Warm-up, as the scenarios had theirs.
    await pool(
      Array.from({ length: Math.min(200, load.requests) }, (_, i) => i),
      load.concurrency,
      () => send(),
    );
    latencies.length = 0;
    const items = Array.from({ length: load.requests }, (_, i) => i);
    const measured = await cpuOver(server, () => pool(items, load.concurrency, () => send()));
    errors.push(...measured.value);
    return {
      ...load,
      throughputRps: perSecond(latencies.length, measured.wallMs),
      ...stats(latencies),
      errors: errors.length,
      serverCpuSeconds: round(measured.cpuSeconds, 3),
      cpuMsPerRequest: perMs(measured.cpuSeconds, latencies.length),
    };
  } finally {
    agent.destroy();
    await server.stop();
  }
}

const RUNNERS = {
  'compliance-eval': complianceEval,
  'agent-fanout': agentFanout,
  'idle-memory': idleMemory,
  'device-list': deviceList,
  'device-search': deviceSearch,
  'enqueue-fanout': enqueueFanout,
  console: (run) => consoleScenario(run, { httpRequest, agent: new http.Agent({ keepAlive: true, maxSockets: 1 }) }),
  'apple-enroll': appleEnroll,
  'apple-memory': appleMemory,
  'apple-commands': appleCommands,
  'windows-enroll': windowsEnroll,
  'windows-sessions': windowsSessions,
  'android-sync': androidSync,
  'enrollment-storm': enrollmentStorm,
  'steady-checkins': steadyCheckins,
};

/**
 * Pub/Sub STATUS_REPORT pushes for an enrolled Android fleet (devices enrolled through the AMAPI
 * stand-in), sent to the push endpoint as Google would, several at once: reports per second,
 * latency, and server CPU per report. Each round moves the devices' lastStatusReportTime on; a
 * device's reports that overtake each other in flight leave the older one dropped as stale.
 */
async function androidSync(run) {
  const { android, options } = run;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.androidConcurrency + 4 });
  const endpoint = new URL(android.pushEndpoint);
  const path = `${endpoint.pathname}${endpoint.search}`;
  const reports = [];
  let tick = Date.now() + 60_000;
  for (let round = 0; round < options.androidRounds; round++)
    for (const device of android.devices) {
      tick += 1;
      reports.push(android.standIn.envelope('STATUS_REPORT', { ...device.resource, lastStatusReportTime: new Date(tick).toISOString() }));
    }
  const latencies = [];
  const outcomes = {};
  const {
    wallMs,
    cpuSeconds,
    simulatorCpuSeconds,
    value: errors,
  } = await cpuOver(run.server, () =>
    pool(reports, options.androidConcurrency, async (envelope) => {
      const started = performance.now();
      const res = await new Promise((resolve, reject) => {
        const body = Buffer.from(JSON.stringify(envelope));
        const req = http.request(
          `${endpoint.origin}${path}`,
          { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
          (r) => {
            r.resume();
            r.on('end', () => resolve({ status: r.statusCode, outcome: r.headers['x-steward-outcome'] }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      latencies.push(performance.now() - started);
      const key = `${res.status} ${res.outcome ?? ''}`.trim();
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (res.status !== 204) throw new Error(`push answered ${res.status}`);
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0, 1);
  return {
    devices: android.devices.length,
    reports: reports.length,
    concurrency: options.androidConcurrency,
    reportsPerSecond: perSecond(reports.length, wallMs),
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    cpuMsPerReport: perMs(cpuSeconds, reports.length),
    simulatorCpuSeconds: round(simulatorCpuSeconds, 2),
    outcomes,
    errors: errors.length,
  };
}

/** Problems that make a scenario's figures wrong (as opposed to merely slow). */
function problemsOf(scenario, figures, devices) {
  const problems = [];
  if (scenario === 'enqueue-fanout') {
    for (const count of figures.deviceCounts) if (count !== devices) problems.push(`an enqueue reached ${count} devices, expected ${devices}`);
  }
  if (scenario === 'device-list' || scenario === 'device-search') {
    if (figures.errors > 0) problems.push(`${figures.errors} ${scenario} requests failed, e.g. ${figures.errorSamples[0]}`);
    const firstPage = figures.queries.find((q) => q.query === 'limit=50');
    if (firstPage && firstPage.total !== devices) problems.push(`the unfiltered device list counted ${firstPage.total} devices, expected ${devices}`);
  }
  if (scenario === 'apple-enroll') {
    if (figures.errors > 0) problems.push(`${figures.errors} enrollments failed, e.g. ${figures.errorSamples[0]}`);
    if (figures.enrolled !== devices) problems.push(`${figures.enrolled} devices enrolled, expected ${devices}`);
  }
  if (scenario === 'apple-memory' && !(figures.rssRatio > 0)) problems.push('could not read the server RSS from /proc');
  if (scenario === 'apple-commands') {
    if (figures.errors > 0) problems.push(`${figures.errors} MDM requests failed, e.g. ${figures.errorSamples[0]}`);
    if (figures.roundTrips !== figures.devices) problems.push(`${figures.roundTrips} devices carried out the lock, expected ${figures.devices}`);
    if (figures.enqueue.deviceCount !== figures.devices) problems.push(`the lock reached ${figures.enqueue.deviceCount} devices, expected ${figures.devices}`);
  }
  if (scenario === 'windows-enroll') {
    if (figures.errors > 0) problems.push(`${figures.errors} enrollments failed, e.g. ${figures.errorSamples[0]}`);
    if (figures.enrolled !== devices) problems.push(`${figures.enrolled} PCs enrolled, expected ${devices}`);
  }
  if (scenario === 'windows-sessions') {
    if (figures.errors > 0) problems.push(`${figures.errors} sessions failed, e.g. ${figures.errorSamples[0]}`);
    if (figures.locked !== figures.devices) problems.push(`${figures.locked} PCs carried out the lock, expected ${figures.devices}`);
  }
  if (scenario === 'idle-memory' && !(figures.rssMb > 0)) problems.push('could not read the server RSS from /proc');
  if (scenario === 'compliance-eval') {
    if (figures.fullEvaluated !== devices) problems.push(`the full pass evaluated ${figures.fullEvaluated} devices, expected ${devices}`);
    if (figures.steadyChanged !== 0) problems.push(`a second pass changed ${figures.steadyChanged} devices, expected none`);
    if (figures.incrementalDevices !== 1000 && devices >= 1000)
      problems.push(`the incremental pass evaluated ${figures.incrementalDevices} devices, expected 1,000`);
  }
  if (scenario === 'agent-fanout') {
    if (figures.received !== devices) problems.push(`${figures.received} of ${devices} agents received the command`);
    if (figures.deviceCount !== devices) problems.push(`the command reached ${figures.deviceCount} devices, expected ${devices}`);
  }
  if (scenario === 'enrollment-storm') {
    if (figures.errors > 0) problems.push(`${figures.errors} storm requests failed, e.g. ${figures.errorSamples[0]}`);
    if (figures.enrolled !== figures.attempted) problems.push(`${figures.enrolled} devices enrolled in the storm, expected ${figures.attempted}`);
  }
  if (scenario === 'steady-checkins' && figures.errors > 0) problems.push(`${figures.errors} check-ins failed, e.g. ${figures.errorSamples[0]}`);
  if (figures.ceiling?.errors > 0) problems.push(`${figures.ceiling.errors} requests to the bare ceiling server failed`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Results

function describe(scenario, figures) {
  switch (scenario) {
    case 'enqueue-fanout':
      return `median ${fmt(figures.medianMs)} ms (min ${fmt(figures.minMs)}, max ${fmt(figures.maxMs)}) × ${figures.repeats}, ${figures.deviceCount?.toLocaleString('en')} deliveries each`;
    case 'device-list':
    case 'device-search':
      return `p95 ${fmt(figures.p95Ms)} ms (p50 ${fmt(figures.p50Ms)}, p99 ${fmt(figures.p99Ms)}), ${fmt(figures.throughputRps)} req/s at concurrency ${figures.concurrency}, ${figures.errors} errors`;
    case 'console':
      return figures.firstRowsWarmMs === undefined
        ? `initial JS ${fmt(figures.initialJsGzipKb)} KB gzipped; dashboard p50 ${fmt(figures.dashboardP50Ms)} ms; browser ${figures.browser}`
        : `devices page first rows ${fmt(figures.firstRowsWarmMs)} ms warm (${fmt(figures.firstRowsColdMs)} ms cold); filter p95 ${fmt(figures.filterP95Ms)} ms (p50 ${fmt(figures.filterP50Ms)}; API request p50 ${fmt(figures.filterApiP50Ms)} ms); initial JS ${fmt(figures.initialJsGzipKb)} KB gzipped; dashboard p50 ${fmt(figures.dashboardP50Ms)} ms`;
    case 'idle-memory':
      return `RSS ${fmt(figures.rssMb)} MB (peak ${fmt(figures.peakRssMb)} MB) after ${figures.settleMs / 1000} s idle`;
    case 'apple-enroll':
      return `SCEP ${fmt(figures.scepCpuMsPerEnrollment)} ms server CPU per enrollment; whole enrollment ${fmt(figures.cpuMsPerEnrollment)} ms (profile ${fmt(figures.profileCpuMsPerEnrollment)}, Authenticate + TokenUpdate ${fmt(figures.registerCpuMsPerEnrollment)}); ${fmt(figures.enrollmentsPerSecond)} enrollments/s, ${figures.errors} errors`;
    case 'apple-memory':
      return `RSS ${fmt(figures.rssAtCheckpointMb)} MB at ${figures.checkpointDevices?.toLocaleString('en')} devices, ${fmt(figures.rssAtFleetMb)} MB at ${figures.fleetDevices?.toLocaleString('en')}: ×${figures.rssRatio}`;
    case 'android-sync':
      return `${fmt(figures.reportsPerSecond)} status reports/s (p50 ${fmt(figures.p50Ms)} ms, p95 ${fmt(figures.p95Ms)} ms); ${fmt(figures.cpuMsPerReport)} ms server CPU per report; ${figures.errors} errors`;
    case 'agent-fanout':
      return `${figures.received?.toLocaleString('en')} of ${figures.agents?.toLocaleString('en')} agents had the command: p95 ${fmt(figures.p95Ms)} ms (p50 ${fmt(figures.p50Ms)}, p99 ${fmt(figures.p99Ms)}, max ${fmt(figures.maxMs)}); server RSS ${fmt(figures.rssMb)} MB holding the polls`;
    case 'enrollment-storm':
      return `${fmt(figures.enrollmentsPerSecond)} enrollments/s (${figures.enrolled?.toLocaleString('en')} at concurrency ${figures.concurrency}); ${fmt(figures.cpuMsPerEnrollment)} ms server CPU per enrollment; request p95 ${fmt(figures.p95Ms)} ms; ${figures.errors} errors`;
    case 'steady-checkins':
      return `${fmt(figures.achievedRatePerSecond)} check-ins/s (target ${fmt(figures.targetRatePerSecond)}); p95 ${fmt(figures.p95Ms)} ms (p50 ${fmt(figures.p50Ms)}, p99 ${fmt(figures.p99Ms)}); ${fmt(figures.cpuMsPerCheckin)} ms server CPU per request; ${figures.errors} errors`;
    case 'apple-commands':
      return `${fmt(figures.roundTripsPerSecond)} round trips/s; ${fmt(figures.cpuMsPerRequest)} ms server CPU per MDM request (${fmt(figures.requestsPerServerCpuSecond)} req per CPU-s); Idle only ${fmt(figures.idle.cpuMsPerRequest)} ms; ${figures.errors} errors`;
    case 'windows-enroll':
      return `${fmt(figures.enrollmentsPerSecond)} enrollments/s; ${fmt(figures.cpuMsPerEnrollment)} ms server CPU per enrollment; ${figures.errors} errors`;
    case 'windows-sessions':
      return `${fmt(figures.messagesPerSecond)} SyncML messages/s (p50 ${fmt(figures.p50Ms)} ms, p95 ${fmt(figures.p95Ms)}, p99 ${fmt(figures.p99Ms)}); ${fmt(figures.cpuMsPerMessage)} ms server CPU per message; ${figures.errors} errors`;
    case 'compliance-eval':
      return `full pass ${fmt(figures.fullMs)} ms (${fmt(figures.fullCpuMs)} ms CPU) for ${figures.fullEvaluated?.toLocaleString('en')} devices × ${figures.rules} rules (${fmt(figures.devicesPerSecond)}/s, ${figures.fullChanged?.toLocaleString('en')} statuses written); unchanged pass ${fmt(figures.steadyMs)} ms; ${figures.incrementalDevices} changed devices ${fmt(figures.incrementalMs)} ms`;
    case 'reconcile-full':
      return `${figures.deliveries?.toLocaleString('en')} deliveries to ${figures.devices?.toLocaleString('en')} devices in ${fmt(figures.elapsedMs / 1000)} s (${fmt(figures.devicesPerSecond)} devices/s, ${figures.commands} commands); second pass ${figures.secondPassCommands} commands in ${fmt(figures.secondPassMs / 1000)} s`;
    case 'reconcile-incremental':
      return `${figures.deliveries?.toLocaleString('en')} deliveries (group of ${figures.groupDevices?.toLocaleString('en')}, its Apple devices) in ${fmt(figures.elapsedMs)} ms`;
    default:
      return '';
  }
}

const describeCeiling = (c) =>
  `${fmt(c.throughputRps)} req/s, p50 ${fmt(c.p50Ms)} / p95 ${fmt(c.p95Ms)} / p99 ${fmt(c.p99Ms)} ms, ${fmt(c.cpuMsPerRequest)} ms CPU per request (${c.method}, ${c.requestBytes} B in, ${c.responseBytes} B out, concurrency ${c.concurrency})`;

const targetText = (targets) => (targets ? targets.map((t) => `${t.metric} ${t.op} ${t.value} ${t.unit}`).join('; ') : 'none (informational)');

const meets = (value, target) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  switch (target.op) {
    case '<':
      return value < target.value;
    case '<=':
      return value <= target.value;
    case '>':
      return value > target.value;
    default:
      return value >= target.value;
  }
};

function writeResult(resultsDir, record) {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${record.scenario}-${record.dialect}.json`);
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

const SUMMARY_HEADER = [
  '# Benchmark results',
  '',
  'Written by `npm run bench` (bench/run.js) from the JSON files beside this one (one per scenario and database), rebuilt by each run.',
  '*Throughput*, *p50/p95/p99* and *Errors* are the HTTP figures of the scenario where it has them; *Ceiling* is a bare `node:http`',
  'server answering the same payload sizes under the same load generator and concurrency, measured in the same run: the gap is what',
  'Steward’s layers (routing, auth, validation, the protocol, the database) cost.',
  '',
  '| Scenario | Database | Devices | Result | Throughput | p50 / p95 / p99 | Errors | Ceiling (bare node:http) | Target | Pass | Server CPU | Peak RSS | Measured | Machine |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];

const ms3 = (f) => (f && typeof f.p50Ms === 'number' ? `${fmt(f.p50Ms)} / ${fmt(f.p95Ms)} / ${fmt(f.p99Ms)} ms` : '—');

/** Rebuilds SUMMARY.md from every result JSON in the directory (this run's and earlier ones, other scenarios' included). */
function writeSummary(resultsDir, records) {
  const file = path.join(resultsDir, 'SUMMARY.md');
  // A "## Notes" section under the table (what the figures mean, the machine's load) is kept as written.
  let notes = [];
  if (fs.existsSync(file)) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const notesAt = lines.findIndex((line) => line.startsWith('## Notes'));
    if (notesAt >= 0) notes = ['', ...lines.slice(notesAt).join('\n').trimEnd().split('\n')];
  }
  const all = new Map();
  for (const name of fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir) : []) {
    if (!name.endsWith('.json')) continue;
    try {
      const record = JSON.parse(fs.readFileSync(path.join(resultsDir, name), 'utf8'));
      if (record?.scenario && record.dialect) all.set(`${record.scenario}|${record.dialect}`, record);
    } catch {
      // not a result file
    }
  }
  for (const r of records) all.set(`${r.scenario}|${r.dialect}`, r);
  const row = (r) => {
    const f = r.figures ?? {};
    const throughput = typeof f.throughputRps === 'number' ? `${fmt(f.throughputRps)} req/s` : '—';
    const cells = [
      r.scenario,
      r.dialect,
      r.devices.toLocaleString('en'),
      describe(r.scenario, f),
      throughput,
      ms3(f),
      typeof f.errors === 'number' ? f.errors : '—',
      f.ceiling ? `${fmt(f.ceiling.throughputRps)} req/s; ${ms3(f.ceiling)}` : '—',
      targetText(r.targets),
      r.pass === null ? '—' : r.pass ? 'yes' : '**no**',
      r.server?.cpuSeconds === null || r.server?.cpuSeconds === undefined ? 'n/a' : `${fmt(r.server.cpuSeconds)} s`,
      r.server?.peakRssMb === null || r.server?.peakRssMb === undefined ? 'n/a' : `${fmt(r.server.peakRssMb)} MB`,
      String(r.timestamp ?? '')
        .slice(0, 16)
        .replace('T', ' '),
      r.machine ? `${r.machine.cpuCount} × ${r.machine.cpuModel}, Node ${r.machine.node}, load ${fmt(r.loadAverage?.before)}` : '',
    ];
    return `| ${cells.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`;
  };
  const order = (key) => {
    const [scenario, dialect] = key.split('|');
    const index = SCENARIOS.indexOf(scenario);
    return `${String(index === -1 ? 99 : index).padStart(2, '0')}|${scenario}|${dialect}`;
  };
  const body = [...all.keys()].sort((a, b) => order(a).localeCompare(order(b))).map((k) => row(all.get(k)));
  fs.writeFileSync(file, `${[...SUMMARY_HEADER, ...body, ...notes].join('\n')}\n`);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value, digits = 1) => (value === null || value === undefined || Number.isNaN(value) ? null : Number(value.toFixed(digits)));
const fmt = (value) => (value === null || value === undefined ? 'n/a' : value.toLocaleString('en', { maximumFractionDigits: 1 }));

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((s, v) => s + v, 0) / sorted.length : null;
  return {
    count: sorted.length,
    minMs: round(sorted[0] ?? null, 2),
    p50Ms: round(percentile(sorted, 50), 2),
    p95Ms: round(percentile(sorted, 95), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    maxMs: round(sorted.at(-1) ?? null, 2),
    meanMs: round(mean, 2),
  };
}

function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown',
    cpuCount: cpus.length,
    memoryGb: round(os.totalmem() / 1024 ** 3),
  };
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.summaryOnly) {
    process.stdout.write(`${writeSummary(options.resultsDir, [])}\n`);
    return;
  }
  // A closed pipe on stdout (`| head`) must not skip the clean-up below.
  process.stdout.on('error', () => {});
  const log = (line) => process.stdout.write(`${line}\n`);
  const cleanups = [];
  let cleaning;
  const cleanup = () => {
    cleaning ??= (async () => {
      for (const step of cleanups.reverse()) {
        try {
          await step();
        } catch (error) {
          process.stderr.write(`bench: cleanup failed: ${error.message}\n`);
        }
      }
    })();
    return cleaning;
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      process.stderr.write(`bench: ${signal}, stopping\n`);
      cleanup().finally(() => process.exit(130));
    });
  }

  const records = [];
  const problems = [];
  const context = { quick: options.quick, machine: machine() };

  /** Runs `scenarios` against a prepared server and writes their results. */
  const runScenarios = async (scenarios, run, setup, dialect) => {
    for (const scenario of scenarios) {
      log(`\n▶ ${scenario}`);
      // Other work on the machine skews every figure; the load average says how much there was.
      const loadBefore = round(os.loadavg()[0], 2);
      // Idle memory keeps the peak since start-up (migrations, CA); the others report their own peak.
      const { figures, server: serverFigures } = await measured(run.server, () => RUNNERS[scenario](run), { fromStart: scenario === 'idle-memory' });
      if (!run.server.alive) throw new Error(`steward serve died during ${scenario}:\n${run.server.output()}`);
      // The bare node:http ceiling under the same load, for every scenario that describes its HTTP load.
      if (figures.ceilingLoad?.requests > 0) {
        figures.ceiling = await measureCeiling(figures.ceilingLoad);
        log(`  ceiling (bare node:http, same load): ${describeCeiling(figures.ceiling)}`);
      }
      const scenarioProblems = problemsOf(scenario, figures, run.devices);
      problems.push(...scenarioProblems.map((p) => `${scenario}: ${p}`));
      const targets = TARGETS[scenario]?.map((t) => ({ ...t, measured: figures[t.metric] ?? null, pass: meets(figures[t.metric], t) })) ?? null;
      const record = {
        scenario,
        dialect,
        devices: run.devices,
        quick: options.quick,
        timestamp: new Date().toISOString(),
        node: process.version,
        cpu: context.machine.cpuModel,
        machine: context.machine,
        database: context.database,
        setup,
        figures,
        server: serverFigures,
        loadAverage: { before: loadBefore, after: round(os.loadavg()[0], 2), cpus: context.machine.cpuCount },
        target: targets?.[0] ?? null,
        targets,
        pass: targets ? targets.every((t) => t.pass) && scenarioProblems.length === 0 : null,
        problems: scenarioProblems,
      };
      records.push(record);
      writeResult(options.resultsDir, record);
      log(`  ${describe(scenario, figures)}`);
      log(
        `  target ${targetText(targets)}: ${record.pass === null ? 'informational' : record.pass ? 'PASS' : 'MISS'}; server CPU ${fmt(serverFigures.cpuSeconds)} s, peak RSS ${fmt(serverFigures.peakRssMb)} MB`,
      );
      if (scenario === 'device-list' || scenario === 'device-search') {
        for (const q of figures.queries) log(`    ${q.query.padEnd(82)} total ${String(q.total).padStart(7)}  p50 ${fmt(q.p50Ms)} ms  p95 ${fmt(q.p95Ms)} ms`);
      }
    }
  };
  const verdict = (r) => (r.pass === null ? 'INFO' : r.pass ? 'PASS' : 'MISS');

  try {
    const foundation = options.scenarios.filter((s) => FOUNDATION_SCENARIOS.includes(s));
    if (foundation.length) {
      const database = await prepareDatabase(options.databaseUrl);
      cleanups.push(() => database.drop());
      log(`Steward bench: ${foundation.join(', ')} on ${database.dialect}, ${options.devices.toLocaleString('en')} devices${options.quick ? ' (quick)' : ''}`);
      const seedStarted = performance.now();
      const { groupId } = await seed(database.url, options.devices, options.devices >= 20_000 ? log : () => {});
      const seedMs = round(performance.now() - seedStarted);
      log(`  seeded in ${fmt(seedMs / 1000)} s`);

      const server = await startServer(database);
      cleanups.push(() => server.stop());
      log(`  steward serve (pid ${server.pid}) ready at ${server.base} in ${fmt(server.startupMs)} ms`);
      const token = await createToken(database);
      context.database = { dialect: database.dialect, version: database.dialect === 'postgres' ? await postgresVersion(database.url) : null };
      const first = records.length;
      await runScenarios(
        foundation,
        { options, server, token, groupId, database, devices: options.devices, log },
        { seedMs, serverStartupMs: server.startupMs },
        database.dialect,
      );
      await server.stop();
      log(`\nSummary (${database.dialect}, ${options.devices.toLocaleString('en')} devices):`);
      for (const r of records.slice(first))
        log(`  ${verdict(r)}  ${r.scenario.padEnd(15)} ${describe(r.scenario, r.figures)}  [target ${targetText(r.targets)}]`);
    }

    if (options.scenarios.some((s) => APPLE_SCENARIOS.includes(s))) {
      // Enrollment is what the other Apple scenarios stand on: it always runs, and its memory readings are apple-memory.
      const apple = ['apple-enroll', 'apple-memory', ...APPLE_SCENARIOS.slice(2).filter((s) => options.scenarios.includes(s))];
      const n = options.appleDevices;
      const database = await prepareDatabase(options.databaseUrl);
      cleanups.push(() => database.drop());
      log(`\nSteward bench: ${apple.join(', ')} on ${database.dialect}, ${n.toLocaleString('en')} simulated Apple devices${options.quick ? ' (quick)' : ''}`);
      const setup = await prepareApple(database, options, log, cleanups);
      context.database = { dialect: database.dialect, version: database.dialect === 'postgres' ? await postgresVersion(database.url) : null };
      const first = records.length;
      await runScenarios(apple, { options, server: setup.server, token: setup.token, apple: setup.apple, devices: n, log }, setup.figures, database.dialect);
      await setup.server.stop();
      log(`\nSummary (${database.dialect}, ${n.toLocaleString('en')} devices):`);
      for (const r of records.slice(first))
        log(`  ${verdict(r)}  ${r.scenario.padEnd(15)} ${describe(r.scenario, r.figures)}  [target ${targetText(r.targets)}]`);
    }

    if (options.scenarios.some((s) => WINDOWS_SCENARIOS.includes(s))) {
      // Sessions need an enrolled fleet: enrollment always runs first.
      const windowsScenarios = ['windows-enroll', ...(options.scenarios.includes('windows-sessions') ? ['windows-sessions'] : [])];
      const n = options.appleDevices;
      const database = await prepareDatabase(options.databaseUrl);
      cleanups.push(() => database.drop());
      log(
        `\nSteward bench: ${windowsScenarios.join(', ')} on ${database.dialect}, ${n.toLocaleString('en')} simulated Windows PCs${options.quick ? ' (quick)' : ''}`,
      );
      const setup = await prepareWindows(database, options, log, cleanups);
      context.database = { dialect: database.dialect, version: database.dialect === 'postgres' ? await postgresVersion(database.url) : null };
      const first = records.length;
      await runScenarios(
        windowsScenarios,
        { options, server: setup.server, token: setup.token, windows: setup.windows, devices: n, log },
        setup.figures,
        database.dialect,
      );
      await setup.server.stop();
      log(`\nSummary (${database.dialect}, ${n.toLocaleString('en')} PCs):`);
      for (const r of records.slice(first))
        log(`  ${verdict(r)}  ${r.scenario.padEnd(16)} ${describe(r.scenario, r.figures)}  [target ${targetText(r.targets)}]`);
    }

    if (options.scenarios.some((s) => ANDROID_SCENARIOS.includes(s))) {
      const database = await prepareDatabase(options.databaseUrl);
      cleanups.push(() => database.drop());
      const n = options.androidDevices;
      log(
        `\nSteward bench: android-sync on ${database.dialect}, ${n.toLocaleString('en')} devices enrolled through the AMAPI stand-in${options.quick ? ' (quick)' : ''}`,
      );
      const setup = await prepareAndroid(database, options, log, cleanups);
      context.database = { dialect: database.dialect, version: database.dialect === 'postgres' ? await postgresVersion(database.url) : null };
      const first = records.length;
      await runScenarios(
        ['android-sync'],
        { options, server: setup.server, token: setup.token, android: setup.android, devices: n, log },
        setup.figures,
        database.dialect,
      );
      await setup.server.stop();
      log(`\nSummary (${database.dialect}, ${n.toLocaleString('en')} devices):`);
      for (const r of records.slice(first))
        log(`  ${verdict(r)}  ${r.scenario.padEnd(15)} ${describe(r.scenario, r.figures)}  [target ${targetText(r.targets)}]`);
    }

    if (options.scenarios.includes('agent-fanout')) {
      const n = options.agents;
      const database = await prepareDatabase(options.databaseUrl);
      cleanups.push(() => database.drop());
      log(`\nSteward bench: agent-fanout on ${database.dialect}, ${n.toLocaleString('en')} simulated agents${options.quick ? ' (quick)' : ''}`);
      // Each open long poll is a descriptor in the server and one in this process.
      if (n > 1000) log(`  (needs ~${(n + 200).toLocaleString('en')} open files per process: ulimit -n is ${await fdLimit()})`);
      // At debug the server logs each wake-up's delivery (its own clock of the fan-out), which the scenario reads.
      const server = await startServer(database, () => ['--client-cert-header', 'client-cert', '--log-level', 'debug']);
      cleanups.push(() => server.stop());
      const token = await createToken(database);
      context.database = { dialect: database.dialect, version: database.dialect === 'postgres' ? await postgresVersion(database.url) : null };
      const first = records.length;
      await runScenarios(['agent-fanout'], { options, server, token, devices: n, log }, { serverStartupMs: server.startupMs }, database.dialect);
      await server.stop();
      for (const r of records.slice(first))
        log(`  ${verdict(r)}  ${r.scenario.padEnd(15)} ${describe(r.scenario, r.figures)}  [target ${targetText(r.targets)}]`);
    }

    if (options.scenarios.some((s) => RECONCILE_SCENARIOS.includes(s))) {
      const database = await prepareDatabase(options.databaseUrl);
      cleanups.push(() => database.drop());
      log(`\nSteward bench: reconciler on ${database.dialect}, ${options.devices.toLocaleString('en')} devices, in process`);
      const loadBefore = round(os.loadavg()[0], 2);
      const results = await reconcileScenarios({ url: database.url, dataDir: database.dataDir, devices: options.devices, log });
      const database_ = { dialect: database.dialect, version: database.dialect === 'postgres' ? await postgresVersion(database.url) : null };
      for (const scenario of RECONCILE_SCENARIOS.filter((s) => options.scenarios.includes(s))) {
        const figures = results[scenario];
        const scenarioProblems = [];
        if (figures.failedDevices > 0) scenarioProblems.push(`${figures.failedDevices} devices failed`);
        if (scenario === 'reconcile-full' && figures.secondPassCommands !== 0)
          scenarioProblems.push(`the second pass enqueued ${figures.secondPassCommands} commands`);
        if (scenario === 'reconcile-incremental' && figures.deliveries !== figures.expectedDeliveries)
          scenarioProblems.push(`${figures.deliveries} deliveries where the group's ${figures.expectedDeliveries} Apple devices needed one each`);
        problems.push(...scenarioProblems.map((p) => `${scenario}: ${p}`));
        const targets = TARGETS[scenario].map((t) => ({ ...t, measured: figures[t.metric] ?? null, pass: meets(figures[t.metric], t) }));
        const record = {
          scenario,
          dialect: database.dialect,
          devices: options.devices,
          quick: options.quick,
          timestamp: new Date().toISOString(),
          node: process.version,
          cpu: context.machine.cpuModel,
          machine: context.machine,
          database: database_,
          setup: results.setup,
          figures,
          server: { cpuSeconds: round(figures.cpuMs / 1000), peakRssMb: null, note: 'in process: the reconciler as a worker runs it' },
          loadAverage: { before: loadBefore, after: round(os.loadavg()[0], 2), cpus: context.machine.cpuCount },
          target: targets[0],
          targets,
          pass: targets.every((t) => t.pass) && scenarioProblems.length === 0,
          problems: scenarioProblems,
        };
        records.push(record);
        writeResult(options.resultsDir, record);
        log(`  ${verdict(record)}  ${scenario.padEnd(22)} ${describe(scenario, figures)}  [target ${targetText(targets)}]`);
      }
    }

    const summary = writeSummary(options.resultsDir, records);
    log(`Results in ${options.resultsDir} (${path.basename(summary)} and one JSON per scenario).`);
    if (problems.length) {
      for (const p of problems) process.stderr.write(`bench: ${p}\n`);
      process.exitCode = 1;
    }
  } finally {
    await cleanup();
  }
}

/**
 * The Apple set-up: a migrated empty database, a fake Apple (CA, push certificate, APNs TLS) and the
 * APNs stand-in in this process, `steward serve` pointed at it, the push certificate uploaded, and
 * an enrollment link (into a static group) good for the whole fleet.
 */
async function prepareApple(database, options, log, cleanups) {
  const opened = await openDatabase(database.url);
  try {
    await migrate(opened);
  } finally {
    await opened.close();
  }
  const fake = await fakeApple();
  const apns = await startApnsStandIn({ tls: { cert: fake.tls.cert, key: fake.tls.key, ca: fake.caPem }, recordDeliveries: false });
  cleanups.push(() => apns.close());
  const caFile = path.join(database.dataDir, 'apns-ca.pem');
  fs.writeFileSync(caFile, fake.caPem);
  const server = await startServer(database, (port) => ['--public-url', `http://127.0.0.1:${port}`, '--apns-url', apns.url, '--apns-ca-file', caFile]);
  cleanups.push(() => server.stop());
  log(`  steward serve (pid ${server.pid}) ready at ${server.base} in ${fmt(server.startupMs)} ms; APNs stand-in at ${apns.url}`);
  const token = await createToken(database);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const api = async (method, pathname, body, expected) => {
    const res = await httpRequest(agent, server.base, method, pathname, { token, body });
    if (res.status !== expected) throw new Error(`${method} ${pathname} answered HTTP ${res.status}: ${res.text.slice(0, 500)}`);
    return parseJson(res.text);
  };
  try {
    await api('POST', '/api/v1/apple/push-certificates', { certificatePem: fake.push.certificatePem, privateKeyPem: fake.push.privateKeyPem }, 201);
    const group = await api('POST', '/api/v1/groups', { name: 'bench-apple', kind: 'static' }, 201);
    const enrollment = await api(
      'POST',
      '/api/v1/enrollments',
      { name: 'bench Apple fleet', platform: 'apple', ownership: 'corporate', groupId: group.id, maxUses: Math.min(1_000_000, options.appleDevices * 2 + 10) },
      201,
    );
    // The simulated fleet's own connection pool: as many sockets as devices in flight.
    const fleetAgent = new http.Agent({ keepAlive: true, maxSockets: options.appleConcurrency + 8 });
    cleanups.push(() => fleetAgent.destroy());
    const counts = {};
    // Bytes and per-request latencies of the fleet's requests (scenarios reset the latencies they measure).
    const traffic = { bytesSent: 0, bytesReceived: 0, latencies: [] };
    return {
      server,
      token,
      apple: { apns, counts, traffic, fetch: fleetFetch(fleetAgent, counts, traffic), devices: [], groupId: group.id, profileUrl: enrollment.profileUrl },
      figures: { serverStartupMs: server.startupMs, apnsStandIn: apns.url, fleet: options.appleDevices },
    };
  } finally {
    agent.destroy();
  }
}

/** Android: the AMAPI stand-in in this process, `steward serve` pointed at it and bound, the fleet enrolled. */
async function prepareAndroid(database, options, log, cleanups) {
  const opened = await openDatabase(database.url);
  try {
    await migrate(opened);
  } finally {
    await opened.close();
  }
  const standIn = await startAmapiStandIn({ commandDelayMs: 5 });
  cleanups.push(() => standIn.close());
  const server = await startServer(database, (port) => ['--public-url', `http://127.0.0.1:${port}`, '--android-api-url', `${standIn.url}/`]);
  cleanups.push(() => server.stop());
  log(`  steward serve (pid ${server.pid}) ready at ${server.base} in ${fmt(server.startupMs)} ms; AMAPI stand-in at ${standIn.url}`);
  const token = await createToken(database);
  const bound = await bindSteward(standIn, server.base, token);
  const started = performance.now();
  const devices = [];
  const errors = await pool(
    Array.from({ length: options.androidDevices }, (_, i) => i),
    8,
    async (i) => {
      devices.push(await standIn.enroll(bound.tokenValue, { serial: `BENCH${String(i).padStart(6, '0')}` }));
    },
  );
  if (errors.length) throw new Error(`Android enrollment failed: ${errors[0]}`);
  const enrollMs = round(performance.now() - started);
  log(`  ${devices.length.toLocaleString('en')} Android devices enrolled in ${fmt(enrollMs / 1000)} s`);
  return {
    server,
    token,
    android: { standIn, devices, pushEndpoint: bound.pushEndpoint },
    figures: { serverStartupMs: server.startupMs, amapiStandIn: standIn.url, fleet: devices.length, enrollMs },
  };
}

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof UsageError ? error.message : (error?.stack ?? String(error))}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
