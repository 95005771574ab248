import { Anchor, Autocomplete, Badge, Button, Group, Paper, Table, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../components/ErrorAlert';
import { LoadMore } from '../components/LoadMore';
import { PageHeader } from '../components/PageHeader';
import { DownloadIcon } from '../components/icons';
import { OUTCOME_COLORS, useAuditEvents } from '../lib/audit';
import { formatDateTime } from '../lib/format';
import { AUDIT_ACTIONS } from '../lib/vocabulary';

const route = getRouteApi('/signed-in/audit');

/** Who did what, when, to what, and whether it worked. Read-only, as the API is. */
export function AuditPage() {
  const { action } = route.useSearch();
  const navigate = route.useNavigate();
  const [text, setText] = useState(action ?? '');
  const [debounced] = useDebouncedValue(text.trim(), 300);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled filter updates the URL
  useEffect(() => {
    if ((action ?? '') !== debounced) void navigate({ search: { action: debounced || undefined }, replace: true });
  }, [debounced]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the URL (back, forward, links), not the box
  useEffect(() => {
    if ((action ?? '') !== text.trim()) setText(action ?? '');
  }, [action]);

  const { events, items } = useAuditEvents({ action }, 100);
  const exportHref = `/api/v1/audit-events/export.csv${action ? `?${new URLSearchParams({ action })}` : ''}`;

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made through the console or the API, newest first."
        actions={
          <Button component="a" href={exportHref} download variant="default" leftSection={<DownloadIcon />}>
            Export CSV
          </Button>
        }
      />
      <Group mb="md" align="flex-end">
        <Autocomplete
          label="Action"
          placeholder="Any action, e.g. auth.login"
          data={AUDIT_ACTIONS}
          value={text}
          onChange={setText}
          maxLength={100}
          w={{ base: '100%', xs: 320 }}
          clearable
        />
      </Group>
      <ErrorAlert error={events.error} title="Could not load the audit log" />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Audit events">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Time</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Target</Table.Th>
                <Table.Th>Outcome</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((event) => (
                <Table.Tr key={event.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(event.at)}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{event.actor.label ?? (event.actor.type === 'anonymous' ? 'Anonymous' : event.actor.type)}</Text>
                    {event.sourceIp ? (
                      <Text size="xs" c="dimmed">
                        {event.sourceIp}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Anchor
                      component="button"
                      type="button"
                      size="sm"
                      ff="monospace"
                      ta="left"
                      onClick={() => setText(event.action)}
                      title={`Show only ${event.action}`}
                    >
                      {event.action}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{event.target.type ?? '—'}</Text>
                    {event.target.id ? (
                      <Text size="xs" c="dimmed" ff="monospace">
                        {event.target.id}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={OUTCOME_COLORS[event.outcome]}>
                      {event.outcome}
                      {event.statusCode ? ` · ${event.statusCode}` : ''}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
              {events.data && items.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <Text c="dimmed" ta="center" py="lg">
                      {action ? `No events with the action ${action}.` : 'No events yet.'}
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
