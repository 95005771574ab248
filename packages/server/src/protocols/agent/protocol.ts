import { type Static, Type } from 'typebox';

/*
 * The Steward agent protocol's JSON shapes (docs/agent.md). Every body is bounded and strict:
 * unknown properties are refused, so a typo in an agent is an error, not silently ignored data.
 */

const strict = { additionalProperties: false } as const;
const text = (maxLength: number) => Type.String({ maxLength });

export const AGENT_PATHS = Object.freeze({
  ca: '/agent/v1/ca',
  enroll: '/agent/v1/enroll',
  renew: '/agent/v1/renew',
  checkin: '/agent/v1/checkin',
  commands: '/agent/v1/commands',
  result: '/agent/v1/commands/:id/result',
});

/** Enrollment and check-in bodies carry inventory (installed packages can run to thousands): 4 MiB. */
export const AGENT_INVENTORY_BODY_LIMIT = 4 * 1024 * 1024;
/** A command result (script output, collected logs, already truncated by the agent): 1 MiB. */
export const AGENT_RESULT_BODY_LIMIT = 1024 * 1024;
/** The longest long poll a client may ask for. */
export const MAX_WAIT_SECONDS = 60;
export const OS_FAMILIES = ['linux', 'macos', 'windows'] as const;

// --- inventory ------------------------------------------------------------------------------------

const Disk = Type.Object(
  {
    name: text(256),
    mount: Type.Optional(text(1024)),
    type: Type.Optional(text(64)),
    sizeBytes: Type.Optional(Type.Number({ minimum: 0 })),
    usedBytes: Type.Optional(Type.Number({ minimum: 0 })),
    encrypted: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    encryption: Type.Optional(text(64)),
  },
  strict,
);
const NetworkInterface = Type.Object(
  {
    name: text(256),
    mac: Type.Optional(text(64)),
    ipv4: Type.Optional(Type.Array(text(64), { maxItems: 64 })),
    ipv6: Type.Optional(Type.Array(text(128), { maxItems: 64 })),
    type: Type.Optional(text(64)),
    up: Type.Optional(Type.Boolean()),
  },
  strict,
);
const LocalUser = Type.Object(
  {
    name: text(256),
    uid: Type.Optional(Type.Integer()),
    home: Type.Optional(text(1024)),
    shell: Type.Optional(text(256)),
    admin: Type.Optional(Type.Boolean()),
  },
  strict,
);
const Package = Type.Object({ name: text(512), version: Type.Optional(text(256)), source: Type.Optional(text(64)) }, strict);
const CheckResult = Type.Object(
  {
    id: text(200),
    key: Type.Optional(text(100)),
    type: text(64),
    /** null: the agent could not tell on this machine. */
    passed: Type.Union([Type.Boolean(), Type.Null()]),
    actual: Type.Optional(Type.Unknown()),
    detail: Type.Optional(text(2000)),
  },
  strict,
);

export const InventorySections = Type.Object(
  {
    system: Type.Optional(
      Type.Object(
        {
          hostname: text(255),
          manufacturer: Type.Optional(text(256)),
          model: Type.Optional(text(256)),
          serialNumber: Type.Optional(text(256)),
          hardwareUuid: Type.Optional(text(256)),
          virtual: Type.Optional(Type.Boolean()),
        },
        strict,
      ),
    ),
    os: Type.Optional(
      Type.Object(
        {
          family: Type.Union(OS_FAMILIES.map((f) => Type.Literal(f))),
          name: text(256),
          version: text(128),
          build: Type.Optional(text(128)),
          kernel: Type.Optional(text(256)),
          arch: Type.Optional(text(64)),
        },
        strict,
      ),
    ),
    hardware: Type.Optional(
      Type.Object(
        {
          cpu: Type.Optional(
            Type.Object(
              {
                brand: text(256),
                manufacturer: Type.Optional(text(128)),
                cores: Type.Optional(Type.Integer()),
                physicalCores: Type.Optional(Type.Integer()),
                speedGHz: Type.Optional(Type.Number()),
              },
              strict,
            ),
          ),
          memoryBytes: Type.Optional(Type.Number({ minimum: 0 })),
        },
        strict,
      ),
    ),
    disks: Type.Optional(Type.Array(Disk, { maxItems: 256 })),
    network: Type.Optional(Type.Array(NetworkInterface, { maxItems: 256 })),
    users: Type.Optional(Type.Array(LocalUser, { maxItems: 2000 })),
    packages: Type.Optional(Type.Object({ managers: Type.Array(text(64), { maxItems: 8 }), items: Type.Array(Package, { maxItems: 50_000 }) }, strict)),
    security: Type.Optional(
      Type.Object(
        {
          diskEncrypted: Type.Union([Type.Boolean(), Type.Null()]),
          firewall: Type.Object({ enabled: Type.Union([Type.Boolean(), Type.Null()]), product: Type.Optional(text(128)) }, strict),
          screenLock: Type.Object({ enabled: Type.Union([Type.Boolean(), Type.Null()]), idleSeconds: Type.Optional(Type.Integer({ minimum: 0 })) }, strict),
        },
        strict,
      ),
    ),
    status: Type.Optional(Type.Object({ bootedAt: Type.Integer({ minimum: 0 }) }, strict)),
    checks: Type.Optional(Type.Array(CheckResult, { maxItems: 1000 })),
    configurations: Type.Optional(Type.Array(Type.Object({ key: text(100), version: text(64) }, strict), { maxItems: 500 })),
  },
  strict,
);
export type InventorySections = Static<typeof InventorySections>;
export type InventorySectionName = keyof InventorySections;
export const SECTION_NAMES = Object.keys(InventorySections.properties) as InventorySectionName[];

const Hashes = Type.Record(Type.String({ pattern: '^[a-z]{1,32}$' }), Type.String({ pattern: '^[0-9a-f]{16,64}$' }), { maxProperties: 32 });

export const Inventory = Type.Object(
  {
    /** The sections that changed since the last check-in (all of them on enrollment). */
    sections: InventorySections,
    /** A hash of every section the agent has, changed or not: the server asks again for any it doesn't hold. */
    hashes: Hashes,
  },
  strict,
);
export type Inventory = Static<typeof Inventory>;

// --- bodies ---------------------------------------------------------------------------------------

export const EnrollBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 100 }),
    /** PKCS#10, PEM. */
    csr: Type.String({ minLength: 100, maxLength: 16_384 }),
    agentVersion: Type.String({ minLength: 1, maxLength: 64 }),
    inventory: Inventory,
  },
  strict,
);
export type EnrollBody = Static<typeof EnrollBody>;

export const RenewBody = Type.Object({ csr: Type.String({ minLength: 100, maxLength: 16_384 }) }, strict);

export const CheckinBody = Type.Object({ agentVersion: Type.String({ minLength: 1, maxLength: 64 }), inventory: Inventory }, strict);
export type CheckinBody = Static<typeof CheckinBody>;

export const CommandsQuery = Type.Object({ wait: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_WAIT_SECONDS })) }, strict);

export const ResultBody = Type.Object(
  {
    status: Type.Union([Type.Literal('acknowledged'), Type.Literal('error'), Type.Literal('not_now')]),
    /** What the command produced: a script's output and exit code, collected logs, check results. */
    output: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 32 })),
    error: Type.Optional(Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }), message: Type.String({ maxLength: 4000 }) }, strict)),
  },
  strict,
);
export type ResultBody = Static<typeof ResultBody>;

/** What the server sends an agent to do. */
export interface AgentCommand {
  id: string;
  type: AgentCommandType;
  params: Record<string, unknown>;
  expiresAt: string;
}

export const AGENT_COMMAND_TYPES = [
  'lock_screen',
  'restart',
  'shutdown',
  'run_script',
  'install_package',
  'remove_package',
  'refresh_inventory',
  'apply_checks',
  'remove_checks',
  'collect_logs',
  'rename_host',
] as const;
export type AgentCommandType = (typeof AGENT_COMMAND_TYPES)[number];
