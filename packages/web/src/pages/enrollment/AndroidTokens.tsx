import { Badge, Button, Group, Paper, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../api/client';
import { usePermission } from '../../api/session';
import { AnchorLink } from '../../components/AnchorLink';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../lib/format';

/** Android enterprise enrollment tokens: create one, show its QR code and token, list the others. */
export function AndroidTokens() {
  const canWrite = usePermission('enrollments.write');
  const queryClient = useQueryClient();
  const enterprise = useQuery({ queryKey: ['android', 'enterprise'], queryFn: () => call(api.GET('/api/v1/android/enterprise')) });
  const tokens = useQuery({
    queryKey: ['android', 'tokens'],
    queryFn: () => call(api.GET('/api/v1/android/enrollment-tokens')),
    enabled: enterprise.data?.bound === true,
  });
  const [name, setName] = useState('');
  const [ownership, setOwnership] = useState<'corporate' | 'personal'>('corporate');
  const [shownId, setShownId] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => call(api.POST('/api/v1/android/enrollment-tokens', { body: { name: name.trim(), ownership } })),
    onSuccess: async (token) => {
      setShownId(token.id);
      setName('');
      await queryClient.invalidateQueries({ queryKey: ['android', 'tokens'] });
    },
  });
  const shown = tokens.data?.items.find((t) => t.id === shownId) ?? (create.data?.id === shownId ? create.data : undefined);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate();
  };

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="android-tokens-heading">
      <Title order={2} size="h4" id="android-tokens-heading" mb="sm">
        Android enrollment tokens
      </Title>
      <ErrorAlert error={enterprise.error} title="Could not load the Android binding" />
      {enterprise.data && !enterprise.data.bound ? (
        <Text size="sm">
          The Android enterprise is not bound yet, so no token can be made. See <AnchorLink to="/settings">Settings</AnchorLink>.
        </Text>
      ) : null}
      {enterprise.data?.bound ? (
        <Stack gap="md">
          {canWrite ? (
            <form onSubmit={submit} noValidate>
              <Group align="flex-end" gap="sm">
                <TextInput label="Token name" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} />
                <SegmentedControl
                  aria-label="Ownership"
                  data={[
                    { value: 'corporate', label: 'Corporate' },
                    { value: 'personal', label: 'Personal' },
                  ]}
                  value={ownership}
                  onChange={(v) => setOwnership(v === 'personal' ? 'personal' : 'corporate')}
                />
                <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
                  Create token
                </Button>
              </Group>
            </form>
          ) : null}
          <ErrorAlert error={create.error ?? tokens.error} title="Android enrollment tokens" />
          {shown ? (
            <Group align="flex-start" gap="lg">
              <Paper withBorder radius="md" p="sm" bg="white">
                <img src={shown.qrCodeSvg} alt={`Provisioning QR code of ${shown.name}`} width={200} height={200} style={{ display: 'block' }} />
              </Paper>
              <Stack gap={4} style={{ flex: 1 }}>
                <TextInput label="Token" value={shown.token} readOnly onFocus={(e) => e.currentTarget.select()} />
                <TextInput label="Work profile link" value={shown.enrollmentLink} readOnly onFocus={(e) => e.currentTarget.select()} />
                <Text size="sm" c="dimmed">
                  New or reset device: tap the welcome screen six times and scan the QR code. Personal device: open the link to create a work profile.
                </Text>
              </Stack>
            </Group>
          ) : null}
          <Table aria-label="Android enrollment tokens" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Ownership</Table.Th>
                <Table.Th>Uses</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>QR code</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.data?.items.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>
                    {t.name}{' '}
                    {t.active ? null : (
                      <Badge size="xs" color="gray" variant="light">
                        inactive
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{t.ownership === 'personal' ? 'Personal' : t.mode === 'work_profile' ? 'Corporate (work profile)' : 'Corporate'}</Table.Td>
                  <Table.Td>{t.uses}</Table.Td>
                  <Table.Td>{formatDateTime(t.expiresAt)}</Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="default" onClick={() => setShownId(t.id)} aria-label={`Show QR code of ${t.name}`}>
                      Show
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      ) : null}
    </Paper>
  );
}
