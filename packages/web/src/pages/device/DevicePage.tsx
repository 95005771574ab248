import { Anchor, Badge, Button, Grid, Group, Paper, SimpleGrid, Skeleton, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { ApiError, api, call } from '../../api/client';
import { useMe } from '../../api/session';
import type { DeviceDetail } from '../../api/types';
import { AnchorLink } from '../../components/AnchorLink';
import { ComplianceBadge } from '../../components/DeviceBadges';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatRelative } from '../../lib/format';
import { KNOWN_KEYS, listOf, locationOf } from '../../lib/inventory';
import { PLATFORM_LABELS } from '../../lib/vocabulary';
import { DeviceActions } from './DeviceActions';
import { DeviceAuditTrail } from './DeviceAuditTrail';
import { AppsTable, CertificatesTable, InventoryOverview, LocationCard, ProfilesTable } from './DeviceInventory';
import { CommandTimeline } from './CommandTimeline';
import { DeviceCompliance } from './DeviceCompliance';
import { DevicePolicies } from './DevicePolicies';
import { deviceQueryKey } from './keys';

const route = getRouteApi('/signed-in/devices/$id');

const ENROLLMENT_LABELS: Record<DeviceDetail['enrollmentState'], { label: string; color: string }> = {
  enrolled: { label: 'Enrolled', color: 'teal' },
  pending: { label: 'Pending', color: 'yellow' },
  unenrolled: { label: 'Unenrolled', color: 'gray' },
  retired: { label: 'Retired', color: 'gray' },
};

/** One device: what it is, what it reported, what was sent to it, and what can be done to it. */
export function DevicePage() {
  const { id } = route.useParams();
  const me = useMe();
  const [tab, setTab] = useState<string | null>(null);
  const device = useQuery({ queryKey: deviceQueryKey(id), queryFn: () => call(api.GET('/api/v1/devices/{id}', { params: { path: { id } } })) });

  useEffect(() => {
    document.title = `${device.data?.name ?? 'Device'} · Steward`;
  }, [device.data?.name]);

  if (device.isPending) {
    return (
      <Stack gap="md" aria-busy="true">
        <Skeleton height={32} width={280} />
        <Skeleton height={180} />
      </Stack>
    );
  }
  if (device.isError || !device.data) {
    const missing = device.error instanceof ApiError && device.error.status === 404;
    return (
      <Stack gap="md">
        <BackLink />
        {missing ? (
          <Paper withBorder p="xl" radius="md">
            <Title order={1} size="h3">
              Device not found
            </Title>
            <Text c="dimmed">It may have been deleted.</Text>
          </Paper>
        ) : (
          <ErrorAlert error={device.error} title="Could not load the device" />
        )}
      </Stack>
    );
  }

  const d = device.data;
  const inventory = d.inventory;
  const apps = listOf(inventory, 'apps');
  const profiles = listOf(inventory, 'profiles');
  const certificates = listOf(inventory, 'certificates');
  const location = locationOf(inventory);
  const canAudit = me.permissions.includes('audit.read');
  const canReadCommands = me.permissions.includes('commands.read');
  const canReadPolicies = me.permissions.includes('policies.read');
  const canReadCompliance = me.permissions.includes('compliance.read');
  const otherKeys = Object.keys(inventory).filter((k) => !KNOWN_KEYS.includes(k));

  return (
    <Stack gap="lg">
      <DeviceHeader device={d} canUpdate={me.permissions.includes('devices.update')} />
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 8, lg: 7 }}>
          <Stack gap="lg">
            <Overview device={d} canUpdate={me.permissions.includes('devices.update')} />
            {location ? <LocationCard location={location} /> : null}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4, lg: 5 }}>
          <DeviceActions device={d} permissions={me.permissions} onSent={() => canReadCommands && setTab('commands')} />
        </Grid.Col>
      </Grid>

      <Tabs value={tab ?? (canReadCommands ? 'commands' : 'inventory')} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          {canReadCommands ? <Tabs.Tab value="commands">Commands</Tabs.Tab> : null}
          <Tabs.Tab value="inventory">Inventory</Tabs.Tab>
          {canReadPolicies ? <Tabs.Tab value="policies">Policies and profiles</Tabs.Tab> : null}
          {canReadCompliance ? <Tabs.Tab value="compliance">Compliance</Tabs.Tab> : null}
          {apps ? <Tabs.Tab value="apps">Apps ({apps.length.toLocaleString()})</Tabs.Tab> : null}
          {profiles ? <Tabs.Tab value="profiles">Profiles ({profiles.length.toLocaleString()})</Tabs.Tab> : null}
          {certificates ? <Tabs.Tab value="certificates">Certificates ({certificates.length.toLocaleString()})</Tabs.Tab> : null}
          {canAudit ? <Tabs.Tab value="audit">Audit trail</Tabs.Tab> : null}
        </Tabs.List>
        {canReadCommands ? (
          <Tabs.Panel value="commands" pt="md">
            <CommandTimeline deviceId={d.id} />
          </Tabs.Panel>
        ) : null}
        <Tabs.Panel value="inventory" pt="md">
          <InventoryOverview inventory={inventory} otherKeys={otherKeys} />
        </Tabs.Panel>
        {canReadPolicies ? (
          <Tabs.Panel value="policies" pt="md">
            <DevicePolicies deviceId={d.id} />
          </Tabs.Panel>
        ) : null}
        {canReadCompliance ? (
          <Tabs.Panel value="compliance" pt="md">
            <DeviceCompliance deviceId={d.id} />
          </Tabs.Panel>
        ) : null}
        {apps ? (
          <Tabs.Panel value="apps" pt="md">
            <AppsTable apps={apps} />
          </Tabs.Panel>
        ) : null}
        {profiles ? (
          <Tabs.Panel value="profiles" pt="md">
            <ProfilesTable profiles={profiles} />
          </Tabs.Panel>
        ) : null}
        {certificates ? (
          <Tabs.Panel value="certificates" pt="md">
            <CertificatesTable certificates={certificates} />
          </Tabs.Panel>
        ) : null}
        {canAudit ? (
          <Tabs.Panel value="audit" pt="md">
            <DeviceAuditTrail deviceId={d.id} />
          </Tabs.Panel>
        ) : null}
      </Tabs>
    </Stack>
  );
}

function BackLink() {
  return (
    <AnchorLink to="/devices" size="sm">
      ← All devices
    </AnchorLink>
  );
}

/** Saves a change to the device and puts the answer in the cache. */
function useUpdateDevice(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name?: string; assignedUser?: string | null }) => call(api.PATCH('/api/v1/devices/{id}', { params: { path: { id } }, body })),
    onSuccess: async (updated) => {
      queryClient.setQueryData(deviceQueryKey(id), updated);
      await queryClient.invalidateQueries({ queryKey: ['devices'], predicate: (q) => q.queryKey[1] !== 'detail' });
      await queryClient.invalidateQueries({ queryKey: ['audit-events'] });
    },
  });
}

function DeviceHeader({ device, canUpdate }: { device: DeviceDetail; canUpdate: boolean }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(device.name);
  const update = useUpdateDevice(device.id);
  const enrollment = ENROLLMENT_LABELS[device.enrollmentState];
  const subtitle = [
    PLATFORM_LABELS[device.platform] + (device.osVersion ? ` ${device.osVersion}` : ''),
    device.model,
    device.ownership === 'personal' ? 'Personal' : 'Corporate',
  ]
    .filter(Boolean)
    .join(' · ');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    if (trimmed === device.name) return setEditing(false);
    update.mutate({ name: trimmed }, { onSuccess: () => setEditing(false) });
  };

  return (
    <Stack gap={6}>
      <BackLink />
      {editing ? (
        <form onSubmit={submit} aria-label="Rename the device">
          <Group gap="sm" align="flex-end">
            <TextInput
              label="Device name"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') setEditing(false);
              }}
              maxLength={200}
              w={{ base: '100%', xs: 360 }}
              error={name.trim() ? undefined : 'Give the device a name.'}
              data-autofocus
              autoFocus
            />
            <Button type="submit" loading={update.isPending}>
              Save
            </Button>
            <Button variant="default" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </Group>
          <ErrorAlert error={update.error} title="Could not rename the device" />
        </form>
      ) : (
        <Group gap="sm" align="center">
          <Title order={1} size="h2">
            {device.name}
          </Title>
          <Badge variant="light" color={enrollment.color}>
            {enrollment.label}
          </Badge>
          <ComplianceBadge state={device.complianceState} />
          {canUpdate ? (
            <Button
              variant="subtle"
              size="compact-sm"
              onClick={() => {
                setName(device.name);
                update.reset();
                setEditing(true);
              }}
            >
              Rename
            </Button>
          ) : null}
        </Group>
      )}
      <Text c="dimmed" size="sm">
        {subtitle}
      </Text>
    </Stack>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: 0.4 }}>
        {label}
      </Text>
      <div style={{ fontSize: 'var(--mantine-font-size-sm)', overflowWrap: 'break-word' }}>{children}</div>
    </Stack>
  );
}

const dim = (text: string) => (
  <Text span c="dimmed" size="sm">
    {text}
  </Text>
);

function Overview({ device, canUpdate }: { device: DeviceDetail; canUpdate: boolean }) {
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => call(api.GET('/api/v1/groups')) });
  const groupNames = device.groupIds.map((gid) => groups.data?.items.find((g) => g.id === gid)?.name ?? null);
  return (
    <Paper withBorder radius="md" p="lg">
      <Title order={2} size="h4" mb="md">
        Overview
      </Title>
      <SimpleGrid cols={{ base: 1, xs: 2, lg: 3 }} spacing="lg" verticalSpacing="md">
        <Field label="Platform">{PLATFORM_LABELS[device.platform]}</Field>
        <Field label="OS version">{device.osVersion ?? dim('Not reported')}</Field>
        <Field label="Model">{device.model ?? dim('Not reported')}</Field>
        <Field label="Serial number">
          {device.serialNumber ? (
            <Text span size="sm" ff="monospace">
              {device.serialNumber}
            </Text>
          ) : (
            dim('Not reported')
          )}
        </Field>
        <Field label="UDID">
          {device.udid ? (
            <Text span size="xs" ff="monospace">
              {device.udid}
            </Text>
          ) : (
            dim('—')
          )}
        </Field>
        <Field label="Ownership">{device.ownership === 'personal' ? 'Personal (BYOD)' : 'Corporate'}</Field>
        <Field label="Assigned user">
          <AssignedUser device={device} canUpdate={canUpdate} />
        </Field>
        <Field label="Enrollment">
          {ENROLLMENT_LABELS[device.enrollmentState].label}
          {device.enrolledAt ? dim(` since ${formatDateTime(device.enrolledAt)}`) : null}
        </Field>
        <Field label="Compliance">
          <ComplianceBadge state={device.complianceState} />
        </Field>
        <Field label="Last seen">
          <span title={formatDateTime(device.lastSeenAt)}>{formatRelative(device.lastSeenAt)}</span>
        </Field>
        <Field label={`Groups${device.groupIds.length ? ` (${device.groupIds.length})` : ''}`}>
          {device.groupIds.length === 0 ? (
            dim('None')
          ) : (
            <Group gap={4}>
              {groupNames.map((name, i) => (
                <Badge key={device.groupIds[i]} variant="outline" color="gray" size="sm" tt="none">
                  {name ?? 'Group'}
                </Badge>
              ))}
            </Group>
          )}
        </Field>
        {device.imei ? <Field label="IMEI">{device.imei}</Field> : null}
      </SimpleGrid>
    </Paper>
  );
}

function AssignedUser({ device, canUpdate }: { device: DeviceDetail; canUpdate: boolean }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(device.assignedUser ?? '');
  const update = useUpdateDevice(device.id);

  if (!editing) {
    return (
      <Group gap={8} wrap="wrap" align="baseline">
        <span data-testid="assigned-user">{device.assignedUser ?? dim('Unassigned')}</span>
        {canUpdate ? (
          <Anchor
            component="button"
            type="button"
            size="xs"
            aria-label="Change the assigned user"
            onClick={() => {
              setValue(device.assignedUser ?? '');
              update.reset();
              setEditing(true);
            }}
          >
            Change
          </Anchor>
        ) : null}
      </Group>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = value.trim() || null;
    if (next === device.assignedUser) return setEditing(false);
    update.mutate({ assignedUser: next }, { onSuccess: () => setEditing(false) });
  };
  return (
    <form onSubmit={submit}>
      <Stack gap={6}>
        <TextInput
          aria-label="Assigned user"
          placeholder="E-mail or name; empty to unassign"
          size="xs"
          value={value}
          maxLength={254}
          onChange={(e) => setValue(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setEditing(false);
          }}
          autoFocus
        />
        <Group gap={6}>
          <Button type="submit" size="compact-xs" loading={update.isPending}>
            Save
          </Button>
          <Button variant="default" size="compact-xs" onClick={() => setEditing(false)}>
            Cancel
          </Button>
        </Group>
        <ErrorAlert error={update.error} title="Could not change the user" />
      </Stack>
    </form>
  );
}
