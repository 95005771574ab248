import { Alert, Badge, Button, Code, Group, Modal, MultiSelect, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../api/client';
import type { paths } from '../../api/schema';
import { usePermission } from '../../api/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { PlusIcon } from '../../components/icons';
import { formatDateTime } from '../../lib/format';
import { StateBadge } from '../policies/shared';

type EventType = NonNullable<paths['/api/v1/webhooks']['post']['requestBody']>['content']['application/json']['eventTypes'][number];
const EVENT_TYPES: { value: EventType; label: string }[] = [
  { value: '*', label: 'Every event' },
  { value: 'device.enrolled', label: 'Device enrolled' },
  { value: 'device.unenrolled', label: 'Device unenrolled' },
  { value: 'device.retired', label: 'Device retired' },
  { value: 'command.failed', label: 'Command failed' },
  { value: 'compliance.changed', label: 'Compliance changed' },
  { value: 'compliance.grace_expired', label: 'Compliance grace period over' },
  { value: 'policy.failed', label: 'Policy failed' },
  { value: 'report.delivered', label: 'Report delivered' },
  { value: 'webhook.test', label: 'Test event' },
];
type Webhook = NonNullable<paths['/api/v1/webhooks']['get']['responses'][200]['content']['application/json']>['items'][number];

/** Endpoints that receive Steward's events, signed with a secret, with their delivery log. */
export function WebhooksPage() {
  const canWrite = usePermission('webhooks.write');
  const [creating, createModal] = useDisclosure(false);
  const [viewing, setViewing] = useState<Webhook | null>(null);
  const webhooks = useQuery({ queryKey: ['webhooks'], queryFn: () => call(api.GET('/api/v1/webhooks')) });

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Steward posts events to these URLs, signed with each webhook's secret, and retries failed deliveries."
        actions={
          canWrite ? (
            <Button leftSection={<PlusIcon />} onClick={createModal.open}>
              New webhook
            </Button>
          ) : null
        }
      />
      <ErrorAlert error={webhooks.error} title="Could not load webhooks" />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Webhooks">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>URL</Table.Th>
                <Table.Th>Events</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Delivery log</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {webhooks.data?.items.map((w) => (
                <Table.Tr key={w.id}>
                  <Table.Td fw={600}>{w.name}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace" lineClamp={1}>
                      {w.url}
                    </Text>
                  </Table.Td>
                  <Table.Td>{w.eventTypes.join(', ')}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" size="sm" color={w.enabled ? 'teal' : 'gray'}>
                      {w.enabled ? 'On' : 'Off'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="default" onClick={() => setViewing(w)} aria-label={`Deliveries of ${w.name}`}>
                      Deliveries
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
              {webhooks.data?.items.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <Text c="dimmed" ta="center" py="lg">
                      No webhooks yet.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Modal opened={creating} onClose={createModal.close} title="New webhook" size="lg">
        {creating ? <CreateWebhookForm onDone={createModal.close} /> : null}
      </Modal>
      <Modal opened={viewing !== null} onClose={() => setViewing(null)} title={`Deliveries of ${viewing?.name ?? ''}`} size="xl">
        {viewing ? <Deliveries webhook={viewing} canWrite={canWrite} /> : null}
      </Modal>
    </>
  );
}

function CreateWebhookForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('https://');
  const [eventTypes, setEventTypes] = useState<string[]>(['*']);
  const [submitted, setSubmitted] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/webhooks', {
          body: { name: name.trim(), url: url.trim(), eventTypes: EVENT_TYPES.filter((e) => eventTypes.includes(e.value)).map((e) => e.value) },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['webhooks'] }),
  });
  const urlError = /^https?:\/\/[^\s/]+/.test(url.trim()) ? undefined : 'A URL such as https://example.com/hooks/steward (http only if the server allows it)';

  if (create.data) {
    return (
      <Stack gap="md">
        <Alert color="teal" variant="light" title="Webhook created">
          Copy its signing secret now: it is not shown again. Each delivery carries an HMAC-SHA256 signature made with it.
        </Alert>
        <TextInput label="Signing secret" value={create.data.secret} readOnly onFocus={(e) => e.currentTarget.select()} />
        <Group justify="flex-end">
          <Button onClick={onDone}>Done</Button>
        </Group>
      </Stack>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!name.trim() || urlError || eventTypes.length === 0) return;
    create.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={submitted && !name.trim() ? 'Give it a name.' : undefined}
          data-autofocus
        />
        <TextInput label="URL" required value={url} onChange={(e) => setUrl(e.currentTarget.value)} error={submitted ? urlError : undefined} />
        <MultiSelect
          label="Events"
          data={EVENT_TYPES}
          value={eventTypes}
          onChange={setEventTypes}
          error={submitted && eventTypes.length === 0 ? 'Pick at least one event.' : undefined}
        />
        <ErrorAlert error={create.error} title="Could not create the webhook" />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create webhook
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Deliveries({ webhook, canWrite }: { webhook: Webhook; canWrite: boolean }) {
  const deliveries = useQuery({
    queryKey: ['webhooks', webhook.id, 'deliveries'],
    queryFn: () => call(api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id: webhook.id }, query: { limit: 50 } } })),
    refetchInterval: 5_000,
  });
  const test = useMutation({
    mutationFn: () => call(api.POST('/api/v1/webhooks/{id}/test', { params: { path: { id: webhook.id } } })),
    onSuccess: () => deliveries.refetch(),
  });
  return (
    <Stack gap="md">
      {canWrite ? (
        <Group>
          <Button variant="default" onClick={() => test.mutate()} loading={test.isPending}>
            Send a test event
          </Button>
        </Group>
      ) : null}
      <ErrorAlert error={test.error ?? deliveries.error} title="Could not load or send" />
      <Table aria-label="Deliveries" verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Event</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Attempts</Table.Th>
            <Table.Th>Last answer</Table.Th>
            <Table.Th>When</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {deliveries.data?.items.map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>{d.eventType}</Table.Td>
              <Table.Td>
                <StateBadge state={d.state} />
              </Table.Td>
              <Table.Td>{d.attempts}</Table.Td>
              <Table.Td>
                {d.lastStatusCode ? <Code>{d.lastStatusCode}</Code> : null} {d.lastError ?? ''}
                {d.nextAttemptAt ? (
                  <Text size="xs" c="dimmed">
                    Next try {formatDateTime(d.nextAttemptAt)}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>{formatDateTime(d.updatedAt)}</Table.Td>
            </Table.Tr>
          ))}
          {deliveries.data?.items.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={5}>
                <Text c="dimmed" ta="center" py="md">
                  Nothing delivered yet.
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : null}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
