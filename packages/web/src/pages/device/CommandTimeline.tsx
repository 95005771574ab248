import { Anchor, Badge, Code, Group, Paper, Skeleton, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useEffect, useRef, useState } from 'react';
import { api, call } from '../../api/client';
import type { DeviceCommand } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatRelative } from '../../lib/format';
import { DELIVERY_STATES, PENDING_STATES, commandLabel } from '../../lib/intents';
import { deviceQueryKey, timelineQueryKey } from './keys';

/** How often the timeline asks again while one of the device's commands is still on its way. */
const POLL_MS = 2_000;

export function DeliveryBadge({ state }: { state: string }) {
  const known = DELIVERY_STATES[state];
  return (
    <Badge variant="light" size="sm" color={known?.color ?? 'gray'}>
      {known?.label ?? state}
    </Badge>
  );
}

/** What was sent to this device, newest first, refreshed every two seconds while something is pending. */
export function CommandTimeline({ deviceId }: { deviceId: string }) {
  const [expanded, setExpanded] = useState<string | null>(null);
  const timeline = useQuery({
    queryKey: timelineQueryKey(deviceId),
    queryFn: () => call(api.GET('/api/v1/devices/{id}/commands', { params: { path: { id: deviceId }, query: { limit: 100 } } })),
    refetchInterval: (query) => (query.state.data?.items.some((c) => PENDING_STATES.includes(c.state)) ? POLL_MS : false),
    staleTime: 0,
  });
  const items = timeline.data?.items ?? [];

  // When a command completes, what the device reported (inventory, location, lost mode) may have changed.
  const queryClient = useQueryClient();
  const pending = items.filter((c) => PENDING_STATES.includes(c.state)).length;
  const previous = useRef(pending);
  useEffect(() => {
    if (pending < previous.current) void queryClient.invalidateQueries({ queryKey: deviceQueryKey(deviceId) });
    previous.current = pending;
  }, [pending, deviceId, queryClient]);

  return (
    <Stack gap="sm">
      <ErrorAlert error={timeline.error} title="Could not load the command timeline" />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Command timeline">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Command</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Sent by</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Delivered</Table.Th>
                <Table.Th>Completed</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Details</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {timeline.isPending
                ? ['a', 'b'].map((k) => (
                    <Table.Tr key={k} aria-hidden="true">
                      <Table.Td colSpan={7}>
                        <Skeleton height={12} />
                      </Table.Td>
                    </Table.Tr>
                  ))
                : null}
              {items.map((command) => {
                const open = expanded === command.commandId;
                const hasDetails = command.result !== null || command.state === 'error';
                return (
                  <Fragment key={command.commandId}>
                    <Table.Tr>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Group gap={6} wrap="nowrap">
                          <Text size="sm" fw={600}>
                            {commandLabel(command.type)}
                          </Text>
                          {command.kind === 'raw' ? (
                            <Badge size="xs" variant="outline">
                              raw
                            </Badge>
                          ) : null}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <DeliveryBadge state={command.state} />
                      </Table.Td>
                      <Table.Td>{command.createdBy ?? '—'}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <When iso={command.createdAt} />
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <When iso={command.sentAt} />
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <When iso={command.completedAt} />
                      </Table.Td>
                      <Table.Td ta="right">
                        {hasDetails ? (
                          <Anchor
                            component="button"
                            type="button"
                            size="sm"
                            aria-expanded={open}
                            aria-controls={`command-${command.commandId}`}
                            onClick={() => setExpanded(open ? null : command.commandId)}
                          >
                            {open ? 'Hide' : command.state === 'error' ? 'Error' : 'Result'}
                          </Anchor>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                    {open ? (
                      <Table.Tr id={`command-${command.commandId}`}>
                        <Table.Td colSpan={7} bg="var(--mantine-color-default-hover)">
                          <CommandDetails command={command} deviceId={deviceId} />
                        </Table.Td>
                      </Table.Tr>
                    ) : null}
                  </Fragment>
                );
              })}
              {timeline.data && items.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={7}>
                    <Text c="dimmed" ta="center" py="lg">
                      No commands sent to this device yet.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </Stack>
  );
}

/** "5 minutes ago", with the exact time on hover. */
function When({ iso }: { iso: string | null }) {
  if (!iso) return <>—</>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso)}
    </time>
  );
}

/** The device's answer; for a failure, the error the delivery recorded (read from the command on demand). */
function CommandDetails({ command, deviceId }: { command: DeviceCommand; deviceId: string }) {
  const failed = command.state === 'error';
  const delivery = useQuery({
    queryKey: ['commands', command.commandId, 'errors'],
    queryFn: () => call(api.GET('/api/v1/commands/{id}', { params: { path: { id: command.commandId }, query: { state: 'error', limit: 1000 } } })),
    enabled: failed,
  });
  const error = delivery.data?.deliveries.find((d) => d.deviceId === deviceId)?.error;
  return (
    <Stack gap="xs">
      {failed ? (
        <Text size="sm" c="red">
          {delivery.isPending ? 'Loading the error…' : (error ?? 'The device reported an error.')}
        </Text>
      ) : null}
      {command.result !== null ? (
        <Code block style={{ maxHeight: 320, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {JSON.stringify(command.result, null, 2)}
        </Code>
      ) : null}
    </Stack>
  );
}
