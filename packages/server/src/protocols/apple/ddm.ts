import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Context } from '../../context.js';
import { StewardError } from '../../core/errors.js';
import type { DB, DeclarationsTable } from '../../db/schema.js';
import type { AppleDeviceRow, AppleRepository } from './apple-repository.js';
import type { AppleResponse } from './apple-mdm-service.js';

export type DeclarationRow = Selectable<DeclarationsTable>;

/** The four kinds of declaration, by the prefix of their type. */
export const DECLARATION_KINDS = { configuration: 'Configurations', asset: 'Assets', activation: 'Activations', management: 'Management' } as const;
type Kind = keyof typeof DECLARATION_KINDS;

export function kindOf(type: string): Kind | undefined {
  const match = /^com\.apple\.(configuration|asset|activation|management)\./.exec(type);
  return match?.[1] as Kind | undefined;
}

interface Declaration {
  Type: string;
  Identifier: string;
  ServerToken: string;
  Payload: Record<string, unknown>;
}

const json = (value: unknown): AppleResponse => ({ status: 200, body: JSON.stringify(value), contentType: 'application/json' });

/**
 * Declarative Device Management. A device's declarations are those assigned to its groups; Steward
 * adds one activation that activates every assigned configuration unless the admin supplied
 * activations. The device's declarations token is a digest of its set, so any change shows.
 */
export class DeclarativeManagement {
  constructor(
    private readonly ctx: Context,
    private readonly repo: AppleRepository,
  ) {}

  /** Declarations that apply to a device, including the synthesised activation. */
  async declarationsFor(deviceId: string, db: Kysely<DB> = this.ctx.database.db): Promise<Declaration[]> {
    const rows = await db
      .selectFrom('declarations')
      .selectAll('declarations')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('declaration_assignments')
            .innerJoin('group_members', 'group_members.group_id', 'declaration_assignments.group_id')
            .select('declaration_assignments.declaration_id')
            .whereRef('declaration_assignments.declaration_id', '=', 'declarations.id')
            .where('group_members.device_id', '=', deviceId),
        ),
      )
      .orderBy('identifier')
      .execute();
    const declarations: Declaration[] = rows.map((r) => ({
      Type: r.type,
      Identifier: r.identifier,
      ServerToken: r.server_token,
      Payload: JSON.parse(r.payload) as Record<string, unknown>,
    }));
    const configurations = declarations.filter((d) => kindOf(d.Type) === 'configuration').map((d) => d.Identifier);
    if (configurations.length > 0 && !declarations.some((d) => kindOf(d.Type) === 'activation')) {
      const token = createHash('sha256').update(configurations.join('\n')).digest('hex').slice(0, 32);
      declarations.push({
        Type: 'com.apple.activation.simple',
        Identifier: 'com.steward.activation.default',
        ServerToken: token,
        Payload: { StandardConfigurations: configurations },
      });
    }
    return declarations;
  }

  /** A digest of the device's declaration set: changes whenever a declaration is added, removed or edited. */
  static token(declarations: readonly Declaration[]): string {
    const hash = createHash('sha256');
    for (const d of [...declarations].sort((a, b) => a.Identifier.localeCompare(b.Identifier))) hash.update(`${d.Identifier}:${d.ServerToken}\n`);
    return hash.digest('hex').slice(0, 40);
  }

  async handle(device: AppleDeviceRow, endpoint: string, data: Buffer | undefined): Promise<AppleResponse> {
    const declarations = await this.declarationsFor(device.device_id);
    const token = DeclarativeManagement.token(declarations);
    if (endpoint === 'tokens') {
      return json({ SyncTokens: { DeclarationsToken: token, Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') } });
    }
    if (endpoint === 'declaration-items') {
      const items: Record<string, { Identifier: string; ServerToken: string }[]> = { Activations: [], Assets: [], Configurations: [], Management: [] };
      for (const d of declarations) {
        const kind = kindOf(d.Type);
        if (kind) items[DECLARATION_KINDS[kind]]?.push({ Identifier: d.Identifier, ServerToken: d.ServerToken });
      }
      return json({ Declarations: items, DeclarationsToken: token });
    }
    const match = /^declaration\/(configuration|asset|activation|management)\/(.{1,255})$/.exec(endpoint);
    if (match) {
      const wanted = declarations.find((d) => kindOf(d.Type) === match[1] && d.Identifier === match[2]);
      if (!wanted) return { status: 404 };
      return json(wanted);
    }
    if (endpoint === 'status') {
      if (!data || data.length > 1_048_576) throw new StewardError('bad_request', 'A status report needs its data.');
      let report: unknown;
      try {
        report = JSON.parse(data.toString('utf8'), (key, value) => (key === '__proto__' || key === 'constructor' ? undefined : value));
      } catch {
        throw new StewardError('invalid_json', 'The status report is not JSON.');
      }
      if (!report || typeof report !== 'object' || Array.isArray(report)) throw new StewardError('bad_request', 'A status report is a JSON object.');
      const previous = device.ddm_status ? (JSON.parse(device.ddm_status) as Record<string, unknown>) : {};
      const merged = mergeStatus(previous, report as Record<string, unknown>);
      await this.repo.update(device.device_id, { ddm_status: JSON.stringify(merged), declarations_token: token });
      await this.ctx.devices.applyInventory(device.device_id, { facts: { declarativeStatus: merged } });
      return { status: 200 };
    }
    return { status: 404 };
  }

  /** The DeclarativeManagement command that makes the device sync (it carries the current tokens). */
  async syncCommandFor(deviceId: string): Promise<Record<string, unknown>> {
    const token = DeclarativeManagement.token(await this.declarationsFor(deviceId));
    const data = Buffer.from(JSON.stringify({ SyncTokens: { DeclarationsToken: token, Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') } }));
    return { RequestType: 'DeclarativeManagement', Data: { $data: data.toString('base64') } };
  }
}

/** Status reports are incremental: merge the new items into what the device reported before. */
function mergeStatus(previous: Record<string, unknown>, report: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...previous };
  for (const [key, value] of Object.entries(report)) {
    const before = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && before && typeof before === 'object' && !Array.isArray(before)
        ? mergeStatus(before as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}
