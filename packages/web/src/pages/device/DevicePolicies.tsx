import { Alert, Paper, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { EffectivePolicy } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatRelative } from '../../lib/format';
import { JsonBlock, StateBadge } from '../policies/shared';

/** A setting's value in a few words (objects and lists as compact JSON). */
const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** Flattens the merged settings to one row per leaf ("passcode.minLength"), where the sources are recorded. */
function rowsOf(effective: EffectivePolicy): { path: string; value: unknown; from: string }[] {
  const rows: { path: string; value: unknown; from: string }[] = [];
  const sourceOf = (path: string) => {
    // Sources are recorded per setting path; a leaf inherits its nearest recorded ancestor.
    for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
      const s = effective.sources[p];
      if (s) return s.policyName;
    }
    // Lists (wifi, apps, …) record one source per entry: "wifi[Guest]".
    const names = new Set(
      Object.entries(effective.sources)
        .filter(([key]) => key.startsWith(`${path}[`) || key.startsWith(`${path}.`))
        .map(([, s]) => s.policyName),
    );
    return names.size ? [...names].join(', ') : '—';
  };
  for (const [section, value] of Object.entries(effective.settings)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) rows.push({ path: `${section}.${key}`, value: inner, from: sourceOf(`${section}.${key}`) });
    } else rows.push({ path: section, value, from: sourceOf(section) });
  }
  return rows;
}

/** The device's effective policy (with where each value came from) and the state of each configuration item. */
export function DevicePolicies({ deviceId }: { deviceId: string }) {
  const effective = useQuery({
    queryKey: ['devices', 'detail', deviceId, 'effective-policy'],
    queryFn: () => call(api.GET('/api/v1/devices/{id}/effective-policy', { params: { path: { id: deviceId } } })),
    // States move as the device installs what it was sent; live events don't cover them yet.
    refetchInterval: 5_000,
  });
  if (effective.isPending) return <Skeleton height={160} />;
  if (effective.isError) return <ErrorAlert error={effective.error} title="Could not load the device's policies" />;
  const e = effective.data;
  const rows = rowsOf(e);

  return (
    <Stack gap="lg">
      <Paper withBorder radius="md" p="md" component="section" aria-labelledby="states-heading">
        <Title order={2} size="h4" id="states-heading" mb="sm">
          Configuration state
        </Title>
        {e.states.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nothing has been sent to this device by policies or profiles yet.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Configuration states" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Item</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Reason</Table.Th>
                  <Table.Th>Updated</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {e.states.map((s) => (
                  <Table.Tr key={s.key}>
                    <Table.Td>{s.name}</Table.Td>
                    <Table.Td>{s.itemType}</Table.Td>
                    <Table.Td>
                      <StateBadge state={s.state} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace">
                        {s.installedVersion ?? s.desiredVersion ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>{s.reason ?? (s.attempts > 1 ? `${s.attempts} attempts` : '')}</Table.Td>
                    <Table.Td title={formatDateTime(s.updatedAt)}>{formatRelative(s.updatedAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>

      <Paper withBorder radius="md" p="md" component="section" aria-labelledby="effective-heading">
        <Title order={2} size="h4" id="effective-heading" mb="xs">
          Effective policy
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {e.policies.length === 0
            ? 'No policy applies to this device.'
            : `Merged from ${e.policies.map((p) => p.policyName).join(', ')}, highest priority first.`}
        </Text>
        {rows.length ? (
          <Table aria-label="Effective settings" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Setting</Table.Th>
                <Table.Th>Value</Table.Th>
                <Table.Th>From policy</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.path}>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {r.path}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2}>
                      {show(r.value)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{r.from}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
        {e.translation.supported ? (
          e.translation.unsupported.length ? (
            <Alert color="yellow" variant="light" mt="md" title={`Not enforced on this device (${e.translation.channel})`}>
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {e.translation.unsupported.map((u) => (
                  <li key={u.setting}>
                    <b>{u.setting}</b>: {u.reason}
                  </li>
                ))}
              </ul>
            </Alert>
          ) : null
        ) : (
          <Alert color="gray" variant="light" mt="md" title="No translation">
            {e.translation.reason}
          </Alert>
        )}
        {e.profiles.length ? (
          <Text size="sm" mt="md">
            Raw profiles: {e.profiles.map((p) => p.name).join(', ')}
          </Text>
        ) : null}
        {e.osTarget ? (
          <Text size="sm" mt="xs">
            OS target: {e.osTarget.minimumVersion} or later{e.osTarget.deadline ? `, by ${formatDateTime(e.osTarget.deadline)}` : ''}
          </Text>
        ) : null}
        {e.translation.supported && e.policies.length ? (
          <details style={{ marginTop: 12 }}>
            <summary>What the device receives</summary>
            <JsonBlock value={e.translation.payload} label="Translated payload" />
          </details>
        ) : null}
      </Paper>
    </Stack>
  );
}
