import { Badge, Button, Group, Modal, Paper, SegmentedControl, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../api/client';
import type { paths } from '../../api/schema';
import { usePermission } from '../../api/session';
import type { Platform } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { PlusIcon } from '../../components/icons';
import { PLATFORM_LABELS, PLATFORM_OPTIONS, isPlatform } from '../../lib/vocabulary';
import { useGroupOptions } from '../policies/shared';

type App = paths['/api/v1/apps']['get']['responses'][200]['content']['application/json']['items'][number];
type Install = 'required' | 'available' | 'blocked';
const INSTALL_COLORS: Record<string, string> = { required: 'teal', available: 'blue', blocked: 'red' };

/** The app catalogue: store apps by identifier, and where each is required, available or blocked. */
export function AppsPage() {
  const canWrite = usePermission('apps.write');
  const [adding, setAdding] = useState(false);
  const [assigning, setAssigning] = useState<App | null>(null);
  const apps = useQuery({ queryKey: ['apps'], queryFn: () => call(api.GET('/api/v1/apps')) });
  const { nameOf } = useGroupOptions();

  return (
    <>
      <PageHeader
        title="Apps"
        description="Apps devices get from their store (or as uploaded packages), assigned to groups as required, available or blocked."
        actions={
          canWrite ? (
            <Button leftSection={<PlusIcon />} onClick={() => setAdding(true)}>
              Add store app
            </Button>
          ) : null
        }
      />
      <ErrorAlert error={apps.error} title="Could not load apps" />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Apps">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Platform</Table.Th>
                <Table.Th>Identifier</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Assigned</Table.Th>
                <Table.Th>{canWrite ? 'Assign' : ''}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {apps.data?.items.map((app) => (
                <Table.Tr key={app.id}>
                  <Table.Td fw={600}>
                    {app.name}{' '}
                    {app.kind === 'package' ? (
                      <Badge size="xs" variant="light" color="gray">
                        package
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{isPlatform(app.platform) ? PLATFORM_LABELS[app.platform] : app.platform}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {app.identifier}
                    </Text>
                  </Table.Td>
                  <Table.Td>{app.version ?? 'latest'}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {app.assignments.length === 0
                        ? '—'
                        : app.assignments.map((a) => (
                            <Badge key={a.groupId} size="sm" variant="light" color={INSTALL_COLORS[a.install] ?? 'gray'}>
                              {nameOf(a.groupId)}: {a.install}
                            </Badge>
                          ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {canWrite ? (
                      <Button size="xs" variant="default" onClick={() => setAssigning(app)} aria-label={`Assign ${app.name}`}>
                        Assign
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
              {apps.data?.items.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text c="dimmed" ta="center" py="lg">
                      The catalogue is empty.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Modal opened={adding} onClose={() => setAdding(false)} title="Add store app" size="md">
        {adding ? <AddAppForm onDone={() => setAdding(false)} /> : null}
      </Modal>
      <Modal opened={assigning !== null} onClose={() => setAssigning(null)} title={`Assign ${assigning?.name ?? ''}`} size="md">
        {assigning ? <AssignAppForm app={assigning} onDone={() => setAssigning(null)} /> : null}
      </Modal>
    </>
  );
}

function AddAppForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [platform, setPlatform] = useState<Platform>('ios');
  const [identifier, setIdentifier] = useState('');
  const [version, setVersion] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/apps', {
          body: { name: name.trim(), platform, identifier: identifier.trim(), ...(version.trim() ? { version: version.trim() } : {}) },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['apps'] });
      onDone();
    },
  });
  const idError = /^\S+$/.test(identifier.trim()) ? undefined : 'Bundle ID, package name, winget id or Debian package, without spaces';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!name.trim() || idError) return;
    add.mutate();
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
        <Select label="Platform" data={PLATFORM_OPTIONS} value={platform} onChange={(v) => isPlatform(v) && setPlatform(v)} allowDeselect={false} />
        <TextInput
          label="Identifier"
          required
          value={identifier}
          onChange={(e) => setIdentifier(e.currentTarget.value)}
          error={submitted ? idError : undefined}
        />
        <TextInput label="Version" description="Empty: the store's latest" value={version} onChange={(e) => setVersion(e.currentTarget.value)} />
        <ErrorAlert error={add.error} title="Could not add the app" />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={add.isPending}>
            Add app
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Adds (or changes) one group's assignment; the others are kept. */
function AssignAppForm({ app, onDone }: { app: App; onDone: () => void }) {
  const queryClient = useQueryClient();
  const { options } = useGroupOptions(true);
  const [groupId, setGroupId] = useState<string | null>(null);
  const [install, setInstall] = useState<Install>('required');
  const assign = useMutation({
    mutationFn: () => {
      const others = app.assignments
        .filter((a) => a.groupId !== groupId)
        .map((a) => ({
          groupId: a.groupId,
          install: a.install as Install,
          ...(a.configuration ? { configuration: a.configuration as Record<string, unknown> } : {}),
        }));
      return call(
        api.PUT('/api/v1/apps/{id}/assignments', { params: { path: { id: app.id } }, body: { assignments: [...others, { groupId: groupId ?? '', install }] } }),
      );
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['apps'] });
      onDone();
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (groupId) assign.mutate();
      }}
      noValidate
    >
      <Stack gap="md">
        <Select label="Group" data={options} value={groupId} onChange={setGroupId} searchable data-autofocus />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="install-label">
            Install
          </Text>
          <SegmentedControl
            aria-labelledby="install-label"
            data={[
              { value: 'required', label: 'Required' },
              { value: 'available', label: 'Available' },
              { value: 'blocked', label: 'Blocked' },
            ]}
            value={install}
            onChange={(v) => setInstall(v as Install)}
          />
        </Stack>
        <ErrorAlert error={assign.error} title="Could not assign the app" />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={assign.isPending} disabled={!groupId}>
            Assign
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
