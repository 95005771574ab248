import { Anchor, Group, Paper, Select, SimpleGrid, Skeleton, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { paths } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { DownloadIcon } from '../../components/icons';
import { formatDateTime } from '../../lib/format';
import { PLATFORM_OPTIONS } from '../../lib/vocabulary';

type ReportName = paths['/api/v1/reports/{name}']['get']['parameters']['path']['name'];
const MAX_ROWS_SHOWN = 500;

const cell = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** Pick a report, narrow it to some devices, read it here or take it away as CSV or PDF. */
export function ReportsPage() {
  const catalogue = useQuery({ queryKey: ['reports'], queryFn: () => call(api.GET('/api/v1/reports')) });
  const [name, setName] = useState<ReportName>('inventory');
  const [platform, setPlatform] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const def = catalogue.data?.items.find((r) => r.name === name);
  const query = {
    ...(def?.filterable && platform ? { platform } : {}),
    ...(def?.filterable && debouncedSearch ? { search: debouncedSearch } : {}),
  };
  const report = useQuery({
    queryKey: ['reports', name, query],
    queryFn: () => call(api.GET('/api/v1/reports/{name}', { params: { path: { name }, query } })),
    placeholderData: keepPreviousData,
  });
  const href = (format: 'csv' | 'pdf') => `/api/v1/reports/${name}?${new URLSearchParams({ ...query, format }).toString()}`;
  const rows = report.data?.rows ?? [];

  return (
    <>
      <PageHeader title="Reports" description="Fleet reports, as a table here or as CSV and PDF files to share." />
      <ErrorAlert error={catalogue.error} title="Could not load the reports" />
      <Paper withBorder radius="md" p="md" mb="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select
            label="Report"
            data={(catalogue.data?.items ?? []).map((r) => ({ value: r.name, label: r.title }))}
            value={name}
            onChange={(value) => {
              const found = catalogue.data?.items.find((r) => r.name === value);
              if (found) setName(found.name as ReportName);
            }}
            allowDeselect={false}
          />
          <Select
            label="Platform"
            placeholder="Any platform"
            data={PLATFORM_OPTIONS}
            value={platform}
            onChange={setPlatform}
            clearable
            disabled={!def?.filterable}
          />
          <TextInput
            label="Devices matching"
            placeholder="Name, serial number or user"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            disabled={!def?.filterable}
          />
        </SimpleGrid>
        {def ? (
          <Text size="sm" c="dimmed" mt="sm">
            {def.description}
          </Text>
        ) : null}
      </Paper>
      <ErrorAlert error={report.error} title="Could not run the report" />
      <Group justify="space-between" mb="xs">
        <Text size="sm" aria-live="polite" data-testid="report-count">
          {report.data
            ? `${rows.length.toLocaleString()} row${rows.length === 1 ? '' : 's'}${rows.length > MAX_ROWS_SHOWN ? `, the first ${MAX_ROWS_SHOWN} shown` : ''} · generated ${formatDateTime(report.data.generatedAt)}`
            : 'Running…'}
        </Text>
        <Group gap="md">
          <Anchor href={href('csv')} download size="sm">
            <Group gap={4} component="span">
              <DownloadIcon /> Export CSV
            </Group>
          </Anchor>
          <Anchor href={href('pdf')} download size="sm">
            <Group gap={4} component="span">
              <DownloadIcon /> Export PDF
            </Group>
          </Anchor>
        </Group>
      </Group>
      <Paper withBorder radius="md">
        {report.isPending ? (
          <Skeleton height={200} />
        ) : (
          // biome-ignore lint/a11y/noNoninteractiveTabindex: wide reports scroll sideways, and a scrolling region must be reachable by keyboard
          <section style={{ overflowX: 'auto' }} tabIndex={0} aria-label="Report rows">
            <Table verticalSpacing="xs" horizontalSpacing="md" striped aria-label={report.data?.title ?? 'Report'}>
              <Table.Thead>
                <Table.Tr>
                  {report.data?.columns.map((c) => (
                    <Table.Th key={c}>{c}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.slice(0, MAX_ROWS_SHOWN).map((row, i) => (
                  // Report rows have no id of their own; their position is their identity here.
                  // biome-ignore lint/suspicious/noArrayIndexKey: rows are replaced as a whole
                  <Table.Tr key={i}>
                    {row.map((value, j) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                      <Table.Td key={j}>{cell(value)}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
                {rows.length === 0 ? (
                  <Table.Tr>
                    <Table.Td colSpan={Math.max(1, report.data?.columns.length ?? 1)}>
                      <Text c="dimmed" ta="center" py="lg">
                        Nothing to report.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : null}
              </Table.Tbody>
            </Table>
          </section>
        )}
      </Paper>
      <Stack />
    </>
  );
}
