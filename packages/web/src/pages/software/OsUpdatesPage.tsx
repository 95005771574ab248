import { Button, Group, Modal, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../api/client';
import { usePermission } from '../../api/session';
import type { Platform } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { PlusIcon } from '../../components/icons';
import { formatDateTime } from '../../lib/format';
import { PLATFORM_LABELS, PLATFORM_OPTIONS, isPlatform } from '../../lib/vocabulary';
import { useGroupOptions } from '../policies/shared';

const VERSION = /^[0-9]+(\.[0-9]+){0,3}$/;

/** Minimum OS versions per group and platform, each with an optional deadline. */
export function OsUpdatesPage() {
  const canWrite = usePermission('os_updates.write');
  const [setting, setSetting] = useState(false);
  const targets = useQuery({ queryKey: ['os-updates'], queryFn: () => call(api.GET('/api/v1/os-updates')) });
  const { nameOf } = useGroupOptions();

  return (
    <>
      <PageHeader
        title="OS updates"
        description="Devices of a group on an older OS are asked to update; after the deadline the update installs without asking where the platform allows it."
        actions={
          canWrite ? (
            <Button leftSection={<PlusIcon />} onClick={() => setSetting(true)}>
              Set a target
            </Button>
          ) : null
        }
      />
      <ErrorAlert error={targets.error} title="Could not load OS update targets" />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="OS update targets">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Group</Table.Th>
                <Table.Th>Platform</Table.Th>
                <Table.Th>Minimum version</Table.Th>
                <Table.Th>Deadline</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {targets.data?.items.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>{nameOf(t.groupId)}</Table.Td>
                  <Table.Td>{isPlatform(t.platform) ? PLATFORM_LABELS[t.platform] : t.platform}</Table.Td>
                  <Table.Td>{t.minimumVersion}</Table.Td>
                  <Table.Td>{t.deadline ? formatDateTime(t.deadline) : 'None'}</Table.Td>
                </Table.Tr>
              ))}
              {targets.data?.items.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={4}>
                    <Text c="dimmed" ta="center" py="lg">
                      No OS update target.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Modal opened={setting} onClose={() => setSetting(false)} title="Set an OS update target" size="md">
        {setting ? <TargetForm onDone={() => setSetting(false)} /> : null}
      </Modal>
    </>
  );
}

function TargetForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const { options } = useGroupOptions(true);
  const [groupId, setGroupId] = useState<string | null>(null);
  const [platform, setPlatform] = useState<Platform>('ios');
  const [version, setVersion] = useState('');
  const [deadline, setDeadline] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const versionError = VERSION.test(version.trim()) ? undefined : 'A version such as 17.4';
  const deadlineError = deadline && Number.isNaN(Date.parse(deadline)) ? 'A date and time' : undefined;
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PUT('/api/v1/os-updates', {
          body: { groupId: groupId ?? '', platform, minimumVersion: version.trim(), deadline: deadline ? new Date(deadline).toISOString() : null },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['os-updates'] });
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!groupId || versionError || deadlineError) return;
    save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Select
          label="Group"
          required
          data={options}
          value={groupId}
          onChange={setGroupId}
          searchable
          error={submitted && !groupId ? 'Pick a group.' : undefined}
          data-autofocus
        />
        <Select label="Platform" data={PLATFORM_OPTIONS} value={platform} onChange={(v) => isPlatform(v) && setPlatform(v)} allowDeselect={false} />
        <TextInput
          label="Minimum version"
          required
          value={version}
          onChange={(e) => setVersion(e.currentTarget.value)}
          error={submitted ? versionError : undefined}
        />
        <TextInput label="Deadline" type="datetime-local" value={deadline} onChange={(e) => setDeadline(e.currentTarget.value)} error={deadlineError} />
        <ErrorAlert error={save.error} title="Could not set the target" />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save target
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
