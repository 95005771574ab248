import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import type { ComplianceRepository } from '../compliance/compliance-repository.js';
import type { ComplianceReason } from '../compliance/rules.js';
import { type DeviceFilter, deviceFilterExpression, isEmptyFilter } from '../devices/device-filter.js';
import { StewardError } from '../errors.js';
import type { Permission } from '../permissions.js';
import { csvStream } from './csv.js';
import { renderPdf } from './pdf.js';

export const REPORT_NAMES = ['inventory', 'compliance', 'compliance-history', 'apps', 'os-versions', 'violations', 'command-outcomes', 'audit'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];
export const REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportParams {
  /** Which devices (the device filter language); ignored by reports not about devices. */
  filter: DeviceFilter;
  /** Date range, epoch ms, `from` inclusive and `to` exclusive; for reports over time. */
  from?: number | undefined;
  to?: number | undefined;
}

export interface ReportDefinition {
  name: ReportName;
  title: string;
  description: string;
  columns: readonly string[];
  filterable: boolean;
  dateRange: boolean;
  /** A permission needed beyond `reports.read` (the audit trail needs `audit.read`). */
  permission?: Permission;
}

/** A PDF is built in memory; beyond this many rows, CSV (streamed) is the format to use. */
export const PDF_MAX_ROWS = 20_000;
const PAGE = 1000;
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export const REPORTS: Readonly<Record<ReportName, ReportDefinition>> = Object.freeze({
  inventory: {
    name: 'inventory',
    title: 'Device inventory',
    description: 'Every device with its platform, OS, model, ownership, enrolment and compliance state.',
    columns: ['Name', 'Platform', 'Channel', 'Ownership', 'Enrollment', 'OS version', 'Model', 'Serial number', 'Assigned user', 'Compliance', 'Last seen'],
    filterable: true,
    dateRange: false,
  },
  compliance: {
    name: 'compliance',
    title: 'Compliance now',
    description: 'Each device’s compliance state with its reasons.',
    columns: ['Name', 'Platform', 'Ownership', 'Compliance', 'Reasons', 'Evaluated'],
    filterable: true,
    dateRange: false,
  },
  'compliance-history': {
    name: 'compliance-history',
    title: 'Compliance over time',
    description: 'Daily counts of compliant, non-compliant and unknown devices, and the compliance rate.',
    columns: ['Day', 'Compliant', 'Non-compliant', 'Unknown', 'Total', 'Compliance rate %'],
    filterable: false,
    dateRange: true,
  },
  apps: {
    name: 'apps',
    title: 'Apps',
    description: 'Install counts by app identifier and version, from the devices’ app inventory.',
    columns: ['Identifier', 'Name', 'Version', 'Devices'],
    filterable: true,
    dateRange: false,
  },
  'os-versions': {
    name: 'os-versions',
    title: 'OS versions',
    description: 'Devices per platform and OS version.',
    columns: ['Platform', 'OS version', 'Devices'],
    filterable: true,
    dateRange: false,
  },
  violations: {
    name: 'violations',
    title: 'Compliance violations',
    description: 'Each rule a device currently fails, with the reason and since when.',
    columns: ['Device', 'Platform', 'Rule', 'Reason', 'Since'],
    filterable: true,
    dateRange: false,
  },
  'command-outcomes': {
    name: 'command-outcomes',
    title: 'Command outcomes',
    description: 'Deliveries by command type and outcome, for commands created in the date range.',
    columns: ['Command', 'Outcome', 'Deliveries'],
    filterable: true,
    dateRange: true,
  },
  audit: {
    name: 'audit',
    title: 'Audit trail',
    description: 'Audit events in the date range, newest first.',
    columns: ['Time', 'Actor', 'Actor type', 'Action', 'Target type', 'Target', 'Outcome', 'Status'],
    filterable: false,
    dateRange: true,
    permission: 'audit.read',
  },
});

export const isReportName = (value: string): value is ReportName => (REPORT_NAMES as readonly string[]).includes(value);

/** Builds the reports' rows from the database, page by page, so a large fleet streams. */
export class ReportService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
    private readonly compliance: ComplianceRepository,
  ) {}

  definition(name: string): ReportDefinition {
    if (!isReportName(name)) throw new StewardError('unknown_report');
    return REPORTS[name];
  }

  /** The report's rows, in column order. */
  rows(name: ReportName, params: ReportParams): AsyncGenerator<unknown[]> {
    switch (name) {
      case 'inventory':
        return this.inventory(params);
      case 'compliance':
        return this.complianceNow(params);
      case 'compliance-history':
        return this.complianceHistory(params);
      case 'apps':
        return this.apps(params);
      case 'os-versions':
        return this.osVersions(params);
      case 'violations':
        return this.violations(params);
      case 'command-outcomes':
        return this.commandOutcomes(params);
      case 'audit':
        return this.auditTrail(params);
    }
  }

  csv(name: ReportName, params: ReportParams): AsyncGenerator<string> {
    return csvStream(REPORTS[name].columns, this.rows(name, params));
  }

  async collect(name: ReportName, params: ReportParams, max = Number.POSITIVE_INFINITY): Promise<unknown[][]> {
    const out: unknown[][] = [];
    for await (const row of this.rows(name, params)) {
      if (out.length >= max) throw new StewardError('report_too_large', undefined, { maxRows: max });
      out.push(row);
    }
    return out;
  }

  async pdf(name: ReportName, params: ReportParams, generatedAt = new Date()): Promise<Buffer> {
    const def = REPORTS[name];
    const rows = await this.collect(name, params, PDF_MAX_ROWS);
    const range =
      def.dateRange && (params.from !== undefined || params.to !== undefined)
        ? `${iso(params.from ?? null) ?? '…'} to ${iso(params.to ?? null) ?? 'now'}`
        : undefined;
    return renderPdf({ title: `Steward: ${def.title}`, subtitle: range, generatedAt, columns: def.columns, rows });
  }

  /** A complete rendering in one format (scheduled delivery: the whole file is attached). */
  async render(name: ReportName, format: ReportFormat, params: ReportParams): Promise<{ body: Buffer; contentType: string; extension: string }> {
    if (format === 'pdf') return { body: await this.pdf(name, params), contentType: 'application/pdf', extension: 'pdf' };
    if (format === 'csv') {
      let text = '';
      for await (const chunk of this.csv(name, params)) text += chunk;
      return { body: Buffer.from(text, 'utf8'), contentType: 'text/csv; charset=utf-8', extension: 'csv' };
    }
    const rows = await this.collect(name, params);
    const columns = REPORTS[name].columns;
    return {
      body: Buffer.from(JSON.stringify({ report: name, columns, rows: rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null]))) })),
      contentType: 'application/json',
      extension: 'json',
    };
  }

  /** Devices matching the filter, keyset-paged by id. */
  private async *devices(filter: DeviceFilter, columns: readonly string[]) {
    let after: string | null = null;
    for (;;) {
      let query = this.db.selectFrom('devices').select(['id', ...(columns as 'id'[])]);
      if (!isEmptyFilter(filter)) query = query.where((eb) => deviceFilterExpression(eb, filter, this.dialect));
      if (after) query = query.where('id', '>', after);
      const page = (await query.orderBy('id').limit(PAGE).execute()) as unknown as Record<string, unknown>[];
      for (const row of page) yield row;
      if (page.length < PAGE) return;
      after = page[page.length - 1]?.id as string;
    }
  }

  private async *inventory(params: ReportParams) {
    const cols = [
      'name',
      'platform',
      'channel',
      'ownership',
      'enrollment_state',
      'os_version',
      'model',
      'serial_number',
      'assigned_user',
      'compliance_state',
      'last_seen_at',
    ] as const;
    for await (const d of this.devices(params.filter, cols)) {
      yield [...cols.slice(0, -1).map((c) => d[c] ?? null), iso((d.last_seen_at as number | null) ?? null)];
    }
  }

  private async *complianceNow(params: ReportParams) {
    let after: string | null = null;
    for (;;) {
      let query = this.db
        .selectFrom('devices')
        .leftJoin('compliance_status', 'compliance_status.device_id', 'devices.id')
        .select([
          'devices.id',
          'devices.name',
          'devices.platform',
          'devices.ownership',
          'devices.compliance_state',
          'compliance_status.reasons',
          'compliance_status.evaluated_at',
        ]);
      if (!isEmptyFilter(params.filter)) query = query.where((eb) => deviceFilterExpression(eb, params.filter, this.dialect));
      if (after) query = query.where('devices.id', '>', after);
      const page = await query.orderBy('devices.id').limit(PAGE).execute();
      for (const r of page) {
        const reasons = JSON.parse(r.reasons ?? '[]') as ComplianceReason[];
        yield [r.name, r.platform, r.ownership, r.compliance_state, reasons.map((x) => `${x.rule}: ${x.message}`).join('; '), iso(r.evaluated_at)];
      }
      if (page.length < PAGE) return;
      after = page[page.length - 1]?.id ?? null;
    }
  }

  private async *complianceHistory(params: ReportParams) {
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const rows = await this.compliance.snapshots(day(params.from ?? 0), day((params.to ?? Date.now()) - 1));
    for (const r of rows) {
      yield [r.day, r.compliant, r.noncompliant, r.unknown, r.total, r.total ? Math.round((1000 * r.compliant) / r.total) / 10 : null];
    }
  }

  private async *apps(params: ReportParams) {
    // Personal devices report managed apps only (their channels never collect personal app inventory).
    const counts = new Map<string, { identifier: string; name: string | null; version: string | null; n: number }>();
    for await (const d of this.devices(params.filter, ['inventory'])) {
      let apps: unknown;
      try {
        apps = (JSON.parse(d.inventory as string) as { apps?: unknown }).apps;
      } catch {
        continue;
      }
      if (!Array.isArray(apps)) continue;
      for (const app of apps as { identifier?: unknown; name?: unknown; version?: unknown }[]) {
        if (typeof app?.identifier !== 'string') continue;
        const version = typeof app.version === 'string' ? app.version : null;
        const key = `${app.identifier}\u0000${version ?? ''}`;
        const entry = counts.get(key) ?? { identifier: app.identifier, name: typeof app.name === 'string' ? app.name : null, version, n: 0 };
        entry.n++;
        counts.set(key, entry);
      }
    }
    const sorted = [...counts.values()].sort(
      (a, b) => b.n - a.n || a.identifier.localeCompare(b.identifier) || (a.version ?? '').localeCompare(b.version ?? ''),
    );
    for (const e of sorted) yield [e.identifier, e.name, e.version, e.n];
  }

  private async *osVersions(params: ReportParams) {
    let query = this.db
      .selectFrom('devices')
      .select(['platform', 'os_version', sql<number>`count(*)`.as('n')])
      .groupBy(['platform', 'os_version', 'os_version_key']);
    if (!isEmptyFilter(params.filter)) query = query.where((eb) => deviceFilterExpression(eb, params.filter, this.dialect));
    const rows = await query.orderBy('platform').orderBy(sql`os_version_key desc nulls last`).execute();
    for (const r of rows) yield [r.platform, r.os_version, Number(r.n)];
  }

  private async *violations(params: ReportParams) {
    let after: string | null = null;
    for (;;) {
      let query = this.db
        .selectFrom('compliance_status')
        .innerJoin('devices', 'devices.id', 'compliance_status.device_id')
        .select(['devices.id', 'devices.name', 'devices.platform', 'compliance_status.reasons'])
        .where('compliance_status.state', '!=', 'compliant');
      if (!isEmptyFilter(params.filter)) query = query.where((eb) => deviceFilterExpression(eb, params.filter, this.dialect));
      if (after) query = query.where('devices.id', '>', after);
      const page = await query.orderBy('devices.id').limit(PAGE).execute();
      const since = new Map<string, number>();
      if (page.length) {
        const open = await this.db
          .selectFrom('compliance_violations')
          .select(['device_id', 'rule_id', 'since'])
          .where(
            'device_id',
            'in',
            page.map((p) => p.id),
          )
          .execute();
        for (const v of open) since.set(`${v.device_id}:${v.rule_id}`, v.since);
      }
      for (const r of page) {
        for (const reason of JSON.parse(r.reasons) as ComplianceReason[]) {
          if (reason.outcome !== 'fail') continue;
          yield [r.name, r.platform, reason.rule, reason.message, iso(since.get(`${r.id}:${reason.ruleId}`) ?? null)];
        }
      }
      if (page.length < PAGE) return;
      after = page[page.length - 1]?.id ?? null;
    }
  }

  private async *commandOutcomes(params: ReportParams) {
    let query = this.db
      .selectFrom('command_deliveries')
      .innerJoin('commands', 'commands.id', 'command_deliveries.command_id')
      .select(['commands.type', 'command_deliveries.state', sql<number>`count(*)`.as('n')])
      .groupBy(['commands.type', 'command_deliveries.state']);
    if (params.from !== undefined) query = query.where('commands.created_at', '>=', params.from);
    if (params.to !== undefined) query = query.where('commands.created_at', '<', params.to);
    if (!isEmptyFilter(params.filter)) {
      const filter = params.filter;
      query = query.where('command_deliveries.device_id', 'in', (eb) =>
        eb
          .selectFrom('devices')
          .select('devices.id')
          .where((e) => deviceFilterExpression(e, filter, this.dialect)),
      );
    }
    const rows = await query.orderBy('commands.type').orderBy('command_deliveries.state').execute();
    for (const r of rows) yield [r.type, r.state, Number(r.n)];
  }

  private async *auditTrail(params: ReportParams) {
    let before: string | null = null;
    for (;;) {
      let query = this.db.selectFrom('audit_events').selectAll();
      if (params.from !== undefined) query = query.where('at', '>=', params.from);
      if (params.to !== undefined) query = query.where('at', '<', params.to);
      if (before) query = query.where('id', '<', before);
      const page = await query.orderBy('id', 'desc').limit(PAGE).execute();
      for (const r of page) yield [iso(r.at), r.actor_label, r.actor_type, r.action, r.target_type, r.target_id, r.outcome, r.status_code];
      if (page.length < PAGE) return;
      before = page[page.length - 1]?.id ?? null;
    }
  }
}
