import { Badge } from '@mantine/core';
import type { Device } from '../api/types';

const COMPLIANCE: Record<Device['complianceState'], { color: string; label: string }> = {
  compliant: { color: 'teal', label: 'Compliant' },
  noncompliant: { color: 'red', label: 'Not compliant' },
  unknown: { color: 'gray', label: 'Unknown' },
};

export function ComplianceBadge({ state }: { state: Device['complianceState'] }) {
  const { color, label } = COMPLIANCE[state];
  return (
    <Badge color={color} variant="light" size="sm">
      {label}
    </Badge>
  );
}

const ENROLLMENT: Record<Exclude<Device['enrollmentState'], 'enrolled'>, string> = {
  pending: 'Pending',
  unenrolled: 'Unenrolled',
  retired: 'Retired',
};

/** Nothing for an enrolled device, which is the normal case. */
export function EnrollmentBadge({ state }: { state: Device['enrollmentState'] }) {
  if (state === 'enrolled') return null;
  return (
    <Badge color={state === 'pending' ? 'yellow' : 'gray'} variant="outline" size="xs">
      {ENROLLMENT[state]}
    </Badge>
  );
}
