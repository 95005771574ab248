import { createHash, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import * as x509 from '@peculiar/x509';
import { evaluateChecks } from './checks.js';
import { CommandRunner } from './command-runner.js';
import { HttpClient, HttpError, pemToDer } from './http-client.js';
import { changedSections, hashes, type InventorySource } from './inventory.js';
import {
  type AgentCommand,
  type CheckinResponse,
  type CommandResult,
  type EnrollResponse,
  type InventorySections,
  PATHS,
  type SectionName,
} from './protocol.js';
import { backoffMs, type QueuedResult, ResultQueue } from './result-queue.js';
import { type AgentConfig, StateDir } from './state.js';
import type { SystemActions } from './system-actions.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export const AGENT_VERSION = '0.1.0';
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** Where results wait for the server: a file in the state dir, or memory (simulators). */
export interface ResultStore {
  readonly size: number;
  pending(): readonly QueuedResult[];
  handled(commandId: string): boolean;
  push(commandId: string, result: CommandResult): void;
  remove(commandId: string): void;
}

export class MemoryResultStore implements ResultStore {
  private items: QueuedResult[] = [];
  private readonly done = new Set<string>();
  get size() {
    return this.items.length;
  }
  pending() {
    return this.items;
  }
  handled(commandId: string) {
    return this.done.has(commandId);
  }
  push(commandId: string, result: CommandResult) {
    this.items.push({ commandId, result, queuedAt: Date.now() });
    this.done.add(commandId);
  }
  remove(commandId: string) {
    this.items = this.items.filter((i) => i.commandId !== commandId);
  }
}

/** A key pair and a CSR for it. The server decides the subject; the CSR only proves the key. */
export async function newKeyAndCsr(): Promise<{ keyPem: string; csrPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=steward-agent',
    keys: keys as unknown as Parameters<typeof x509.Pkcs10CertificateRequestGenerator.create>[0]['keys'],
    signingAlgorithm: EC,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END PRIVATE KEY-----\n`;
  return { keyPem, csrPem: csr.toString('pem') };
}

export const fingerprint = (pem: string): string => createHash('sha256').update(pemToDer(pem)).digest('hex');

/**
 * Decides what to trust for the server's certificate before enrolling: a CA file, a CA fingerprint
 * (the CA is fetched, then only trusted if its SHA-256 matches), or the system's roots.
 */
export async function enrollmentTrust(
  server: string,
  options: { caFile?: string | undefined; caFingerprint?: string | undefined },
): Promise<string | undefined> {
  if (options.caFile) return fs.readFileSync(options.caFile, 'utf8');
  if (!options.caFingerprint) return undefined;
  const expected = options.caFingerprint.replace(/[:\s]/g, '').toLowerCase();
  const probe = new HttpClient({ server, insecure: true });
  try {
    const response = await probe.request<{ certificate: string }>('GET', PATHS.ca);
    const pem = response.body?.certificate;
    if (!pem || fingerprint(pem) !== expected) throw new Error('the server’s CA does not match the fingerprint given: refusing to enroll');
    return pem;
  } finally {
    probe.close();
  }
}

export interface EnrollOptions {
  server: string;
  token: string;
  inventory: InventorySource;
  /** PEM roots for the server's certificate (from --ca-file / --ca-fingerprint); absent: the system's. */
  trust?: string | undefined;
  /** Simulators over plain HTTP: the trusted proxy's certificate header. */
  proxyCertHeader?: string | undefined;
  agent?: import('node:http').Agent | undefined;
}

export interface Enrolled {
  deviceId: string;
  keyPem: string;
  certificatePem: string;
  caCertificatePem: string;
  /** The hashes of the inventory sent with the enrollment (all of it). */
  sentHashes: Record<string, string>;
}

/** Enrollment: a fresh key, a CSR, the token and the full inventory; back comes the certificate. */
export async function enroll(options: EnrollOptions): Promise<Enrolled> {
  const { keyPem, csrPem } = await newKeyAndCsr();
  const sections = await options.inventory.collect();
  const client = new HttpClient({ server: options.server, ca: options.trust, agent: options.agent });
  try {
    const response = await client.request<EnrollResponse>('POST', PATHS.enroll, {
      token: options.token,
      csr: csrPem,
      agentVersion: AGENT_VERSION,
      inventory: { sections, hashes: hashes(sections) },
    });
    const body = response.body;
    if (!body?.certificate) throw new Error('the server sent no certificate');
    return { deviceId: body.deviceId, keyPem, certificatePem: body.certificate, caCertificatePem: body.caCertificate, sentHashes: hashes(sections) };
  } finally {
    client.close();
  }
}

/** Writes an enrollment to the state directory (the key readable by its owner only). */
export function saveEnrollment(state: StateDir, server: string, enrolled: Enrolled, trust: string | undefined): AgentConfig {
  state.ensure();
  state.writeAtomic('agent.key', enrolled.keyPem, 0o600);
  state.writeAtomic('agent.crt', enrolled.certificatePem, 0o644);
  state.writeAtomic('steward-ca.pem', enrolled.caCertificatePem, 0o644);
  if (trust) state.writeAtomic('server-ca.pem', trust, 0o644);
  const config: AgentConfig = { server, deviceId: enrolled.deviceId, trust: trust ? 'pinned' : 'system', enrolledAt: new Date().toISOString() };
  state.writeAtomic('config.json', JSON.stringify(config, null, 2), 0o600);
  state.writeAtomic('inventory-hashes.json', JSON.stringify(enrolled.sentHashes));
  return config;
}

export interface AgentOptions {
  client: HttpClient;
  inventory: InventorySource;
  actions: SystemActions;
  results: ResultStore;
  /** Where installed checks and the last-sent inventory hashes live; absent for virtual agents. */
  state?: StateDir | undefined;
  virtual?: boolean;
  /** Hashes of the inventory the server already holds (from enrollment or the state dir). */
  sentHashes?: Record<string, string>;
  /** Seconds a long poll may stay open (0: plain polling every `pollSeconds`). */
  waitSeconds?: number;
  pollSeconds?: number;
  /** Full inventory check-in at least this often; changed sections only. */
  inventoryEveryMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  log?: (message: string) => void;
  /** Check in when the loop starts (default); a simulator that just enrolled has nothing new to say. */
  checkinAtStart?: boolean;
  /** Called with every command as it arrives (simulators measure delivery time with it). */
  onCommand?: (command: AgentCommand) => void;
}

/**
 * The agent's loop: check in (changed inventory only), send queued results, long-poll for commands,
 * run them, queue their results durably, and send them. Any failure to reach the server backs off
 * exponentially with jitter; nothing is lost meanwhile.
 */
export class Agent {
  private sentHashes: Record<string, string>;
  private resend: SectionName[] = [];
  private lastCheckin = 0;
  private inventoryDue = true;
  private stopped = false;
  private wakeSleep: (() => void) | undefined;
  private readonly runner: CommandRunner;
  readonly log: (message: string) => void;
  failures = 0;
  /** Every failed round since start, and the last error (simulators and the benchmark report them). */
  totalFailures = 0;
  lastError: string | undefined;

  constructor(private readonly options: AgentOptions) {
    this.sentHashes = options.sentHashes ?? {};
    if (options.checkinAtStart === false) {
      this.inventoryDue = false;
      this.lastCheckin = Date.now();
    }
    this.log = options.log ?? (() => {});
    this.runner = new CommandRunner(
      options.actions,
      options.state,
      {
        refreshInventory: async () => {
          this.inventoryDue = true;
        },
      },
      options.virtual ?? false,
    );
  }

  /** The inventory with the installed checks evaluated against it. */
  async inventory(): Promise<InventorySections> {
    const sections = await this.options.inventory.collect();
    const installed = this.options.state?.checks() ?? [];
    sections.checks = evaluateChecks(installed, sections);
    sections.configurations = installed.map((c) => ({ key: c.key, version: c.version }));
    return sections;
  }

  async checkin(): Promise<void> {
    for (let round = 0; round < 3; round++) {
      const sections = await this.inventory();
      const changed = changedSections(sections, this.sentHashes, this.resend);
      const all = hashes(sections);
      const response = await this.options.client.request<CheckinResponse>('POST', PATHS.checkin, {
        agentVersion: AGENT_VERSION,
        inventory: { sections: changed, hashes: all },
      });
      this.sentHashes = all;
      this.options.state?.writeAtomic('inventory-hashes.json', JSON.stringify(all));
      this.lastCheckin = Date.now();
      this.inventoryDue = false;
      this.resend = response.body?.resend ?? [];
      if (this.resend.length === 0) return;
      this.log(`server asked again for: ${this.resend.join(', ')}`);
    }
  }

  /** Sends every queued result, oldest first. Stops at the first one the server can't take now. */
  async flush(): Promise<void> {
    for (const item of [...this.options.results.pending()]) {
      try {
        await this.options.client.request('POST', PATHS.result(item.commandId), item.result);
      } catch (error) {
        if (error instanceof HttpError && error.permanent) {
          this.log(`result for ${item.commandId} refused for good (${error.code ?? error.status}); dropped`);
        } else throw error;
      }
      this.options.results.remove(item.commandId);
    }
  }

  /** One long poll; runs what arrives. Returns the number of commands received. */
  async pollOnce(): Promise<number> {
    const wait = this.options.waitSeconds ?? 25;
    const response = await this.options.client.request<{ commands: AgentCommand[] }>('GET', `${PATHS.commands}?wait=${wait}`, undefined, (wait + 30) * 1000);
    const commands = response.status === 200 ? (response.body?.commands ?? []) : [];
    for (const command of commands) this.options.onCommand?.(command);
    // Let the rest of this turn's I/O run first (simulators: the other agents' answers are read and
    // timed before any of them starts executing).
    if (commands.length) await new Promise((resolve) => setImmediate(resolve));
    for (const command of commands) {
      // Delivered again because its result hasn't reached the server yet: never run twice. If the
      // result is no longer here (the server refused it), say so rather than leave the command open.
      if (this.options.results.handled(command.id)) {
        if (!this.options.results.pending().some((item) => item.commandId === command.id)) {
          this.options.results.push(command.id, {
            status: 'error',
            error: { code: 'result_lost', message: 'the command ran here but its result could not be delivered' },
          });
          await this.flush();
        }
        continue;
      }
      const result = await this.runner.execute(command);
      this.options.results.push(command.id, result);
      this.log(`${command.type} ${command.id}: ${result.status}`);
      await this.flush();
    }
    return commands.length;
  }

  /** Runs until {@link stop}. */
  async run(): Promise<void> {
    const everyMs = this.options.inventoryEveryMs ?? 60 * 60_000;
    while (!this.stopped) {
      try {
        if (this.inventoryDue || Date.now() - this.lastCheckin > everyMs) await this.checkin();
        await this.flush();
        const received = await this.pollOnce();
        this.failures = 0;
        if ((this.options.waitSeconds ?? 25) === 0 && received === 0) await this.sleep((this.options.pollSeconds ?? 60) * 1000);
      } catch (error) {
        if (this.stopped) break;
        this.totalFailures++;
        this.lastError = error instanceof Error ? error.message : String(error);
        const delay = backoffMs(this.failures++, this.options.backoffBaseMs ?? 1000, this.options.backoffCapMs ?? 5 * 60_000);
        this.log(
          `server unreachable or refused (${error instanceof Error ? error.message : String(error)}); retrying in ${Math.round(delay / 100) / 10} s (${this.options.results.size} result(s) queued)`,
        );
        if (error instanceof HttpError && error.status === 401) this.log('the server does not accept this agent’s certificate: re-enroll it');
        await this.sleep(delay);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.wakeSleep?.();
    this.options.client.close();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** The agent as `steward-agent run` starts it, from its state directory. */
export function agentFromState(state: StateDir, inventory: InventorySource, actions: SystemActions, options: Partial<AgentOptions> = {}): Agent {
  const config = state.readConfig();
  const client = new HttpClient({
    server: config.server,
    ca: config.trust === 'pinned' ? state.read('server-ca.pem') : undefined,
    identity: { keyPem: state.read('agent.key'), certificatePem: state.read('agent.crt') },
  });
  const sent = state.readOptional('inventory-hashes.json');
  return new Agent({
    client,
    inventory,
    actions,
    state,
    results: new ResultQueue(state.file('results.jsonl'), state.file('handled.log')),
    sentHashes: sent ? (JSON.parse(sent) as Record<string, string>) : {},
    ...options,
  });
}

export { StateDir };
