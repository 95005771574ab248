import { Badge, Paper, Table, Text } from '@mantine/core';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMore } from '../../components/LoadMore';
import { OUTCOME_COLORS, useAuditEvents } from '../../lib/audit';
import { formatDateTime } from '../../lib/format';

/** What people did to this device through the console or the API (renames, reassignments, retirement). */
export function DeviceAuditTrail({ deviceId }: { deviceId: string }) {
  const { events, items } = useAuditEvents({ targetId: deviceId }, 50);
  return (
    <>
      <ErrorAlert error={events.error} title="Could not load the audit trail" />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={600}>
          <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Audit trail">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Time</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Changes</Table.Th>
                <Table.Th>Outcome</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((event) => (
                <Table.Tr key={event.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(event.at)}</Table.Td>
                  <Table.Td>{event.actor.label ?? event.actor.type}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {event.action}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed" ff="monospace" lineClamp={2} style={{ wordBreak: 'break-word' }}>
                      {describeDetails(event.details)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={OUTCOME_COLORS[event.outcome]}>
                      {event.outcome}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
              {events.data && items.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <Text c="dimmed" ta="center" py="lg">
                      No changes recorded for this device.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <LoadMore query={events} label="Load older events" />
    </>
  );
}

function describeDetails(details: unknown): string {
  if (details === null || details === undefined) return '—';
  if (typeof details !== 'object') return String(details);
  return Object.entries(details as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}
