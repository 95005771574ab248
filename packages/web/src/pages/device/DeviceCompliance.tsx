import { Group, List, Paper, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatRelative } from '../../lib/format';
import { StateBadge } from '../policies/shared';

/** Why the device is (not) compliant, when actions are due, and how its state changed over time. */
export function DeviceCompliance({ deviceId }: { deviceId: string }) {
  const compliance = useQuery({
    queryKey: ['devices', 'detail', deviceId, 'compliance'],
    queryFn: () => call(api.GET('/api/v1/devices/{id}/compliance', { params: { path: { id: deviceId }, query: { limit: 50 } } })),
  });
  if (compliance.isPending) return <Skeleton height={160} />;
  if (compliance.isError) return <ErrorAlert error={compliance.error} title="Could not load the device's compliance" />;
  const c = compliance.data;
  const failing = c.reasons.filter((r) => r.outcome !== 'compliant');

  return (
    <Stack gap="lg">
      <Paper withBorder radius="md" p="md" component="section" aria-labelledby="compliance-now-heading">
        <Group gap="sm" mb="sm">
          <Title order={2} size="h4" id="compliance-now-heading">
            Compliance now
          </Title>
          <StateBadge state={c.state} />
        </Group>
        <Text size="sm" c="dimmed" mb="sm">
          {c.evaluatedAt ? `Evaluated ${formatRelative(c.evaluatedAt)} (${formatDateTime(c.evaluatedAt)}).` : 'Not evaluated yet.'}
        </Text>
        {failing.length ? (
          <List size="sm" spacing={4} aria-label="Reasons" data-testid="compliance-reasons">
            {failing.map((r) => {
              const violation = c.violations.find((v) => v.ruleId === r.ruleId);
              return (
                <List.Item key={r.ruleId}>
                  <b>{r.rule}</b>: {r.message}
                  {r.outcome === 'unknown' ? ' (not reported)' : ''}
                  {violation ? (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      · since {formatDateTime(violation.since)}
                      {violation.actionsFired?.length
                        ? ` · actions taken: ${violation.actionsFired.join(', ')}`
                        : ` · actions due ${formatDateTime(violation.actionsDueAt)}`}
                    </Text>
                  ) : null}
                </List.Item>
              );
            })}
          </List>
        ) : c.reasons.length ? (
          <Text size="sm">Every rule assigned to this device passes ({c.reasons.map((r) => r.rule).join(', ')}).</Text>
        ) : (
          <Text size="sm">No compliance rule applies to this device.</Text>
        )}
      </Paper>

      <Paper withBorder radius="md" p="md" component="section" aria-labelledby="compliance-history-heading">
        <Title order={2} size="h4" id="compliance-history-heading" mb="sm">
          History
        </Title>
        {c.history.length === 0 ? (
          <Text size="sm" c="dimmed">
            No change recorded yet.
          </Text>
        ) : (
          <Table aria-label="Compliance history" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Reasons</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {c.history.map((h) => (
                <Table.Tr key={h.at}>
                  <Table.Td>{formatDateTime(h.at)}</Table.Td>
                  <Table.Td>
                    <StateBadge state={h.state} />
                  </Table.Td>
                  <Table.Td>
                    {h.reasons
                      .filter((r) => r.outcome !== 'compliant')
                      .map((r) => `${r.rule}: ${r.message}`)
                      .join('; ') || '—'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </Stack>
  );
}
