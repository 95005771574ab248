import http from 'node:http';
import { Agent, enroll, MemoryResultStore } from './agent.js';
import { HttpClient } from './http-client.js';
import type { InventorySource } from './inventory.js';
import type { AgentCommand, InventorySections } from './protocol.js';
import { RecordingActions } from './system-actions.js';

/** A made-up machine, different for each virtual agent, stable across its check-ins. */
export class VirtualInventory implements InventorySource {
  constructor(private readonly index: number) {}
  async collect(): Promise<InventorySections> {
    const n = this.index;
    const family = (['linux', 'macos', 'windows'] as const)[n % 3] ?? 'linux';
    return {
      system: {
        hostname: `sim-${family}-${String(n).padStart(5, '0')}`,
        manufacturer: 'Steward',
        model: 'Virtual Desktop',
        serialNumber: `SIM${String(n).padStart(8, '0')}`,
        virtual: true,
      },
      os: {
        family,
        name: family === 'linux' ? 'Debian GNU/Linux' : family === 'macos' ? 'macOS' : 'Windows 11 Pro',
        version: family === 'linux' ? '12' : family === 'macos' ? '15.1' : '10.0.26100',
      },
      hardware: { cpu: { brand: 'Virtual CPU', cores: 4 }, memoryBytes: 8 * 1024 ** 3 },
      disks: [{ name: 'vda', mount: family === 'windows' ? 'C:' : '/', sizeBytes: 256e9, encrypted: n % 4 !== 0 }],
      network: [{ name: 'eth0', ipv4: [`10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`], up: true }],
      users: [{ name: 'user', uid: 1000 }],
      packages: { managers: ['virtual'], items: [{ name: 'steward-agent', version: '0.1.0' }] },
      security: { diskEncrypted: n % 4 !== 0, firewall: { enabled: n % 5 !== 0 }, screenLock: { enabled: true, idleSeconds: 300 } },
      status: { bootedAt: 1_700_000_000_000 },
    };
  }
}

export interface SimulationOptions {
  server: string;
  token: string;
  count: number;
  /** The first virtual agent's number (its hostname, serial, address): several simulators sharing one server each take their own range. */
  firstIndex?: number;
  /** PEM roots for an https server. */
  ca?: string | undefined;
  /** Over plain HTTP, the trusted proxy header that carries each virtual agent's certificate. */
  proxyCertHeader?: string | undefined;
  /** Enrollments in flight at once. */
  concurrency?: number;
  waitSeconds?: number;
  log?: (message: string) => void;
  onCommand?: (agentIndex: number, command: AgentCommand, receivedAt: number) => void;
}

export interface Simulation {
  agents: Agent[];
  actions: RecordingActions;
  enrolledMs: number;
  stop(): void;
}

/**
 * N virtual agents in one process, each through the real protocol code (enrollment, check-in, long
 * poll, results) with a virtual inventory and a recording executor. Over HTTPS each agent has its
 * own TLS connection with its own certificate; over HTTP (behind a test proxy) they share a pool.
 */
export async function simulate(options: SimulationOptions): Promise<Simulation> {
  const actions = new RecordingActions();
  const started = Date.now();
  const agents: Agent[] = new Array(options.count);
  const plain = new URL(options.server).protocol === 'http:';
  const shared = plain ? new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: Number.POSITIVE_INFINITY }) : undefined;
  let next = 0;
  const worker = async () => {
    while (next < options.count) {
      const index = next++;
      const inventory = new VirtualInventory((options.firstIndex ?? 0) + index);
      let enrolled: Awaited<ReturnType<typeof enroll>> | undefined;
      for (let attempt = 0; !enrolled; attempt++) {
        try {
          enrolled = await enroll({ server: options.server, token: options.token, inventory, trust: options.ca, agent: shared });
        } catch (error) {
          if (attempt >= 5) throw error;
          await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
        }
      }
      const identity = { keyPem: enrolled.keyPem, certificatePem: enrolled.certificatePem };
      // Over HTTPS each virtual agent gets its own connection pool: its certificate is part of the TLS handshake.
      const client = new HttpClient({ server: options.server, ca: options.ca, identity, proxyCertHeader: options.proxyCertHeader, agent: shared });
      agents[index] = new Agent({
        client,
        inventory,
        actions,
        results: new MemoryResultStore(),
        virtual: true,
        sentHashes: enrolled.sentHashes,
        waitSeconds: options.waitSeconds ?? 25,
        checkinAtStart: false,
        backoffBaseMs: 500,
        backoffCapMs: 10_000,
        ...(options.onCommand ? { onCommand: (command: AgentCommand) => options.onCommand?.(index, command, Date.now()) } : {}),
      });
      // Long polling starts as soon as each agent is enrolled, so the fleet's connections open over the enrollment, not at once.
      void agents[index].run();
      if ((index + 1) % 1000 === 0) options.log?.(`${index + 1} agents enrolled`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 16, options.count) }, worker));
  const enrolledMs = Date.now() - started;
  return {
    agents,
    actions,
    enrolledMs,
    stop() {
      for (const agent of agents) agent.stop();
      shared?.destroy();
    },
  };
}
