import { Type } from 'typebox';
import type { DeviceFilter } from '../../core/devices/device-filter.js';
import { DELIVERY_STATES } from '../../core/commands/command-queue.js';
import { COMPLIANCE_STATES, ENROLLMENT_STATES, OWNERSHIPS, PLATFORMS } from '../../core/devices/device-model.js';
import { Timestamp, Uuid, csv, splitCsv } from '../schemas.js';
import { ComplianceStateSchema, EnrollmentStateSchema, OwnershipSchema, PlatformSchema } from './dto.js';

const Version = Type.String({ minLength: 1, maxLength: 32, pattern: '^[0-9][0-9A-Za-z.()-]*$' });

/** The device filter as query-string parameters (lists comma-separated). */
export const DeviceFilterQuery = {
  platform: Type.Optional(csv(PLATFORMS)),
  ownership: Type.Optional(csv(OWNERSHIPS)),
  enrollmentState: Type.Optional(csv(ENROLLMENT_STATES)),
  complianceState: Type.Optional(csv(COMPLIANCE_STATES)),
  osVersionBelow: Type.Optional(Version),
  osVersionAtLeast: Type.Optional(Version),
  model: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  osVersion: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'An exact OS version as reported, e.g. 18.2.1.' })),
  deliveryState: Type.Optional(csv(DELIVERY_STATES)),
  assignedUser: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
  lastSeenBefore: Type.Optional(Timestamp),
  lastSeenAfter: Type.Optional(Timestamp),
  groupId: Type.Optional(Uuid),
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
};

/** The device filter as a JSON object (smart groups, command targets). */
export const DeviceFilterBody = Type.Object(
  {
    platform: Type.Optional(Type.Array(PlatformSchema, { maxItems: 6 })),
    ownership: Type.Optional(Type.Array(OwnershipSchema, { maxItems: 2 })),
    enrollmentState: Type.Optional(Type.Array(EnrollmentStateSchema, { maxItems: 4 })),
    complianceState: Type.Optional(Type.Array(ComplianceStateSchema, { maxItems: 3 })),
    osVersionBelow: Type.Optional(Version),
    osVersionAtLeast: Type.Optional(Version),
    model: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100 })),
    osVersion: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { maxItems: 100 })),
    deliveryState: Type.Optional(Type.Array(Type.Union(DELIVERY_STATES.map((s) => Type.Literal(s))), { maxItems: DELIVERY_STATES.length })),
    assignedUser: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
    lastSeenBefore: Type.Optional(Timestamp),
    lastSeenAfter: Type.Optional(Timestamp),
    groupId: Type.Optional(Uuid),
    search: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

type FilterFields = {
  platform?: string | string[] | undefined;
  ownership?: string | string[] | undefined;
  enrollmentState?: string | string[] | undefined;
  complianceState?: string | string[] | undefined;
  osVersionBelow?: string | undefined;
  osVersionAtLeast?: string | undefined;
  model?: string | string[] | undefined;
  osVersion?: string | string[] | undefined;
  deliveryState?: string | string[] | undefined;
  assignedUser?: string | undefined;
  lastSeenBefore?: string | undefined;
  lastSeenAfter?: string | undefined;
  groupId?: string | undefined;
  search?: string | undefined;
};

const list = <T extends string>(value: string | string[] | undefined): T[] | undefined => (Array.isArray(value) ? (value as T[]) : splitCsv<T>(value));

/** Either form, as the core's {@link DeviceFilter}. */
export function toDeviceFilter(input: FilterFields): DeviceFilter {
  return {
    platform: list(input.platform),
    ownership: list(input.ownership),
    enrollmentState: list(input.enrollmentState),
    complianceState: list(input.complianceState),
    osVersionBelow: input.osVersionBelow,
    osVersionAtLeast: input.osVersionAtLeast,
    model: Array.isArray(input.model) ? input.model : input.model ? [input.model] : undefined,
    osVersion: Array.isArray(input.osVersion) ? input.osVersion : input.osVersion ? [input.osVersion] : undefined,
    deliveryState: list(input.deliveryState),
    assignedUser: input.assignedUser,
    lastSeenBefore: input.lastSeenBefore ? Date.parse(input.lastSeenBefore) : undefined,
    lastSeenAfter: input.lastSeenAfter ? Date.parse(input.lastSeenAfter) : undefined,
    groupId: input.groupId,
    search: input.search,
  };
}

/** Back to the JSON form, for showing a stored smart-group filter. */
export function fromDeviceFilter(filter: DeviceFilter): Record<string, unknown> {
  const out: Record<string, unknown> = { ...filter };
  if (filter.lastSeenBefore !== undefined) out.lastSeenBefore = new Date(filter.lastSeenBefore).toISOString();
  if (filter.lastSeenAfter !== undefined) out.lastSeenAfter = new Date(filter.lastSeenAfter).toISOString();
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}
