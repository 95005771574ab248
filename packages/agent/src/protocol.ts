/**
 * The Steward agent protocol as the agent speaks it (docs/agent.md). The agent does not import the
 * server: these shapes are the contract, kept in step with `protocols/agent/protocol.ts` by the
 * end-to-end tests.
 */

export type OsFamily = 'linux' | 'macos' | 'windows';

export interface InventorySections {
  system?: { hostname: string; manufacturer?: string; model?: string; serialNumber?: string; hardwareUuid?: string; virtual?: boolean };
  os?: { family: OsFamily; name: string; version: string; build?: string; kernel?: string; arch?: string };
  hardware?: { cpu?: { brand: string; manufacturer?: string; cores?: number; physicalCores?: number; speedGHz?: number }; memoryBytes?: number };
  disks?: { name: string; mount?: string; type?: string; sizeBytes?: number; usedBytes?: number; encrypted?: boolean | null; encryption?: string }[];
  network?: { name: string; mac?: string; ipv4?: string[]; ipv6?: string[]; type?: string; up?: boolean }[];
  users?: { name: string; uid?: number; home?: string; shell?: string; admin?: boolean }[];
  packages?: { managers: string[]; items: { name: string; version?: string; source?: string }[] };
  security?: {
    diskEncrypted: boolean | null;
    firewall: { enabled: boolean | null; product?: string };
    screenLock: { enabled: boolean | null; idleSeconds?: number };
  };
  status?: { bootedAt: number };
  checks?: CheckResult[];
  configurations?: { key: string; version: string }[];
}
export type SectionName = keyof InventorySections;

export interface CheckResult {
  id: string;
  key?: string;
  type: string;
  passed: boolean | null;
  actual?: unknown;
  detail?: string;
}

export type AgentCheck =
  | { id: string; type: 'disk_encryption' }
  | { id: string; type: 'firewall' }
  | { id: string; type: 'screen_lock'; maxIdleMinutes?: number }
  | { id: string; type: 'os_version'; minimum: string }
  | { id: string; type: 'package'; name: string; state: 'installed' | 'absent' };

export type AgentCommandType =
  | 'lock_screen'
  | 'restart'
  | 'shutdown'
  | 'run_script'
  | 'install_package'
  | 'remove_package'
  | 'refresh_inventory'
  | 'apply_checks'
  | 'remove_checks'
  | 'collect_logs'
  | 'rename_host';

export interface AgentCommand {
  id: string;
  type: AgentCommandType;
  params: Record<string, unknown>;
  expiresAt: string;
}

export interface CommandResult {
  status: 'acknowledged' | 'error' | 'not_now';
  output?: Record<string, unknown>;
  error?: { code: string; message: string };
}

export interface EnrollResponse {
  deviceId: string;
  certificate: string;
  caCertificate: string;
  pollSeconds: number;
  maxWaitSeconds: number;
}

export interface CheckinResponse {
  deviceId: string;
  resend: SectionName[];
  pollSeconds: number;
  maxWaitSeconds: number;
}

export const PATHS = Object.freeze({
  ca: '/agent/v1/ca',
  enroll: '/agent/v1/enroll',
  renew: '/agent/v1/renew',
  checkin: '/agent/v1/checkin',
  commands: '/agent/v1/commands',
  result: (id: string) => `/agent/v1/commands/${encodeURIComponent(id)}/result`,
});
