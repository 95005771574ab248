import { Badge, Group, Paper, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { Command } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { LoadMore } from '../components/LoadMore';
import { PageHeader } from '../components/PageHeader';
import { formatDateTime } from '../lib/format';

const STATE_LABELS: Record<string, { label: string; color: string }> = {
  queued: { label: 'queued', color: 'gray' },
  not_now: { label: 'deferred', color: 'yellow' },
  sent: { label: 'sent', color: 'blue' },
  acknowledged: { label: 'done', color: 'teal' },
  error: { label: 'failed', color: 'red' },
  expired: { label: 'expired', color: 'orange' },
  cancelled: { label: 'cancelled', color: 'gray' },
};

/** The command queue, newest first: what was sent to whom, and how far it got. */
export function CommandsPage() {
  const commands = useInfiniteQuery({
    queryKey: ['commands'],
    queryFn: ({ pageParam }) => call(api.GET('/api/v1/commands', { params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = commands.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader title="Commands" description="Commands sent to devices, newest first, with their delivery progress." />
      <ErrorAlert error={commands.error} title="Could not load commands" />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Commands">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Command</Table.Th>
                <Table.Th>Target</Table.Th>
                <Table.Th ta="right">Devices</Table.Th>
                <Table.Th>Progress</Table.Th>
                <Table.Th>Sent by</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((command) => (
                <Table.Tr key={command.id}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm" fw={600}>
                        {command.type.replaceAll('_', ' ')}
                      </Text>
                      {command.kind === 'raw' ? (
                        <Badge size="xs" variant="outline">
                          raw {command.platform}
                        </Badge>
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>{describeTarget(command.target)}</Table.Td>
                  <Table.Td ta="right">{command.deviceCount.toLocaleString()}</Table.Td>
                  <Table.Td>
                    <Progress counts={command.counts} />
                  </Table.Td>
                  <Table.Td>{command.createdBy ?? '—'}</Table.Td>
                  <Table.Td>{formatDateTime(command.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
              {commands.data && items.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text c="dimmed" ta="center" py="lg">
                      No commands sent yet.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <LoadMore query={commands} label="Load older commands" />
    </>
  );
}

function Progress({ counts }: { counts: Command['counts'] }) {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (entries.length === 0) return <Text size="sm">—</Text>;
  return (
    <Group gap={4}>
      {entries.map(([state, n]) => (
        <Badge key={state} size="sm" variant="light" color={STATE_LABELS[state]?.color ?? 'gray'}>
          {n} {STATE_LABELS[state]?.label ?? state}
        </Badge>
      ))}
    </Group>
  );
}

function describeTarget(target: unknown): string {
  if (typeof target !== 'object' || target === null) return '—';
  if ('deviceIds' in target && Array.isArray(target.deviceIds)) return target.deviceIds.length === 1 ? 'One device' : `${target.deviceIds.length} devices`;
  if ('groupId' in target) return 'A group';
  if ('filter' in target) return 'Devices matching a filter';
  return '—';
}
