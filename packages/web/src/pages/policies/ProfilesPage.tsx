import { Badge, Button, FileInput, Group, List, Modal, Paper, Select, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api, call } from '../../api/client';
import { usePermission } from '../../api/session';
import type { Channel } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { PlusIcon } from '../../components/icons';
import { formatDateTime } from '../../lib/format';
import { GroupNames, GroupPicker } from './shared';

const CHANNELS: { value: Channel; label: string; hint: string }[] = [
  { value: 'apple', label: 'Apple (.mobileconfig)', hint: 'A configuration profile: an XML property list with PayloadContent.' },
  { value: 'windows', label: 'Windows (SyncML)', hint: 'SyncML Add/Replace commands for CSP nodes.' },
  { value: 'android', label: 'Android (policy JSON)', hint: 'An Android Management API policy fragment, as JSON.' },
  { value: 'agent', label: 'Agent (JSON)', hint: 'Checks for the Steward agent, as JSON.' },
];
const isChannel = (value: unknown): value is Channel => CHANNELS.some((c) => c.value === value);

/** Raw platform profiles: uploaded as they are, checked by their channel, assigned to groups. */
export function ProfilesPage() {
  const canWrite = usePermission('policies.write');
  const [uploading, uploadModal] = useDisclosure(false);
  const profiles = useQuery({ queryKey: ['profiles'], queryFn: () => call(api.GET('/api/v1/profiles')) });

  return (
    <>
      <PageHeader
        title="Profiles"
        description="Platform profiles you already have (a .mobileconfig, SyncML, a policy JSON), sent as they are to the devices of their platform."
        actions={
          canWrite ? (
            <Button leftSection={<PlusIcon />} onClick={uploadModal.open}>
              Upload profile
            </Button>
          ) : null
        }
      />
      <ErrorAlert error={profiles.error} title="Could not load profiles" />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Profiles">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Platform</Table.Th>
                <Table.Th>Identifier</Table.Th>
                <Table.Th>Checked</Table.Th>
                <Table.Th>Groups</Table.Th>
                <Table.Th>Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {profiles.data?.items.map((profile) => (
                <Table.Tr key={profile.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {profile.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>{CHANNELS.find((c) => c.value === profile.channel)?.label ?? profile.channel}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {profile.identifier ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" size="sm" color={profile.validated ? 'teal' : 'gray'}>
                      {profile.validated ? 'Valid' : 'Not checked'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      <GroupNames ids={profile.groupIds} />
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatDateTime(profile.updatedAt)}</Table.Td>
                </Table.Tr>
              ))}
              {profiles.data?.items.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text c="dimmed" ta="center" py="lg">
                      No profiles yet.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Modal opened={uploading} onClose={uploadModal.close} title="Upload profile" size="xl">
        {uploading ? <UploadProfileForm onDone={uploadModal.close} /> : null}
      </Modal>
    </>
  );
}

function UploadProfileForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [channel, setChannel] = useState<Channel>('apple');
  const [content, setContent] = useState('');
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [submitted, setSubmitted] = useState(false);

  const upload = useMutation({
    mutationFn: () => call(api.POST('/api/v1/profiles', { body: { name: name.trim(), channel, content, ...(groupIds.length ? { groupIds } : {}) } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['profiles'] });
      onDone();
    },
  });
  // The channel's own checks come back as a list of problems with the content.
  const problems =
    upload.error instanceof ApiError && upload.error.code === 'invalid_profile'
      ? (((upload.error.details as { problems?: unknown } | undefined)?.problems as unknown[] | undefined) ?? []).map(String)
      : [];

  const readFile = async (file: File | null) => {
    if (!file) return;
    setContent(await file.text());
    if (!name.trim()) setName(file.name.replace(/\.[^.]+$/, ''));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!name.trim() || !content.trim()) return;
    upload.mutate();
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
          error={submitted && !name.trim() ? 'Give the profile a name.' : undefined}
          data-autofocus
        />
        <Select
          label="Platform"
          data={CHANNELS.map(({ value, label }) => ({ value, label }))}
          value={channel}
          onChange={(value) => isChannel(value) && setChannel(value)}
          allowDeselect={false}
          description={CHANNELS.find((c) => c.value === channel)?.hint}
        />
        <FileInput label="Profile file" placeholder="Choose a file, or paste the content below" onChange={(file) => void readFile(file)} clearable />
        <Textarea
          label="Content"
          required
          autosize
          minRows={6}
          maxRows={16}
          spellCheck={false}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
          value={content}
          onChange={(e) => setContent(e.currentTarget.value)}
          error={
            submitted && !content.trim()
              ? 'Paste the profile or choose its file.'
              : problems.length
                ? `${problems.length} problem(s), listed below.`
                : undefined
          }
        />
        {problems.length ? (
          <Paper withBorder p="sm" radius="md" role="alert" aria-label="Problems with the profile">
            <Text size="sm" fw={600} c="red" mb={4}>
              The {channel} checks found these problems:
            </Text>
            <List size="sm" data-testid="profile-problems">
              {problems.map((p) => (
                <List.Item key={p}>{p}</List.Item>
              ))}
            </List>
          </Paper>
        ) : (
          <ErrorAlert error={upload.error} title="Could not upload the profile" />
        )}
        <GroupPicker value={groupIds} onChange={setGroupIds} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={upload.isPending}>
            Upload profile
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
