import { Badge, Button, Group, Modal, MultiSelect, Paper, Radio, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client';
import { usePermission } from '../api/session';
import type { DeviceFilter, Group as DeviceGroup, Platform } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { PlusIcon } from '../components/icons';
import { formatCount, formatDateTime } from '../lib/format';
import { PLATFORM_LABELS, PLATFORM_OPTIONS, isPlatform } from '../lib/vocabulary';

/** The server's rule for a version bound: starts with a digit, then digits, letters, dots, dashes, parentheses. */
const VERSION = /^[0-9][0-9A-Za-z.()-]*$/;

export function GroupsPage() {
  const canWrite = usePermission('groups.write');
  const [creating, createModal] = useDisclosure(false);
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => call(api.GET('/api/v1/groups')) });

  return (
    <>
      <PageHeader
        title="Groups"
        description="Static groups hold the devices you pick; smart groups follow a filter as devices change."
        actions={
          canWrite ? (
            <Button leftSection={<PlusIcon />} onClick={createModal.open}>
              New group
            </Button>
          ) : null
        }
      />
      <ErrorAlert error={groups.error} title="Could not load groups" />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Groups">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Filter</Table.Th>
                <Table.Th ta="right">Members</Table.Th>
                <Table.Th>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {groups.data?.items.map((group) => (
                <Table.Tr key={group.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {group.name}
                    </Text>
                    {group.description ? (
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {group.description}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={group.kind === 'smart' ? 'violet' : 'gray'} size="sm">
                      {group.kind === 'smart' ? 'Smart' : 'Static'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={group.kind === 'smart' ? undefined : 'dimmed'}>
                      {group.kind === 'smart' ? describeFilter(group.filter) : 'Picked by hand'}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">{group.memberCount.toLocaleString()}</Table.Td>
                  <Table.Td>{formatDateTime(group.updatedAt)}</Table.Td>
                </Table.Tr>
              ))}
              {groups.data?.items.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <Text c="dimmed" ta="center" py="lg">
                      No groups yet.{canWrite ? ' Create one to target policies and commands at many devices at once.' : ''}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Modal opened={creating} onClose={createModal.close} title="New group" size="lg">
        {creating ? <CreateGroupForm onDone={createModal.close} /> : null}
      </Modal>
    </>
  );
}

/** A smart group's filter in words: "iOS, iPadOS · OS below 17.4 · matching “sales”". */
export function describeFilter(filter: DeviceGroup['filter']): string {
  if (!filter) return 'All devices';
  const parts: string[] = [];
  const platforms = Array.isArray(filter.platform) ? filter.platform.filter(isPlatform) : [];
  if (platforms.length) parts.push(platforms.map((p) => PLATFORM_LABELS[p]).join(', '));
  if (typeof filter.osVersionBelow === 'string') parts.push(`OS below ${filter.osVersionBelow}`);
  if (typeof filter.osVersionAtLeast === 'string') parts.push(`OS ${filter.osVersionAtLeast} or later`);
  if (typeof filter.search === 'string') parts.push(`matching “${filter.search}”`);
  const others = Object.keys(filter).filter((k) => !['platform', 'osVersionBelow', 'osVersionAtLeast', 'search'].includes(k));
  if (others.length) parts.push(`${others.length} more condition${others.length === 1 ? '' : 's'}`);
  return parts.length ? parts.join(' · ') : 'All devices';
}

function CreateGroupForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [kind, setKind] = useState<'static' | 'smart'>('static');
  const [platforms, setPlatforms] = useState<Platform[]>([]);
  const [osVersionBelow, setOsVersionBelow] = useState('');
  const [search, setSearch] = useState('');
  const [submitted, setSubmitted] = useState(false);

  const versionError = osVersionBelow.trim() && !VERSION.test(osVersionBelow.trim()) ? 'A version such as 17.4 or 10.0.22631' : undefined;
  const filter: DeviceFilter = {
    ...(platforms.length ? { platform: platforms } : {}),
    ...(osVersionBelow.trim() && !versionError ? { osVersionBelow: osVersionBelow.trim() } : {}),
    ...(search.trim() ? { search: search.trim() } : {}),
  };
  // Debounced by its text: a new object every render would never settle.
  const [previewKey] = useDebouncedValue(JSON.stringify(filter), 300);
  const preview = useQuery({
    queryKey: ['groups', 'preview', previewKey],
    queryFn: () => call(api.POST('/api/v1/groups/preview', { body: { filter: JSON.parse(previewKey) as DeviceFilter } })),
    enabled: kind === 'smart',
    placeholderData: keepPreviousData,
  });

  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/groups', {
          body: { name: name.trim(), kind, ...(description.trim() ? { description: description.trim() } : {}), ...(kind === 'smart' ? { filter } : {}) },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['groups'] });
      onDone();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!name.trim() || (kind === 'smart' && versionError)) return;
    create.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={submitted && !name.trim() ? 'Give the group a name.' : undefined}
          data-autofocus
        />
        <Textarea label="Description" maxLength={2000} autosize minRows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
        <Radio.Group label="Kind" value={kind} onChange={(value) => setKind(value === 'smart' ? 'smart' : 'static')}>
          <Stack gap="xs" mt="xs">
            <Radio value="static" label="Static" description="You choose the devices; membership changes only when you change it." />
            <Radio value="smart" label="Smart" description="Devices that match a filter; membership follows inventory as it changes." />
          </Stack>
        </Radio.Group>
        {kind === 'smart' ? (
          <Paper withBorder p="md" radius="md">
            <Stack gap="sm">
              <MultiSelect
                label="Platforms"
                placeholder={platforms.length ? undefined : 'Any platform'}
                data={PLATFORM_OPTIONS}
                value={platforms}
                onChange={(values) => setPlatforms(values.filter(isPlatform))}
                clearable
              />
              <TextInput
                label="OS version below"
                description="Devices running an older version than this, e.g. 17.4"
                maxLength={32}
                value={osVersionBelow}
                onChange={(e) => setOsVersionBelow(e.currentTarget.value)}
                error={versionError}
              />
              <TextInput label="Name, serial number or user contains" maxLength={200} value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
              <Text size="sm" aria-live="polite" data-testid="group-preview">
                {preview.data ? (
                  <>
                    <b>{formatCount(preview.data.count, 'device')}</b> match this filter now.
                  </>
                ) : preview.isError ? (
                  'Could not count the matching devices.'
                ) : (
                  'Counting matching devices…'
                )}
              </Text>
            </Stack>
          </Paper>
        ) : null}
        <ErrorAlert error={create.error} title="Could not create the group" />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create group
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
