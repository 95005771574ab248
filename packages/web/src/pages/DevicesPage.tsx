import { Anchor, Button, Checkbox, Group, Pagination, Paper, Pill, Select, Skeleton, Stack, Table, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { useEffect, useMemo, useState } from 'react';
import { api, call } from '../api/client';
import { usePermission } from '../api/session';
import type { Device, Platform } from '../api/types';
import { AnchorLink } from '../components/AnchorLink';
import { ComplianceBadge, EnrollmentBadge } from '../components/DeviceBadges';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { SortableTh } from '../components/SortableTh';
import { DevicesIcon, DownloadIcon, SearchIcon } from '../components/icons';
import { COMPLIANCE_OPTIONS, type DeviceSearch, EXTRA_FILTERS, describeFilter, filterParams } from '../lib/device-search';
import { formatCount, formatDate, formatDateTime, formatRelative } from '../lib/format';
import { PLATFORM_LABELS, PLATFORM_OPTIONS } from '../lib/vocabulary';
import { BulkActions, type Selection } from './devices/BulkActions';
import { SavedViews } from './devices/SavedViews';

export { validateDeviceSearch } from '../lib/device-search';
const PAGE_SIZES = ['25', '50', '100'];

/** One page of the list for a search; the route's loader starts it before the page renders. */
export function devicesListQuery(search: DeviceSearch) {
  const sort = search.sort ?? 'name';
  const size = search.size ?? 25;
  const page = search.page ?? 1;
  const filters = filterParams(search);
  return queryOptions({
    queryKey: ['devices', { ...filters, sort, page, size }],
    queryFn: () => call(api.GET('/api/v1/devices', { params: { query: { ...filters, sort, offset: (page - 1) * size, limit: size } } })),
  });
}

const route = getRouteApi('/signed-in/devices');

export function DevicesPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const sort = search.sort ?? 'name';
  const size = search.size ?? 25;
  const page = search.page ?? 1;
  const filters = filterParams(search);
  const filtered = Object.values(filters).some((v) => v !== undefined);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  // A different filter is a different set: what was selected no longer applies.
  const filterKey = JSON.stringify(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: resets on a new filter on purpose
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [filterKey]);

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

  const devices = useQuery({ ...devicesListQuery(search), placeholderData: keepPreviousData });

  const total = devices.data?.total;
  const pages = total === undefined ? 1 : Math.max(1, Math.ceil(total / size));
  const noDevicesAtAll = total === 0 && !filtered;
  const pageIds = useMemo(() => devices.data?.items.map((d) => d.id) ?? [], [devices.data]);
  const pageSelected = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const selection: Selection = allMatching ? { kind: 'filter', filters, count: total ?? 0 } : { kind: 'devices', ids: [...selected] };
  const exportHref = `/api/v1/devices/export.csv${toQueryString(filters)}`;

  return (
    <>
      <PageHeader
        title="Devices"
        description={
          <span aria-live="polite" data-testid="device-total">
            {total === undefined ? 'Loading…' : filtered ? `${formatCount(total, 'device')} match` : formatCount(total, 'device')}
          </span>
        }
        actions={
          <>
            <SavedViews search={search} onOpen={(view) => navigate({ search: view, replace: false })} />
            <Button component="a" href={exportHref} download variant="default" leftSection={<DownloadIcon />}>
              Export CSV
            </Button>
          </>
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
            <Select
              label="Compliance"
              placeholder="Any compliance"
              data={COMPLIANCE_OPTIONS}
              value={search.complianceState && !search.complianceState.includes(',') ? search.complianceState : null}
              onChange={(value) => update({ complianceState: value ?? undefined })}
              clearable
              w={{ base: '100%', xs: 200 }}
            />
          </Group>

          {EXTRA_FILTERS.some((key) => search[key] && !(key === 'complianceState' && !search[key]?.includes(','))) ? (
            <Group gap="xs" aria-label="Other filters" role="group">
              {EXTRA_FILTERS.map((key) => {
                const value = search[key];
                if (!value || (key === 'complianceState' && !value.includes(','))) return null;
                const label = describeFilter(key, value);
                return (
                  <Pill
                    key={key}
                    size="md"
                    withRemoveButton
                    onRemove={() => update({ [key]: undefined })}
                    removeButtonProps={{ 'aria-label': `Remove filter ${label}` }}
                  >
                    {label}
                  </Pill>
                );
              })}
            </Group>
          ) : null}

          <BulkActions
            selection={selection}
            pageCount={selected.size}
            total={total ?? 0}
            allMatching={allMatching}
            onSelectAllMatching={() => setAllMatching(true)}
            onClear={() => {
              setSelected(new Set());
              setAllMatching(false);
            }}
          />

          <ErrorAlert error={devices.error} title="Could not load devices" />

          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={900}>
              <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="sm" aria-label="Devices" aria-busy={devices.isFetching}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={40}>
                      <Checkbox
                        aria-label="Select every device on this page"
                        checked={pageSelected || allMatching}
                        indeterminate={!pageSelected && !allMatching && pageIds.some((id) => selected.has(id))}
                        onChange={(e) => {
                          const next = new Set(selected);
                          for (const id of pageIds)
                            if (e.currentTarget.checked) next.add(id);
                            else next.delete(id);
                          setSelected(next);
                          if (!e.currentTarget.checked) setAllMatching(false);
                        }}
                      />
                    </Table.Th>
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
                    <DeviceRow
                      key={device.id}
                      device={device}
                      selected={allMatching || selected.has(device.id)}
                      onSelect={(on) => {
                        const next = new Set(selected);
                        if (on) next.add(device.id);
                        else next.delete(device.id);
                        setSelected(next);
                        if (!on) setAllMatching(false);
                      }}
                    />
                  ))}
                  {devices.data && devices.data.items.length === 0 ? (
                    <Table.Tr>
                      <Table.Td colSpan={8}>
                        <Text c="dimmed" ta="center" py="lg">
                          No devices match.{' '}
                          <Anchor
                            component="button"
                            type="button"
                            onClick={() => {
                              setText('');
                              void update(Object.fromEntries(['q', 'platform', ...EXTRA_FILTERS].map((k) => [k, undefined])));
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

function toQueryString(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
  const text = query.toString();
  return text ? `?${text}` : '';
}

function DeviceRow({ device, selected, onSelect }: { device: Device; selected: boolean; onSelect: (selected: boolean) => void }) {
  return (
    <Table.Tr bg={selected ? 'var(--mantine-primary-color-light)' : undefined}>
      <Table.Td>
        <Checkbox aria-label={`Select ${device.name}`} checked={selected} onChange={(e) => onSelect(e.currentTarget.checked)} />
      </Table.Td>
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
      {[1, 2, 3, 4, 5, 6, 7, 8].map((cell) => (
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
