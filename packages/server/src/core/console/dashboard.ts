import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';

const DAY_MS = 86_400_000;

export interface DashboardOptions {
  /** A device not seen for this many days is stale. */
  staleDays: number;
  /** How many days of enrollments to chart. */
  enrollmentDays: number;
  /** The most common OS versions to list (the rest are summed into `other`). */
  osVersionLimit: number;
  now?: number;
}

export interface DashboardFigures {
  total: number;
  byPlatform: { platform: string; count: number }[];
  byOsVersion: { platform: string; osVersion: string | null; count: number }[];
  otherOsVersions: number;
  byCompliance: { state: string; count: number }[];
  /** One entry per UTC day from `since`, days without enrollments included (count 0). */
  enrollments: { day: string; count: number }[];
  attention: { noncompliant: number; stale: number; staleBefore: number; failedCommands: number };
  pending: { deliveries: number; devices: number };
}

/**
 * The fleet's aggregate figures for the dashboard, from a handful of GROUP BY queries that each read
 * one index (devices_facets, devices_platform_os, devices_enrolled, devices_last_seen,
 * command_deliveries_state) rather than the devices' rows.
 */
export class DashboardRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async figures(options: DashboardOptions): Promise<DashboardFigures> {
    const now = options.now ?? Date.now();
    const staleBefore = now - options.staleDays * DAY_MS;
    const today = Math.floor(now / DAY_MS);
    const firstDay = today - options.enrollmentDays + 1;
    const count = (n: unknown) => Number(n ?? 0);

    const [facets, versions, enrolled, stale, failed, pending] = await Promise.all([
      this.db
        .selectFrom('devices')
        .select(['platform', 'compliance_state', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(['platform', 'compliance_state'])
        .execute(),
      this.db
        .selectFrom('devices')
        .select(['platform', 'os_version', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(['platform', 'os_version'])
        .execute(),
      // Integer division of integers on both dialects: the UTC day number.
      this.db
        .selectFrom('devices')
        .select([sql<number>`${sql.ref('enrolled_at')} / ${sql.lit(DAY_MS)}`.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
        .where('enrolled_at', '>=', firstDay * DAY_MS)
        .groupBy(sql`${sql.ref('enrolled_at')} / ${sql.lit(DAY_MS)}`)
        .execute(),
      // Retired and unenrolled devices are not expected to check in.
      this.db
        .selectFrom('devices')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('last_seen_at', '<', staleBefore)
        .where('enrollment_state', '=', 'enrolled')
        .executeTakeFirst(),
      this.distinctDevicesWithDeliveries(['error']),
      Promise.all([
        this.db
          .selectFrom('command_deliveries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('state', 'in', ['queued', 'sent'])
          .executeTakeFirst(),
        this.distinctDevicesWithDeliveries(['queued', 'sent']),
      ]),
    ]);

    const byPlatform = new Map<string, number>();
    const byCompliance = new Map<string, number>();
    let total = 0;
    for (const row of facets) {
      const n = count(row.n);
      total += n;
      byPlatform.set(row.platform, (byPlatform.get(row.platform) ?? 0) + n);
      byCompliance.set(row.compliance_state, (byCompliance.get(row.compliance_state) ?? 0) + n);
    }
    const sortedVersions = versions.map((v) => ({ platform: v.platform, osVersion: v.os_version, count: count(v.n) })).sort((a, b) => b.count - a.count);
    const top = sortedVersions.slice(0, options.osVersionLimit);
    const perDay = new Map(enrolled.map((row) => [Number(row.day), count(row.n)]));
    const enrollments: DashboardFigures['enrollments'] = [];
    for (let day = firstDay; day <= today; day++) enrollments.push({ day: new Date(day * DAY_MS).toISOString().slice(0, 10), count: perDay.get(day) ?? 0 });

    return {
      total,
      byPlatform: [...byPlatform].map(([platform, n]) => ({ platform, count: n })).sort((a, b) => b.count - a.count),
      byOsVersion: top,
      otherOsVersions: sortedVersions.slice(options.osVersionLimit).reduce((sum, v) => sum + v.count, 0),
      byCompliance: [...byCompliance].map(([state, n]) => ({ state, count: n })),
      enrollments,
      attention: { noncompliant: byCompliance.get('noncompliant') ?? 0, stale: count(stale?.n), staleBefore, failedCommands: failed },
      pending: { deliveries: count(pending[0]?.n), devices: pending[1] },
    };
  }

  /** Changes whenever a device or a command delivery changes: two index-only lookups (devices_updated, command_deliveries_updated). */
  async marker(): Promise<string> {
    const [devices, deliveries] = await Promise.all([
      this.db
        .selectFrom('devices')
        .select((eb) => eb.fn.max('updated_at').as('m'))
        .executeTakeFirst(),
      this.db
        .selectFrom('command_deliveries')
        .select((eb) => eb.fn.max('updated_at').as('m'))
        .executeTakeFirst(),
    ]);
    // A deleted device leaves the newest change as it was: the cache's age limit covers that.
    return `${devices?.m ?? 0}/${deliveries?.m ?? 0}`;
  }

  /** How many devices have a delivery in one of these states: the device list's `deliveryState` filter, counted. */
  private async distinctDevicesWithDeliveries(states: string[]): Promise<number> {
    const row = await this.db
      .selectFrom('command_deliveries')
      .select((eb) => eb.fn.count<number>('device_id').distinct().as('n'))
      .where('state', 'in', states)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
