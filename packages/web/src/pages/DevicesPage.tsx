import { Anchor, Button, Group, Pagination, Paper, Select, Skeleton, Stack, Table, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { api, call } from '../api/client';
import { usePermission } from '../api/session';
import type { Device, Platform } from '../api/types';
import { AnchorLink } from '../components/AnchorLink';
import { ComplianceBadge, EnrollmentBadge } from '../components/DeviceBadges';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { SortableTh } from '../components/SortableTh';
import { DevicesIcon, SearchIcon } from '../components/icons';
import { formatCount, formatDate, formatDateTime, formatRelative } from '../lib/format';
import { PLATFORM_LABELS, PLATFORM_OPTIONS } from '../lib/vocabulary';

/** The sort keys the devices API accepts for the columns shown here. */
const SORT_KEYS = ['name', 'platform', 'osVersion', 'lastSeenAt', 'enrolledAt', 'complianceState'];
export const DEVICE_SORTS = SORT_KEYS.flatMap((key) => [key, `-${key}`]);
const PAGE_SIZES = ['25', '50', '100'];

/** The devices page's state lives in the URL, so that a view can be bookmarked, shared and gone back to. */
export interface DeviceSearch {
  q?: string | undefined;
  platform?: Platform | undefined;
  sort?: string | undefined;
  page?: number | undefined;
  size?: number | undefined;
}

const route = getRouteApi('/signed-in/');

export function DevicesPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const sort = search.sort ?? 'name';
  const size = search.size ?? 25;
  const page = search.page ?? 1;
  const filtered = Boolean(search.q || search.platform);

  const update = (changes: Partial<DeviceSearch>, resetPage = true) =>
    navigate({ search: (prev) => ({ ...prev, ...(resetPage ? { page: undefined } : {}), ...changes }), replace: true });

  // The search box updates the URL (and so the query) once typing pauses.
  const [text, setText] = useState(search.q ?? '');
  const [debounced] = useDebouncedValue(text.trim(), 300);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled search term updates the URL
  useEffect(() => {
    if ((search.q ?? '') !== debounced) void update({ q: debounced || undefined });
  }, [debounced]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the URL (back, forward, links), not the box
  useEffect(() => {
    if ((search.q ?? '') !== text.trim()) setText(search.q ?? '');
  }, [search.q]);

  const devices = useQuery({
    queryKey: ['devices', { q: search.q, platform: search.platform, sort, page, size }],
    queryFn: () =>
      call(
        api.GET('/api/v1/devices', {
          params: { query: { search: search.q, platform: search.platform, sort, offset: (page - 1) * size, limit: size } },
        }),
      ),
    placeholderData: keepPreviousData,
  });

  const total = devices.data?.total;
  const pages = total === undefined ? 1 : Math.max(1, Math.ceil(total / size));
  const noDevicesAtAll = total === 0 && !filtered;

  return (
    <>
      <PageHeader
        title="Devices"
        description={
          <span aria-live="polite" data-testid="device-total">
            {total === undefined ? 'Loading…' : filtered ? `${formatCount(total, 'device')} match` : formatCount(total, 'device')}
          </span>
        }
      />

      {noDevicesAtAll ? (
        <EmptyFleet />
      ) : (
        <Stack gap="md">
          <Group gap="sm" align="flex-end" wrap="wrap">
            <TextInput
              label="Search"
              placeholder="Name, serial number, user…"
              leftSection={<SearchIcon />}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              maxLength={200}
              w={{ base: '100%', xs: 320 }}
              type="search"
            />
            <Select
              label="Platform"
              placeholder="All platforms"
              data={PLATFORM_OPTIONS}
              value={search.platform ?? null}
              onChange={(value) => update({ platform: (value as Platform | null) ?? undefined })}
              clearable
              w={{ base: '100%', xs: 200 }}
            />
          </Group>

          <ErrorAlert error={devices.error} title="Could not load devices" />

          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={900}>
              <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="sm" aria-label="Devices" aria-busy={devices.isFetching}>
                <Table.Thead>
                  <Table.Tr>
                    <SortableTh column="name" sort={sort} onSort={(s) => update({ sort: s })}>
                      Name
                    </SortableTh>
                    <SortableTh column="platform" sort={sort} onSort={(s) => update({ sort: s })}>
                      Platform
                    </SortableTh>
                    <SortableTh column="osVersion" sort={sort} onSort={(s) => update({ sort: s })}>
                      OS version
                    </SortableTh>
                    <Table.Th>User</Table.Th>
                    <SortableTh column="complianceState" sort={sort} onSort={(s) => update({ sort: s })}>
                      Compliance
                    </SortableTh>
                    <SortableTh column="lastSeenAt" sort={sort} onSort={(s) => update({ sort: s })}>
                      Last seen
                    </SortableTh>
                    <SortableTh column="enrolledAt" sort={sort} onSort={(s) => update({ sort: s })}>
                      Enrolled
                    </SortableTh>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {devices.isPending ? <LoadingRows /> : null}
                  {devices.data?.items.map((device) => (
                    <DeviceRow key={device.id} device={device} />
                  ))}
                  {devices.data && devices.data.items.length === 0 ? (
                    <Table.Tr>
                      <Table.Td colSpan={7}>
                        <Text c="dimmed" ta="center" py="lg">
                          No devices match.{' '}
                          <Anchor
                            component="button"
                            type="button"
                            onClick={() => {
                              setText('');
                              void update({ q: undefined, platform: undefined });
                            }}
                          >
                            Clear the filters
                          </Anchor>
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ) : null}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>

          {total !== undefined && total > 0 ? (
            <Group justify="space-between" wrap="wrap" gap="sm">
              <Text size="sm" c="dimmed">
                {(page - 1) * size + 1}–{Math.min(page * size, total)} of {total.toLocaleString()}
              </Text>
              <Group gap="sm">
                <Pagination
                  total={pages}
                  value={Math.min(page, pages)}
                  onChange={(p) => update({ page: p === 1 ? undefined : p }, false)}
                  size="sm"
                  getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                  getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
                />
                <Select
                  aria-label="Devices per page"
                  data={PAGE_SIZES.map((s) => ({ value: s, label: `${s} per page` }))}
                  value={String(size)}
                  onChange={(value) => update({ size: value === '25' || !value ? undefined : Number(value) })}
                  allowDeselect={false}
                  w={140}
                  size="xs"
                />
              </Group>
            </Group>
          ) : null}
        </Stack>
      )}
    </>
  );
}

function DeviceRow({ device }: { device: Device }) {
  return (
    <Table.Tr>
      <Table.Td style={{ minWidth: 190 }}>
        <Group gap={6} wrap="nowrap">
          <AnchorLink to="/devices/$id" params={{ id: device.id }} size="sm" fw={600}>
            {device.name}
          </AnchorLink>
          <EnrollmentBadge state={device.enrollmentState} />
        </Group>
        {device.model ? (
          <Text size="xs" c="dimmed" title={device.serialNumber ? `Serial number ${device.serialNumber}` : undefined}>
            {device.model}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>{PLATFORM_LABELS[device.platform]}</Table.Td>
      <Table.Td>{device.osVersion ?? '—'}</Table.Td>
      <Table.Td>
        {device.assignedUser ?? (
          <Text span c="dimmed" size="sm">
            Unassigned
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <ComplianceBadge state={device.complianceState} />
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <span title={formatDateTime(device.lastSeenAt)}>{formatRelative(device.lastSeenAt)}</span>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(device.enrolledAt)}</Table.Td>
    </Table.Tr>
  );
}

function LoadingRows() {
  return ['a', 'b', 'c'].map((key) => (
    <Table.Tr key={key} aria-hidden="true">
      {[1, 2, 3, 4, 5, 6, 7].map((cell) => (
        <Table.Td key={cell}>
          <Skeleton height={12} radius="sm" />
        </Table.Td>
      ))}
    </Table.Tr>
  ));
}

function EmptyFleet() {
  const canEnroll = usePermission('enrollments.read');
  return (
    <Paper withBorder radius="md" p="xl">
      <Stack align="center" gap="sm" py="xl" maw={520} mx="auto" ta="center">
        <ThemeIcon size={56} radius="xl" variant="light">
          <DevicesIcon size={30} />
        </ThemeIcon>
        <Title order={2} size="h3">
          No devices enrolled yet
        </Title>
        <Text c="dimmed">
          Your fleet is empty and ready. Create an enrollment link for iPhone, iPad and Mac, Windows, Android or Linux on the Enrollment page; devices show up
          here, with their OS version and compliance, as soon as they enroll.
        </Text>
        {canEnroll ? (
          <Button component={Link} to="/enrollment" variant="light">
            Enroll devices
          </Button>
        ) : null}
      </Stack>
    </Paper>
  );
}
