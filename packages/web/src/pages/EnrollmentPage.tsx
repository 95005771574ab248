import {
  Alert,
  Code,
  Anchor,
  Badge,
  Button,
  CopyButton,
  FileInput,
  Group,
  Modal,
  NumberInput,
  Paper,
  PasswordInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client';
import { usePermission } from '../api/session';
import type { Enrollment, EnrollmentChannel, Ownership, PushCertificate } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { useNotify } from '../components/Notifications';
import { PageHeader } from '../components/PageHeader';
import { PlusIcon } from '../components/icons';
import { formatDate, formatDateTime } from '../lib/format';
import { AndroidTokens } from './enrollment/AndroidTokens';
import { EnrollmentInstructions } from './enrollment/EnrollmentInstructions';

export const CHANNEL_LABELS: Readonly<Record<EnrollmentChannel, string>> = {
  apple: 'Apple (iPhone, iPad, Mac)',
  windows: 'Windows',
  android: 'Android',
  agent: 'Steward agent (Linux, macOS, Windows)',
};
const CHANNEL_SHORT: Readonly<Record<EnrollmentChannel, string>> = { apple: 'Apple', windows: 'Windows', android: 'Android', agent: 'Agent' };

const EXPIRY_OPTIONS = [
  { value: 'never', label: 'Never' },
  { value: '1', label: 'In 1 day' },
  { value: '7', label: 'In 7 days' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In a year' },
];

/** The SVG the server drew, as an image: the markup never becomes part of the page's DOM. */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

function statusOf(e: Enrollment): { label: string; color: string } {
  if (e.revokedAt) return { label: 'Revoked', color: 'gray' };
  if (e.active) return { label: 'Active', color: 'teal' };
  if (e.expiresAt && Date.parse(e.expiresAt) <= Date.now()) return { label: 'Expired', color: 'orange' };
  if (e.maxUses !== null && e.uses >= e.maxUses) return { label: 'Used up', color: 'orange' };
  return { label: 'Inactive', color: 'gray' };
}

/** Enrollment links and QR codes, and the Apple push certificate that Apple enrollment needs. */
export function EnrollmentPage() {
  const canWrite = usePermission('enrollments.write');
  const [creating, createModal] = useDisclosure(false);
  const [shownId, setShownId] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Enrollment | null>(null);
  const enrollments = useQuery({ queryKey: ['enrollments'], queryFn: () => call(api.GET('/api/v1/enrollments')) });
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => call(api.GET('/api/v1/groups')) });
  const certificates = useQuery({ queryKey: ['apns-certificates'], queryFn: () => call(api.GET('/api/v1/apple/push-certificates')) });
  const groupName = (id: string | null) => (id ? (groups.data?.items.find((g) => g.id === id)?.name ?? 'A group') : null);
  const shown = enrollments.data?.items.find((e) => e.id === shownId);
  const hasPushCertificate = (certificates.data?.items.length ?? 0) > 0;

  return (
    <>
      <PageHeader
        title="Enrollment"
        description="Links and QR codes that bring devices under management, and the Apple push certificate they rely on."
        actions={
          canWrite ? (
            <Button leftSection={<PlusIcon />} onClick={createModal.open}>
              New enrollment
            </Button>
          ) : null
        }
      />
      <Stack gap="lg">
        <ErrorAlert error={enrollments.error} title="Could not load enrollments" />
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={860}>
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Enrollments">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Platform</Table.Th>
                  <Table.Th>Ownership</Table.Th>
                  <Table.Th>Group</Table.Th>
                  <Table.Th ta="right">Uses</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {enrollments.data?.items.map((e) => {
                  const status = statusOf(e);
                  return (
                    <Table.Tr key={e.id}>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {e.name}
                        </Text>
                        {e.assignedUser ? (
                          <Text size="xs" c="dimmed">
                            For {e.assignedUser}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>{CHANNEL_SHORT[e.platform]}</Table.Td>
                      <Table.Td>{e.ownership === 'personal' ? 'Personal' : 'Corporate'}</Table.Td>
                      <Table.Td>
                        {groupName(e.groupId) ?? (
                          <Text span size="sm" c="dimmed">
                            —
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                        {e.uses.toLocaleString()}
                        {e.maxUses !== null ? ` / ${e.maxUses.toLocaleString()}` : ''}
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{e.expiresAt ? formatDate(e.expiresAt) : 'Never'}</Table.Td>
                      <Table.Td>
                        <Badge size="sm" variant="light" color={status.color}>
                          {status.label}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          {e.active ? (
                            <Button size="compact-sm" variant="light" onClick={() => setShownId(e.id)} aria-label={`Link & QR code of ${e.name}`}>
                              Link & QR code
                            </Button>
                          ) : null}
                          {canWrite && !e.revokedAt ? (
                            <Button size="compact-sm" variant="subtle" color="red" onClick={() => setRevoking(e)} aria-label={`Revoke ${e.name}`}>
                              Revoke
                            </Button>
                          ) : null}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
                {enrollments.data?.items.length === 0 ? (
                  <Table.Tr>
                    <Table.Td colSpan={8}>
                      <Text c="dimmed" ta="center" py="lg">
                        No enrollments yet.{canWrite ? ' Create one to get a link and a QR code to open on the device.' : ''}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : null}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>

        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <PushCertificatePanel certificates={certificates.data?.items} error={certificates.error} />
          <EnrollmentInstructions />
        </SimpleGrid>
        <AndroidTokens />
      </Stack>

      <Modal opened={creating} onClose={createModal.close} title="New enrollment" size="lg">
        {creating ? (
          <CreateEnrollmentForm
            onDone={(created) => {
              createModal.close();
              if (created) setShownId(created.id);
            }}
          />
        ) : null}
      </Modal>
      <Modal opened={shown !== undefined} onClose={() => setShownId(null)} title={shown ? shown.name : ''} size="md">
        {shown ? <EnrollmentLink enrollment={shown} hasPushCertificate={hasPushCertificate} /> : null}
      </Modal>
      <Modal opened={revoking !== null} onClose={() => setRevoking(null)} title={revoking ? `Revoke ${revoking.name}?` : ''}>
        {revoking ? <RevokeForm enrollment={revoking} onDone={() => setRevoking(null)} /> : null}
      </Modal>
    </>
  );
}

/** What to do with a Windows or agent enrollment: its token, and the steps on the machine. */
function ChannelSteps({ enrollment }: { enrollment: Enrollment }) {
  const token = enrollment.url.slice(enrollment.url.lastIndexOf('/') + 1);
  const server = enrollment.url.slice(0, enrollment.url.indexOf('/enroll/'));
  if (enrollment.platform === 'agent') {
    return (
      <Stack gap={4}>
        <TextInput label="Enrollment token" value={token} readOnly onFocus={(e) => e.currentTarget.select()} />
        <Text size="sm">On the machine, as root (Administrator on Windows):</Text>
        <Code block>{`steward-agent enroll --server ${server} --token ${token}\nsteward-agent run`}</Code>
      </Stack>
    );
  }
  if (enrollment.platform === 'windows') {
    return (
      <Stack gap={4}>
        <TextInput label="Enrollment token" value={token} readOnly onFocus={(e) => e.currentTarget.select()} />
        <Text size="sm">
          On the PC: Settings → Accounts → Access work or school → Connect. Enter the work e-mail; if Windows asks for a server, enter <Code>{server}</Code>.
          The link above opens the same flow with this enrollment's token (see docs/windows.md).
        </Text>
      </Stack>
    );
  }
  if (enrollment.platform === 'android') {
    return (
      <Text size="sm">
        Android devices enroll with an Android enterprise enrollment token (its QR code is scanned on a new device's welcome screen); the server makes them
        through <Code>POST /api/v1/android/enrollment-tokens</Code> once the enterprise is bound (see Settings).
      </Text>
    );
  }
  return null;
}

/** The link to open on the device, a copy button, the QR code, and (Apple) the profile itself. */
function EnrollmentLink({ enrollment, hasPushCertificate }: { enrollment: Enrollment; hasPushCertificate: boolean }) {
  return (
    <Stack gap="md" align="stretch">
      <Text size="sm">
        Open this link on the device, or scan the QR code with its camera. {enrollment.platform === 'apple' ? 'On an iPhone or iPad, open it in Safari.' : ''}
      </Text>
      <Group gap="xs" wrap="nowrap" align="flex-end">
        <TextInput label="Enrollment link" value={enrollment.url} readOnly style={{ flex: 1 }} onFocus={(e) => e.currentTarget.select()} />
        <CopyButton value={enrollment.url}>
          {({ copied, copy }) => (
            <Button variant={copied ? 'filled' : 'default'} color={copied ? 'teal' : undefined} onClick={copy} w={96}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Paper withBorder radius="md" p="sm" bg="white" style={{ alignSelf: 'center' }}>
        <img
          src={svgDataUrl(enrollment.qrCodeSvg)}
          alt={`QR code of the enrollment link for ${enrollment.name}`}
          width={220}
          height={220}
          style={{ display: 'block' }}
        />
      </Paper>
      {enrollment.profileUrl ? (
        <Stack gap={4} align="center">
          <Anchor href={enrollment.profileUrl} download>
            Download profile
          </Anchor>
          <Text size="xs" c="dimmed" ta="center">
            The signed enrollment profile, for installing by hand (for example with Apple Configurator).
          </Text>
        </Stack>
      ) : null}
      <ChannelSteps enrollment={enrollment} />
      {enrollment.platform === 'apple' && !hasPushCertificate ? (
        <Alert color="yellow" variant="light" title="Push certificate missing">
          Apple devices can't enroll until an APNs push certificate is uploaded on this page.
        </Alert>
      ) : null}
    </Stack>
  );
}

function CreateEnrollmentForm({ onDone }: { onDone: (created?: Enrollment) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [platform, setPlatform] = useState<EnrollmentChannel>('apple');
  const [ownership, setOwnership] = useState<Ownership>('corporate');
  const [groupId, setGroupId] = useState<string | null>(null);
  const [assignedUser, setAssignedUser] = useState('');
  const [maxUses, setMaxUses] = useState<number | string>('');
  const [expiry, setExpiry] = useState('30');
  const [submitted, setSubmitted] = useState(false);
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => call(api.GET('/api/v1/groups')) });
  const staticGroups = (groups.data?.items ?? []).filter((g) => g.kind === 'static').map((g) => ({ value: g.id, label: g.name }));

  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/enrollments', {
          body: {
            name: name.trim(),
            platform,
            ownership,
            ...(groupId ? { groupId } : {}),
            ...(assignedUser.trim() ? { assignedUser: assignedUser.trim() } : {}),
            ...(typeof maxUses === 'number' ? { maxUses } : {}),
            ...(expiry !== 'never' ? { expiresAt: new Date(Date.now() + Number(expiry) * 86_400_000).toISOString() } : {}),
          },
        }),
      ),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: ['enrollments'] });
      onDone(created);
    },
  });

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
          description="What the link is for, e.g. “Sales iPhones” or “Warehouse tablets”."
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={submitted && !name.trim() ? 'Give the enrollment a name.' : undefined}
          data-autofocus
        />
        <Select
          label="Platform"
          data={(Object.keys(CHANNEL_LABELS) as EnrollmentChannel[]).map((value) => ({ value, label: CHANNEL_LABELS[value] }))}
          value={platform}
          onChange={(value) => value && setPlatform(value as EnrollmentChannel)}
          allowDeselect={false}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="ownership-label">
            Ownership
          </Text>
          <SegmentedControl
            aria-labelledby="ownership-label"
            data={[
              { value: 'corporate', label: 'Corporate' },
              { value: 'personal', label: 'Personal (BYOD)' },
            ]}
            value={ownership}
            onChange={(value) => setOwnership(value === 'personal' ? 'personal' : 'corporate')}
          />
          <Text size="xs" c="dimmed">
            {ownership === 'personal'
              ? 'Personal devices can be retired but never wiped, and lost mode is not offered.'
              : 'Corporate devices can be locked, wiped and put in lost mode.'}
          </Text>
        </Stack>
        <Select
          label="Group"
          description="Enrolled devices join this static group."
          placeholder={staticGroups.length ? 'No group' : 'No static groups yet'}
          data={staticGroups}
          value={groupId}
          onChange={setGroupId}
          clearable
          searchable
          nothingFoundMessage="No static group with that name"
        />
        <TextInput
          label="Assigned user"
          description="Optional: devices enrolled with this link are assigned to this person."
          maxLength={254}
          value={assignedUser}
          onChange={(e) => setAssignedUser(e.currentTarget.value)}
        />
        <Group grow align="flex-start">
          <NumberInput
            label="Maximum uses"
            description="Empty for unlimited."
            min={1}
            max={1_000_000}
            allowDecimal={false}
            allowNegative={false}
            value={maxUses}
            onChange={setMaxUses}
          />
          <Select label="Expires" data={EXPIRY_OPTIONS} value={expiry} onChange={(value) => setExpiry(value ?? 'never')} allowDeselect={false} />
        </Group>
        <ErrorAlert error={create.error} title="Could not create the enrollment" />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={() => onDone()}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create enrollment
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RevokeForm({ enrollment, onDone }: { enrollment: Enrollment; onDone: () => void }) {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const revoke = useMutation({
    mutationFn: () => call(api.POST('/api/v1/enrollments/{id}/revoke', { params: { path: { id: enrollment.id } } })),
    onSuccess: async () => {
      notify({ title: 'Enrollment revoked', message: `${enrollment.name} no longer enrolls devices.` });
      await queryClient.invalidateQueries({ queryKey: ['enrollments'] });
      onDone();
    },
  });
  return (
    <Stack gap="md">
      <Text size="sm">The link and its QR code stop working at once. Devices already enrolled with it stay managed.</Text>
      <ErrorAlert error={revoke.error} title="Could not revoke the enrollment" />
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button color="red" onClick={() => revoke.mutate()} loading={revoke.isPending}>
          Revoke
        </Button>
      </Group>
    </Stack>
  );
}

/** The APNs certificate: its topic and expiry for everyone; replacing it for roles with apns.write. */
function PushCertificatePanel({ certificates, error }: { certificates: PushCertificate[] | undefined; error: unknown }) {
  const canWrite = usePermission('apns.write');
  const [uploading, uploadModal] = useDisclosure(false);
  const current = certificates?.[0];
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="apns-title">
      <Group justify="space-between" align="flex-start" mb="sm">
        <Title order={2} size="h4" id="apns-title">
          Apple push certificate (APNs)
        </Title>
        {canWrite ? (
          <Button size="compact-sm" variant="light" onClick={uploadModal.open}>
            {current ? 'Renew' : 'Upload'}
          </Button>
        ) : null}
      </Group>
      <ErrorAlert error={error} title="Could not load the push certificate" />
      {certificates && !current ? (
        <Text size="sm" c="dimmed">
          No certificate yet. Apple devices can't enroll until one is uploaded.{' '}
          {canWrite ? 'Create it at identity.apple.com with a certificate request, then upload it here.' : 'An admin can upload it.'}
        </Text>
      ) : null}
      {current ? (
        <Stack gap="xs" data-testid="apns-certificate">
          <Group gap="xs">
            <Text size="sm" c="dimmed" w={90}>
              Topic
            </Text>
            <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
              {current.topic}
            </Text>
          </Group>
          <Group gap="xs">
            <Text size="sm" c="dimmed" w={90}>
              Expires
            </Text>
            <Text size="sm">{formatDateTime(current.notAfter)}</Text>
            {current.expiresSoon ? (
              <Badge color={Date.parse(current.notAfter) < Date.now() ? 'red' : 'orange'} variant="filled" size="sm">
                {Date.parse(current.notAfter) < Date.now() ? 'Expired' : 'Expires soon'}
              </Badge>
            ) : (
              <Badge color="teal" variant="light" size="sm">
                Valid
              </Badge>
            )}
          </Group>
          <Group gap="xs">
            <Text size="sm" c="dimmed" w={90}>
              Uploaded
            </Text>
            <Text size="sm">
              {formatDateTime(current.uploadedAt)}
              {current.uploadedBy ? ` by ${current.uploadedBy}` : ''}
            </Text>
          </Group>
          {current.expiresSoon ? (
            <Text size="xs" c="dimmed">
              Renew it at identity.apple.com with the same Apple ID, then upload it here: a new certificate with another topic would cut off every enrolled
              Apple device.
            </Text>
          ) : null}
        </Stack>
      ) : null}
      <Modal opened={uploading} onClose={uploadModal.close} title="Upload the APNs push certificate" size="lg">
        {uploading ? <UploadCertificateForm onDone={uploadModal.close} /> : null}
      </Modal>
    </Paper>
  );
}

async function fileToBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function UploadCertificateForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [format, setFormat] = useState<'p12' | 'pem'>('p12');
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [certificatePem, setCertificatePem] = useState('');
  const [privateKeyPem, setPrivateKeyPem] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const tooBig = file !== null && file.size > 96 * 1024;

  const upload = useMutation({
    mutationFn: async () => {
      const body =
        format === 'p12' && file ? { p12: await fileToBase64(file), password } : { certificatePem: certificatePem.trim(), privateKeyPem: privateKeyPem.trim() };
      return call(api.POST('/api/v1/apple/push-certificates', { body }));
    },
    onSuccess: async (saved) => {
      notify({ title: 'Push certificate saved', message: `Topic ${saved.topic}, valid until ${formatDate(saved.notAfter)}.` });
      await queryClient.invalidateQueries({ queryKey: ['apns-certificates'] });
      onDone();
    },
  });

  const missing = format === 'p12' ? !file : !certificatePem.trim() || !privateKeyPem.trim();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (missing || tooBig) return;
    upload.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text size="sm">
          The MDM push certificate from identity.apple.com, with its private key. Steward reads the topic from it and keeps the key encrypted.
        </Text>
        <SegmentedControl
          aria-label="Certificate format"
          data={[
            { value: 'p12', label: '.p12 file' },
            { value: 'pem', label: 'PEM text' },
          ]}
          value={format}
          onChange={(value) => setFormat(value === 'pem' ? 'pem' : 'p12')}
        />
        {format === 'p12' ? (
          <>
            <FileInput
              label="Certificate and key (.p12)"
              placeholder="Choose a .p12 file"
              accept=".p12,.pfx,application/x-pkcs12"
              value={file}
              onChange={setFile}
              clearable
              error={submitted && !file ? 'Choose the .p12 file.' : tooBig ? 'This file is too large to be a push certificate.' : undefined}
            />
            <PasswordInput
              label="Password"
              description="The password the .p12 was exported with."
              maxLength={1024}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
          </>
        ) : (
          <>
            <Textarea
              label="Certificate (PEM)"
              placeholder="-----BEGIN CERTIFICATE-----"
              autosize
              minRows={4}
              maxRows={10}
              maxLength={65_536}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
              value={certificatePem}
              onChange={(e) => setCertificatePem(e.currentTarget.value)}
              error={submitted && !certificatePem.trim() ? 'Paste the certificate.' : undefined}
            />
            <Textarea
              label="Private key (PEM)"
              placeholder="-----BEGIN PRIVATE KEY-----"
              autosize
              minRows={4}
              maxRows={10}
              maxLength={65_536}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
              value={privateKeyPem}
              onChange={(e) => setPrivateKeyPem(e.currentTarget.value)}
              error={submitted && !privateKeyPem.trim() ? 'Paste the private key.' : undefined}
            />
          </>
        )}
        <ErrorAlert error={upload.error} title="Could not save the certificate" />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={upload.isPending}>
            Upload
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
