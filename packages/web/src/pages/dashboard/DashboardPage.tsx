import '@mantine/charts/styles.css';
import { AreaChart, BarChart, DonutChart, LineChart } from '@mantine/charts';
import { Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { api, call } from '../../api/client';
import type { Platform } from '../../api/types';
import { AnchorLink } from '../../components/AnchorLink';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import type { DeviceSearch } from '../../lib/device-search';
import { formatCount, formatDateTime } from '../../lib/format';
import { PLATFORM_LABELS, isPlatform } from '../../lib/vocabulary';

const STALE_DAYS = 7;
const COMPLIANCE: Record<string, { label: string; color: string }> = {
  compliant: { label: 'Compliant', color: 'teal.6' },
  noncompliant: { label: 'Not compliant', color: 'red.6' },
  unknown: { label: 'Unknown', color: 'gray.5' },
};

export const dashboardQueryKey = ['dashboard'] as const;

/**
 * The landing page: the fleet at a glance. Every figure links to the device list filtered to the
 * devices it counts. Charts are drawn for the eye; the same numbers are in the link lists beside them
 * for keyboards and screen readers.
 */
export function DashboardPage() {
  const dashboard = useQuery({
    queryKey: dashboardQueryKey,
    queryFn: () => call(api.GET('/api/v1/dashboard', { params: { query: { staleDays: STALE_DAYS, enrollmentDays: 30 } } })),
    // Live events refresh it; this is the fallback when the stream is down.
    refetchInterval: 60_000,
  });
  // The daily snapshots the compliance evaluator records (one row per day, the last one for today).
  const compliance = useQuery({
    queryKey: [...dashboardQueryKey, 'compliance'],
    queryFn: () => call(api.GET('/api/v1/compliance/summary', { params: { query: { days: 30 } } })),
    refetchInterval: 60_000,
  });
  const d = dashboard.data;
  const daily = compliance.data?.daily ?? [];
  const rate = (day: { compliant: number; total: number }) => (day.total ? Math.round((1000 * day.compliant) / day.total) / 10 : null);

  return (
    <>
      <PageHeader title="Dashboard" description={d ? `${formatCount(d.total, 'device')} · figures of ${formatDateTime(d.generatedAt)}` : 'Loading…'} />
      <ErrorAlert error={dashboard.error} title="Could not load the dashboard" />
      {!d ? (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
          {['a', 'b', 'c', 'd'].map((k) => (
            <Skeleton key={k} height={96} radius="md" />
          ))}
        </SimpleGrid>
      ) : (
        <Stack gap="lg">
          <section aria-labelledby="attention-heading">
            <Title order={2} size="h4" id="attention-heading" mb="sm">
              Needs attention
            </Title>
            <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }}>
              <Stat label="Not compliant" value={d.attention.noncompliant} color="red" search={{ complianceState: 'noncompliant' }} />
              <Stat
                label={`Not seen in ${STALE_DAYS} days`}
                value={d.attention.stale}
                color="orange"
                search={{ enrollmentState: 'enrolled', lastSeenBefore: d.attention.staleBefore }}
              />
              <Stat label="With a failed command" value={d.attention.failedCommands} color="red" search={{ deliveryState: 'error' }} />
              <Stat
                label="Waiting for commands"
                value={d.pending.devices}
                color="blue"
                search={{ deliveryState: 'queued,sent' }}
                note={`${formatCount(d.pending.deliveries, 'delivery', 'deliveries')} pending`}
              />
            </SimpleGrid>
          </section>

          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <ChartCard
              id="platforms"
              title="Devices by platform"
              chart={
                <BarChart
                  h={220}
                  data={d.byPlatform.map((p) => ({ platform: label(p.platform), Devices: p.count }))}
                  dataKey="platform"
                  yAxisProps={{ allowDecimals: false }}
                  series={[{ name: 'Devices', color: 'teal.6' }]}
                  withTooltip={false}
                />
              }
              links={d.byPlatform.map((p) => ({
                key: p.platform,
                text: `${label(p.platform)}: ${formatCount(p.count, 'device')}`,
                search: isPlatform(p.platform) ? { platform: p.platform } : {},
              }))}
            />
            <ChartCard
              id="compliance"
              title="Compliance"
              note="The current split."
              chart={
                <Group justify="center">
                  <DonutChart
                    size={180}
                    thickness={26}
                    withTooltip={false}
                    data={d.byCompliance.map((c) => ({
                      name: COMPLIANCE[c.state]?.label ?? c.state,
                      value: c.count,
                      color: COMPLIANCE[c.state]?.color ?? 'gray.5',
                    }))}
                    chartLabel={d.total === 0 ? '—' : `${Math.round((100 * (d.byCompliance.find((c) => c.state === 'compliant')?.count ?? 0)) / d.total)}%`}
                  />
                </Group>
              }
              links={d.byCompliance.map((c) => ({
                key: c.state,
                text: `${COMPLIANCE[c.state]?.label ?? c.state}: ${formatCount(c.count, 'device')}`,
                search: { complianceState: c.state },
              }))}
            />
            <ChartCard
              id="os-versions"
              title="OS versions"
              note={d.otherOsVersions > 0 ? `${formatCount(d.otherOsVersions, 'device')} on other versions.` : undefined}
              chart={
                <BarChart
                  h={Math.max(160, d.byOsVersion.length * 26)}
                  orientation="vertical"
                  data={d.byOsVersion.map((v) => ({ version: versionLabel(v.platform, v.osVersion), Devices: v.count }))}
                  dataKey="version"
                  yAxisProps={{ width: 130 }}
                  xAxisProps={{ allowDecimals: false }}
                  series={[{ name: 'Devices', color: 'blue.6' }]}
                  withTooltip={false}
                />
              }
              links={d.byOsVersion.map((v) => ({
                key: `${v.platform}-${v.osVersion}`,
                text: `${versionLabel(v.platform, v.osVersion)}: ${formatCount(v.count, 'device')}`,
                search: { ...(isPlatform(v.platform) ? { platform: v.platform } : {}), ...(v.osVersion ? { osVersion: v.osVersion } : {}) },
              }))}
            />
            <ChartCard
              id="enrollments"
              title="Enrollments, last 30 days"
              chart={
                <AreaChart
                  h={220}
                  data={d.enrollments.map((e) => ({ day: e.day.slice(5), Enrolled: e.count }))}
                  dataKey="day"
                  yAxisProps={{ allowDecimals: false }}
                  series={[{ name: 'Enrolled', color: 'teal.6' }]}
                  curveType="monotone"
                  withTooltip={false}
                  withDots={false}
                />
              }
              links={[
                {
                  key: 'recent',
                  text: `${formatCount(
                    d.enrollments.reduce((sum, e) => sum + e.count, 0),
                    'device',
                  )} enrolled in 30 days, newest first`,
                  search: { sort: '-enrolledAt' },
                },
              ]}
            />
            <ChartCard
              id="compliance-rate"
              title="Compliance rate, last 30 days"
              note={
                daily.length < 2
                  ? 'One point a day, from the daily compliance snapshots; the line grows as days are recorded.'
                  : 'Share of enrolled devices compliant at the end of each day.'
              }
              chart={
                <LineChart
                  h={220}
                  data={daily.map((day) => ({ day: day.day.slice(5), 'Compliant %': rate(day) }))}
                  dataKey="day"
                  yAxisProps={{ domain: [0, 100] }}
                  unit="%"
                  series={[{ name: 'Compliant %', color: 'teal.6' }]}
                  curveType="monotone"
                  withTooltip={false}
                  withDots={daily.length < 2}
                />
              }
              links={(() => {
                const last = daily.at(-1);
                const value = last ? rate(last) : null;
                return [
                  {
                    key: 'rate',
                    text:
                      last && value !== null
                        ? `${value}% compliant on ${last.day}: ${formatCount(last.noncompliant, 'device')} not compliant`
                        : 'No compliance snapshot yet',
                    search: { complianceState: 'noncompliant' },
                  },
                ];
              })()}
            />
          </SimpleGrid>
        </Stack>
      )}
    </>
  );
}

const label = (platform: string) => (isPlatform(platform) ? PLATFORM_LABELS[platform as Platform] : platform);
const versionLabel = (platform: string, version: string | null) => `${label(platform)} ${version ?? '(unknown)'}`;

function Stat({ label: text, value, color, search, note }: { label: string; value: number; color: string; search: DeviceSearch; note?: string }) {
  return (
    <Link to="/devices" search={search} style={{ textDecoration: 'none', color: 'inherit' }}>
      <Paper withBorder radius="md" p="md" h="100%">
        <Text size="sm" c="dimmed">
          {text}
        </Text>
        <Text fz={32} fw={700} c={value > 0 ? `${color}.7` : undefined} lh={1.2}>
          {value.toLocaleString()}
        </Text>
        {note ? (
          <Text size="xs" c="dimmed">
            {note}
          </Text>
        ) : null}
      </Paper>
    </Link>
  );
}

function ChartCard(props: {
  id: string;
  title: string;
  chart: ReactNode;
  links: { key: string; text: string; search: DeviceSearch }[];
  note?: string | undefined;
}) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby={`${props.id}-heading`}>
      <Title order={2} size="h4" id={`${props.id}-heading`} mb="sm">
        {props.title}
      </Title>
      {/* The picture repeats the list below it, which is what keyboards and assistive technology use. */}
      <div inert>{props.chart}</div>
      <ul style={{ listStyle: 'none', padding: 0, margin: '12px 0 0', display: 'flex', flexWrap: 'wrap', gap: '4px 16px' }}>
        {props.links.map((link) => (
          <li key={link.key}>
            <AnchorLink to="/devices" search={link.search} size="sm">
              {link.text}
            </AnchorLink>
          </li>
        ))}
      </ul>
      {props.note ? (
        <Text size="xs" c="dimmed" mt="xs">
          {props.note}
        </Text>
      ) : null}
    </Paper>
  );
}
