import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import type { ComplianceState, EnrollmentState, Ownership, Platform } from './device-model.js';
import { osVersionKey } from './device-model.js';

/**
 * One filter language for the device list, smart groups and command targets.
 * Every field narrows the set (AND); list fields match any of their values (OR).
 */
export interface DeviceFilter {
  platform?: Platform[] | undefined;
  ownership?: Ownership[] | undefined;
  enrollmentState?: EnrollmentState[] | undefined;
  complianceState?: ComplianceState[] | undefined;
  /** OS version comparisons, compared numerically part by part ("17.4" < "18"). */
  osVersionBelow?: string | undefined;
  osVersionAtLeast?: string | undefined;
  model?: string[] | undefined;
  /** Exact OS versions as the device reports them ("18.2.1"), e.g. one bar of the dashboard's chart. */
  osVersion?: string[] | undefined;
  /** Devices with at least one command delivery in one of these states ("error": a failed command, "queued"/"sent": pending). */
  deliveryState?: string[] | undefined;
  assignedUser?: string | undefined;
  /** Epoch milliseconds. */
  lastSeenBefore?: number | undefined;
  lastSeenAfter?: number | undefined;
  /** Members of this group. Not allowed inside a smart group's own filter. */
  groupId?: string | undefined;
  /** Case-insensitive substring of name, serial number, UDID/hardware ID, IMEI or assigned user. */
  search?: string | undefined;
}

const escapeLike = (value: string): string => `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The SQL condition for `filter` over the `devices` table. */
export function deviceFilterExpression(eb: ExpressionBuilder<DB, 'devices'>, filter: DeviceFilter, dialect: Dialect): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.platform?.length) conditions.push(eb('devices.platform', 'in', filter.platform));
  if (filter.ownership?.length) conditions.push(eb('devices.ownership', 'in', filter.ownership));
  if (filter.enrollmentState?.length) conditions.push(eb('devices.enrollment_state', 'in', filter.enrollmentState));
  if (filter.complianceState?.length) conditions.push(eb('devices.compliance_state', 'in', filter.complianceState));
  if (filter.model?.length) conditions.push(eb('devices.model', 'in', filter.model));
  if (filter.osVersion?.length) conditions.push(eb('devices.os_version', 'in', filter.osVersion));
  if (filter.deliveryState?.length) {
    const states = filter.deliveryState;
    conditions.push(
      eb.exists(
        eb
          .selectFrom('command_deliveries')
          .select(sql.lit(1).as('one'))
          .whereRef('command_deliveries.device_id', '=', 'devices.id')
          .where('command_deliveries.state', 'in', states),
      ),
    );
  }
  if (filter.assignedUser) conditions.push(eb('devices.assigned_user', '=', filter.assignedUser));
  const below = osVersionKey(filter.osVersionBelow);
  if (filter.osVersionBelow !== undefined) conditions.push(below ? eb('devices.os_version_key', '<', below) : sql<SqlBool>`1 = 0`);
  const atLeast = osVersionKey(filter.osVersionAtLeast);
  if (filter.osVersionAtLeast !== undefined) conditions.push(atLeast ? eb('devices.os_version_key', '>=', atLeast) : sql<SqlBool>`1 = 0`);
  if (filter.lastSeenBefore !== undefined) conditions.push(eb('devices.last_seen_at', '<', filter.lastSeenBefore));
  if (filter.lastSeenAfter !== undefined) conditions.push(eb('devices.last_seen_at', '>=', filter.lastSeenAfter));
  if (filter.groupId) {
    conditions.push(
      eb.exists(
        eb
          .selectFrom('group_members')
          .select(sql.lit(1).as('one'))
          .whereRef('group_members.device_id', '=', 'devices.id')
          .where('group_members.group_id', '=', filter.groupId),
      ),
    );
  }
  // SQLite: searches of three characters or more go through the trigram FTS5 index (migration 0006); the
  // phrase matches a substring of one column, case-insensitively, as the LIKE below does.
  if (filter.search && dialect === 'sqlite' && [...filter.search].length >= 3) {
    const phrase = `"${filter.search.replaceAll('"', '""')}"`;
    conditions.push(sql<SqlBool>`devices.rowid in (select rowid from devices_search where devices_search match ${phrase})`);
  } else if (filter.search) {
    const pattern = escapeLike(filter.search);
    const like = (column: string) =>
      dialect === 'postgres' ? sql<SqlBool>`${sql.ref(column)} ILIKE ${pattern} ESCAPE '\\'` : sql<SqlBool>`${sql.ref(column)} LIKE ${pattern} ESCAPE '\\'`;
    conditions.push(eb.or(['devices.name', 'devices.serial_number', 'devices.udid', 'devices.hardware_id', 'devices.imei', 'devices.assigned_user'].map(like)));
  }
  return eb.and(conditions);
}

export const isEmptyFilter = (filter: DeviceFilter): boolean => Object.values(filter).every((v) => v === undefined || (Array.isArray(v) && v.length === 0));
