import { Anchor, Badge, Code, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDeferredValue, useState } from 'react';
import { SearchIcon } from '../../components/icons';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import { type DeviceLocation, type Facts, factLabel, factText, factsOf, isRecord, num, openStreetMapUrl, str } from '../../lib/inventory';

/** Security facts worth seeing at a glance, with the value that is good news. */
const SECURITY_HIGHLIGHTS: { key: string; label: string; good: boolean }[] = [
  { key: 'encrypted', label: 'Encrypted', good: true },
  { key: 'passcodePresent', label: 'Passcode set', good: true },
  { key: 'passcodeCompliant', label: 'Passcode compliant', good: true },
  { key: 'sipEnabled', label: 'System Integrity Protection', good: true },
  { key: 'remoteDesktopEnabled', label: 'Remote Desktop', good: false },
];

function FactTable({ facts, label }: { facts: Facts; label: string }) {
  const entries = Object.entries(facts).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0));
  if (entries.length === 0)
    return (
      <Text c="dimmed" size="sm">
        Nothing reported.
      </Text>
    );
  return (
    <Table verticalSpacing={6} horizontalSpacing="sm" aria-label={label} layout="fixed">
      <Table.Tbody>
        {entries.map(([key, value]) => (
          <Table.Tr key={key}>
            <Table.Th w="45%" fw={500} c="dimmed" style={{ fontSize: 'var(--mantine-font-size-sm)' }}>
              {factLabel(key)}
            </Table.Th>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>{factText(key, value)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The device's own details and its security state, and anything else it reported, as it reported it. */
export function InventoryOverview({ inventory, otherKeys }: { inventory: Facts; otherKeys: string[] }) {
  const device = factsOf(inventory, 'device');
  const security = factsOf(inventory, 'security');
  if (!device && !security && otherKeys.length === 0) {
    return (
      <Paper withBorder radius="md" p="xl">
        <Text c="dimmed" ta="center">
          The device has not reported its inventory yet. It does after enrolling, and whenever inventory is refreshed.
        </Text>
      </Paper>
    );
  }
  const firewall = isRecord(security?.firewall) ? security.firewall : undefined;
  const highlights = security
    ? SECURITY_HIGHLIGHTS.filter((h) => typeof security[h.key] === 'boolean').map((h) => ({ ...h, value: security[h.key] === true }))
    : [];
  if (typeof firewall?.enabled === 'boolean') highlights.push({ key: 'firewall', label: 'Firewall', good: true, value: firewall.enabled });
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        {security ? (
          <Paper withBorder radius="md" p="lg" component="section" aria-label="Security">
            <Title order={3} size="h5" mb="sm">
              Security
            </Title>
            {highlights.length ? (
              <Group gap={6} mb="sm">
                {highlights.map((h) => (
                  <Badge key={h.key} variant="light" color={h.value === h.good ? 'teal' : 'red'} tt="none">
                    {h.label}: {h.value ? 'on' : 'off'}
                  </Badge>
                ))}
              </Group>
            ) : null}
            <FactTable facts={security} label="Security facts" />
          </Paper>
        ) : null}
        {device ? (
          <Paper withBorder radius="md" p="lg" component="section" aria-label="Device details">
            <Title order={3} size="h5" mb="sm">
              Device details
            </Title>
            <FactTable facts={device} label="Device facts" />
          </Paper>
        ) : null}
      </SimpleGrid>
      {otherKeys.length ? (
        <Paper withBorder radius="md" p="lg" component="section" aria-label="Other facts">
          <Title order={3} size="h5" mb="sm">
            Other reported facts
          </Title>
          <Stack gap="sm">
            {otherKeys.map((key) => (
              <details key={key}>
                <summary style={{ cursor: 'pointer', fontSize: 'var(--mantine-font-size-sm)' }}>{factLabel(key)}</summary>
                <Code block mt="xs" style={{ maxHeight: 280, overflow: 'auto' }}>
                  {JSON.stringify(inventory[key], null, 2)}
                </Code>
              </details>
            ))}
          </Stack>
        </Paper>
      ) : null}
    </Stack>
  );
}

/** A list with a filter box once it grows long. */
function useFiltered(items: Facts[], fields: string[]) {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query.trim().toLowerCase());
  // Reported lists have no guaranteed unique field: a row's key is its place in the report.
  const keyed = items.map((item, index) => ({ item, key: `${str(item.identifier) ?? str(item.sha256) ?? ''}#${index}` }));
  const shown = deferred ? keyed.filter(({ item }) => fields.some((f) => str(item[f])?.toLowerCase().includes(deferred))) : keyed;
  const box =
    items.length > 8 ? (
      <TextInput
        aria-label="Filter"
        placeholder="Filter by name or identifier"
        leftSection={<SearchIcon />}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        w={{ base: '100%', xs: 320 }}
        mb="sm"
        type="search"
      />
    ) : null;
  return { shown, box };
}

const Empty = ({ colSpan, children }: { colSpan: number; children: string }) => (
  <Table.Tr>
    <Table.Td colSpan={colSpan}>
      <Text c="dimmed" ta="center" py="md" size="sm">
        {children}
      </Text>
    </Table.Td>
  </Table.Tr>
);

export function AppsTable({ apps }: { apps: Facts[] }) {
  const sorted = [...apps].sort((a, b) => (str(a.name) ?? '').localeCompare(str(b.name) ?? ''));
  const { shown, box } = useFiltered(sorted, ['name', 'identifier']);
  return (
    <>
      {box}
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" horizontalSpacing="md" aria-label="Installed apps">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>App</Table.Th>
                <Table.Th>Identifier</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Size</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map(({ item: app, key }) => (
                <Table.Tr key={key}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {str(app.name) ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {str(app.identifier) ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>{str(app.shortVersion) ?? str(app.version) ?? '—'}</Table.Td>
                  <Table.Td>{num(app.bundleSize) !== undefined ? formatBytes(num(app.bundleSize) ?? 0) : '—'}</Table.Td>
                </Table.Tr>
              ))}
              {shown.length === 0 ? <Empty colSpan={4}>{apps.length ? 'No app matches.' : 'No apps reported.'}</Empty> : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </>
  );
}

export function ProfilesTable({ profiles }: { profiles: Facts[] }) {
  const { shown, box } = useFiltered(profiles, ['displayName', 'identifier', 'organization']);
  return (
    <>
      {box}
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" horizontalSpacing="md" aria-label="Installed profiles">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Profile</Table.Th>
                <Table.Th>Identifier</Table.Th>
                <Table.Th>Organization</Table.Th>
                <Table.Th>Flags</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map(({ item: profile, key }) => (
                <Table.Tr key={key}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {str(profile.displayName) ?? '—'}
                    </Text>
                    {str(profile.description) ? (
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {str(profile.description)}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {str(profile.identifier) ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>{str(profile.organization) ?? '—'}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {profile.managed === true ? (
                        <Badge size="xs" variant="light">
                          Managed
                        </Badge>
                      ) : null}
                      {profile.signed === true ? (
                        <Badge size="xs" variant="light" color="teal">
                          Signed
                        </Badge>
                      ) : null}
                      {profile.encrypted === true ? (
                        <Badge size="xs" variant="light" color="grape">
                          Encrypted
                        </Badge>
                      ) : null}
                      {profile.removalDisallowed === true ? (
                        <Badge size="xs" variant="outline" color="gray">
                          Locked
                        </Badge>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
              {shown.length === 0 ? <Empty colSpan={4}>{profiles.length ? 'No profile matches.' : 'No profiles reported.'}</Empty> : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </>
  );
}

export function CertificatesTable({ certificates }: { certificates: Facts[] }) {
  const { shown, box } = useFiltered(certificates, ['commonName', 'issuer']);
  const soon = Date.now() + 30 * 86_400_000;
  return (
    <>
      {box}
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" horizontalSpacing="md" aria-label="Installed certificates">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Common name</Table.Th>
                <Table.Th>Issuer</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Kind</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map(({ item: cert, key }) => {
                const notAfter = str(cert.notAfter);
                const expiry = notAfter ? Date.parse(notAfter) : Number.NaN;
                return (
                  <Table.Tr key={key}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {str(cert.commonName) ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                        {str(cert.issuer)?.replaceAll('\n', ', ') ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {notAfter ? formatDate(notAfter) : '—'}
                      {!Number.isNaN(expiry) && expiry < soon ? (
                        <Badge ml={6} size="xs" color={expiry < Date.now() ? 'red' : 'orange'} variant="light">
                          {expiry < Date.now() ? 'expired' : 'expires soon'}
                        </Badge>
                      ) : null}
                    </Table.Td>
                    <Table.Td>{cert.isIdentity === true ? 'Identity' : 'Certificate'}</Table.Td>
                  </Table.Tr>
                );
              })}
              {shown.length === 0 ? <Empty colSpan={4}>{certificates.length ? 'No certificate matches.' : 'No certificates reported.'}</Empty> : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </>
  );
}

/** Where the device last said it was, as text and a link to OpenStreetMap (no map is loaded here). */
export function LocationCard({ location }: { location: DeviceLocation }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="device-location-title">
      <Group justify="space-between" align="baseline" wrap="wrap" gap="xs" mb={4}>
        <Title order={2} size="h4" id="device-location-title">
          Last known location
        </Title>
        <Anchor href={openStreetMapUrl(location)} target="_blank" rel="noopener noreferrer" size="sm">
          Open in OpenStreetMap ↗
        </Anchor>
      </Group>
      <Text size="sm" ff="monospace" data-testid="device-location">
        {location.latitude.toFixed(5)}, {location.longitude.toFixed(5)}
      </Text>
      <Text size="sm" c="dimmed">
        {location.accuracy !== undefined ? `Within ${Math.round(location.accuracy).toLocaleString()} m` : 'Accuracy not reported'}
        {location.at ? ` · ${formatRelative(location.at)} (${formatDateTime(location.at)})` : ''}
      </Text>
    </Paper>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toLocaleString(undefined, { maximumFractionDigits: 1 })} ${units[unit]}`;
}
