import { Type } from 'typebox';
import type { DeviceRow } from '../../core/devices/device-repository.js';
import {
  CHANNELS,
  type Channel,
  COMPLIANCE_STATES,
  type ComplianceState,
  ENROLLMENT_STATES,
  type EnrollmentState,
  OWNERSHIPS,
  type Ownership,
  PLATFORMS,
  type Platform,
} from '../../core/devices/device-model.js';
import { iso } from '../../core/ids.js';
import { NullableTimestamp, Timestamp, Uuid } from '../schemas.js';

const literals = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
export const PlatformSchema = literals(PLATFORMS);
export const OwnershipSchema = literals(OWNERSHIPS);
export const ChannelSchema = literals(CHANNELS);
export const EnrollmentStateSchema = literals(ENROLLMENT_STATES);
export const ComplianceStateSchema = literals(COMPLIANCE_STATES);
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const DeviceSchema = Type.Object({
  id: Uuid,
  platform: PlatformSchema,
  channel: ChannelSchema,
  ownership: OwnershipSchema,
  enrollmentState: EnrollmentStateSchema,
  name: Type.String(),
  serialNumber: NullableString,
  udid: NullableString,
  hardwareId: NullableString,
  imei: NullableString,
  model: NullableString,
  osVersion: NullableString,
  assignedUser: NullableString,
  complianceState: ComplianceStateSchema,
  lastSeenAt: NullableTimestamp,
  enrolledAt: NullableTimestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const DeviceDetailSchema = Type.Evaluate(
  Type.Intersect([
    DeviceSchema,
    Type.Object({
      groupIds: Type.Array(Uuid),
      inventory: Type.Record(Type.String(), Type.Unknown()),
    }),
  ]),
);

export const toDevice = (row: DeviceRow) => ({
  id: row.id,
  platform: row.platform as Platform,
  channel: row.channel as Channel,
  ownership: row.ownership as Ownership,
  enrollmentState: row.enrollment_state as EnrollmentState,
  name: row.name,
  serialNumber: row.serial_number,
  udid: row.udid,
  hardwareId: row.hardware_id,
  imei: row.imei,
  model: row.model,
  osVersion: row.os_version,
  assignedUser: row.assigned_user,
  complianceState: row.compliance_state as ComplianceState,
  lastSeenAt: iso(row.last_seen_at),
  enrolledAt: iso(row.enrolled_at),
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});
