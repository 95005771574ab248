import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client';
import { useMe, usePermission } from '../api/session';
import type { ApiToken, Role } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { PlusIcon } from '../components/icons';
import { formatDateTime, formatRelative } from '../lib/format';
import { ROLE_OPTIONS, roleLabel } from '../lib/vocabulary';
import { MIN_PASSWORD } from './SetupPage';

const ROLE_SELECT = ROLE_OPTIONS.map((r) => ({ value: r.value, label: `${r.label} — ${r.description}` }));
const isRole = (value: string | null): value is Role => ROLE_OPTIONS.some((r) => r.value === value);

/** People who use the console, and the API tokens that scripts use. */
export function UsersPage() {
  return (
    <>
      <PageHeader title="Users & tokens" description="People who sign in to Steward, and the API tokens that scripts and integrations use." />
      <Stack gap="xl">
        <UsersSection />
        <TokensSection />
      </Stack>
    </>
  );
}

function UsersSection() {
  const me = useMe();
  const canWrite = usePermission('users.write');
  const [creating, createModal] = useDisclosure(false);
  const users = useQuery({ queryKey: ['users'], queryFn: () => call(api.GET('/api/v1/users')) });

  return (
    <section aria-labelledby="users-heading">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="users-heading">
          Users
        </Title>
        {canWrite ? (
          <Button leftSection={<PlusIcon />} variant="light" onClick={createModal.open}>
            Add user
          </Button>
        ) : null}
      </Group>
      <ErrorAlert error={users.error} title="Could not load users" />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={680}>
          <Table verticalSpacing="sm" horizontalSpacing="md" aria-labelledby="users-heading">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>MFA</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Last sign-in</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data?.items.map((user) => (
                <Table.Tr key={user.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {user.displayName ?? user.email}
                      {user.id === me.user?.id ? (
                        <Text span c="dimmed" size="xs" fw={400}>
                          {' '}
                          (you)
                        </Text>
                      ) : null}
                    </Text>
                    {user.displayName ? (
                      <Text size="xs" c="dimmed">
                        {user.email}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{roleLabel(user.role)}</Table.Td>
                  <Table.Td>{user.mfaEnabled ? 'On' : 'Off'}</Table.Td>
                  <Table.Td>
                    {user.disabled ? (
                      <Badge color="gray" size="sm" variant="light">
                        Disabled
                      </Badge>
                    ) : user.lockedUntil ? (
                      <Badge color="orange" size="sm" variant="light">
                        Locked
                      </Badge>
                    ) : (
                      <Badge color="teal" size="sm" variant="light">
                        Active
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <span title={formatDateTime(user.lastLoginAt)}>{formatRelative(user.lastLoginAt)}</span>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Modal opened={creating} onClose={createModal.close} title="Add user" size="lg">
        {creating ? <CreateUserForm onDone={createModal.close} /> : null}
      </Modal>
    </section>
  );
}

function CreateUserForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('helpdesk');
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const passwordError = submitted && password.length < MIN_PASSWORD ? `Use at least ${MIN_PASSWORD} characters.` : undefined;

  const create = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/users', { body: { email: email.trim(), password, role, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      onDone();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!email.trim() || password.length < MIN_PASSWORD) return;
    create.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="E-mail"
          type="email"
          required
          autoComplete="off"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={submitted && !email.trim() ? 'Enter an e-mail address.' : undefined}
          data-autofocus
        />
        <TextInput label="Display name" autoComplete="off" maxLength={200} value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
        <Select label="Role" data={ROLE_SELECT} value={role} onChange={(value) => isRole(value) && setRole(value)} allowDeselect={false} required />
        <PasswordInput
          label="Initial password"
          description={`At least ${MIN_PASSWORD} characters. Share it safely; they can change it after signing in.`}
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={passwordError}
        />
        <ErrorAlert error={create.error} title="Could not add the user" />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Add user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function TokensSection() {
  const canWrite = usePermission('tokens.write');
  const [creating, createModal] = useDisclosure(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: () => call(api.GET('/api/v1/tokens')) });

  return (
    <section aria-labelledby="tokens-heading">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="tokens-heading">
          API tokens
        </Title>
        {canWrite ? (
          <Button leftSection={<PlusIcon />} variant="light" onClick={createModal.open}>
            Create token
          </Button>
        ) : null}
      </Group>
      <ErrorAlert error={tokens.error} title="Could not load API tokens" />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm" horizontalSpacing="md" aria-labelledby="tokens-heading">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Starts with</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Status</Table.Th>
                {canWrite ? (
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                ) : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.data?.items.map((token) => {
                const expired = token.expiresAt !== null && new Date(token.expiresAt).getTime() < Date.now();
                return (
                  <Table.Tr key={token.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {token.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>{roleLabel(token.role)}</Table.Td>
                    <Table.Td>
                      <Code>{token.prefix}…</Code>
                    </Table.Td>
                    <Table.Td>{formatRelative(token.lastUsedAt)}</Table.Td>
                    <Table.Td>{token.expiresAt ? formatDateTime(token.expiresAt) : 'Never'}</Table.Td>
                    <Table.Td>
                      <Badge size="sm" variant="light" color={token.revokedAt ? 'gray' : expired ? 'orange' : 'teal'}>
                        {token.revokedAt ? 'Revoked' : expired ? 'Expired' : 'Active'}
                      </Badge>
                    </Table.Td>
                    {canWrite ? (
                      <Table.Td ta="right">
                        {token.revokedAt ? null : (
                          <Button size="xs" variant="subtle" color="red" onClick={() => setRevoking(token)} aria-label={`Revoke token ${token.name}`}>
                            Revoke
                          </Button>
                        )}
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                );
              })}
              {tokens.data?.items.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={canWrite ? 7 : 6}>
                    <Text c="dimmed" ta="center" py="lg">
                      No API tokens yet.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Modal opened={creating} onClose={createModal.close} title="Create API token" size="lg">
        {creating ? <CreateTokenForm onDone={createModal.close} /> : null}
      </Modal>
      <Modal opened={revoking !== null} onClose={() => setRevoking(null)} title="Revoke API token">
        {revoking ? <RevokeToken token={revoking} onDone={() => setRevoking(null)} /> : null}
      </Modal>
    </section>
  );
}

const EXPIRY_OPTIONS = [
  { value: 'never', label: 'Never' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In a year' },
];

function CreateTokenForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('auditor');
  const [expiry, setExpiry] = useState('90');
  const [submitted, setSubmitted] = useState(false);

  const create = useMutation({
    mutationFn: () => {
      const expiresAt = expiry === 'never' ? undefined : new Date(Date.now() + Number(expiry) * 86_400_000).toISOString();
      return call(api.POST('/api/v1/tokens', { body: { name: name.trim(), role, ...(expiresAt ? { expiresAt } : {}) } }));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tokens'] }),
  });

  if (create.data) {
    return (
      <Stack gap="md">
        <Alert color="yellow" variant="light" title="Copy the token now">
          This is the only time Steward shows it. Store it where your script or integration keeps secrets; if it is lost, revoke it and create another.
        </Alert>
        <Group gap="sm" wrap="nowrap" align="center">
          <Code block style={{ flex: 1, wordBreak: 'break-all' }} data-testid="token-secret" aria-label="New API token">
            {create.data.secret}
          </Code>
          <CopyButton value={create.data.secret}>
            {({ copied, copy }) => (
              <Button variant={copied ? 'light' : 'filled'} onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Text size="sm" c="dimmed">
          Use it as <Code>Authorization: Bearer …</Code> with the API.
        </Text>
        <Group justify="flex-end">
          <Button onClick={onDone}>Done</Button>
        </Group>
      </Stack>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!name.trim()) return;
    create.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          description="What uses it, e.g. “inventory export”."
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={submitted && !name.trim() ? 'Give the token a name.' : undefined}
          data-autofocus
        />
        <Select label="Role" data={ROLE_SELECT} value={role} onChange={(value) => isRole(value) && setRole(value)} allowDeselect={false} required />
        <Select label="Expires" data={EXPIRY_OPTIONS} value={expiry} onChange={(value) => setExpiry(value ?? 'never')} allowDeselect={false} />
        <ErrorAlert error={create.error} title="Could not create the token" />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create token
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RevokeToken({ token, onDone }: { token: ApiToken; onDone: () => void }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => call(api.DELETE('/api/v1/tokens/{id}', { params: { path: { id: token.id } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['tokens'] });
      onDone();
    },
  });
  return (
    <Stack gap="md">
      <Text size="sm">
        Scripts using <b>{token.name}</b> will stop working at once. This cannot be undone.
      </Text>
      <ErrorAlert error={revoke.error} title="Could not revoke the token" />
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button color="red" onClick={() => revoke.mutate()} loading={revoke.isPending}>
          Revoke token
        </Button>
      </Group>
    </Stack>
  );
}
