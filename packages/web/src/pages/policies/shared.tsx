import { Badge, Code, MultiSelect } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';

/** The groups as choices for an assignment picker. */
export function useGroupOptions(fresh = false) {
  // A picker asks again when it opens: a group made a moment ago (elsewhere) must be offered.
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => call(api.GET('/api/v1/groups')), ...(fresh ? { staleTime: 0 } : {}) });
  const options = (groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }));
  const nameOf = (id: string) => groups.data?.items.find((g) => g.id === id)?.name ?? 'deleted group';
  return { options, nameOf, isPending: groups.isPending };
}

export function GroupPicker({ value, onChange, label = 'Assigned to groups' }: { value: string[]; onChange: (ids: string[]) => void; label?: string }) {
  const { options } = useGroupOptions(true);
  return (
    <MultiSelect
      label={label}
      description="Devices in these groups (static or smart) receive it."
      placeholder={value.length ? undefined : 'No group: assigned to no device'}
      data={options}
      value={value}
      onChange={onChange}
      searchable
      clearable
    />
  );
}

export function GroupNames({ ids }: { ids: string[] }) {
  const { nameOf } = useGroupOptions();
  if (ids.length === 0) return <span>—</span>;
  return <span>{ids.map(nameOf).join(', ')}</span>;
}

const STATE_COLORS: Record<string, string> = {
  pending: 'yellow',
  installing: 'blue',
  installed: 'teal',
  removing: 'blue',
  removed: 'gray',
  failed: 'red',
  delivered: 'teal',
  retrying: 'orange',
  compliant: 'teal',
  noncompliant: 'red',
  unknown: 'gray',
};

/** A configuration or compliance state as a coloured word. */
export function StateBadge({ state }: { state: string }) {
  return (
    <Badge variant="light" color={STATE_COLORS[state] ?? 'gray'} size="sm">
      {state === 'noncompliant' ? 'not compliant' : state}
    </Badge>
  );
}

/** An Apple payload carries its profile base64-encoded; the XML is what an admin wants to read. */
function decodeProfile(value: unknown): { rest: unknown; xml?: string } {
  if (typeof value !== 'object' || value === null || typeof (value as { mobileconfig?: unknown }).mobileconfig !== 'string') return { rest: value };
  const { mobileconfig, ...rest } = value as { mobileconfig: string };
  try {
    const bytes = Uint8Array.from(atob(mobileconfig), (c) => c.charCodeAt(0));
    return { rest, xml: new TextDecoder().decode(bytes) };
  } catch {
    return { rest: value };
  }
}

/** JSON shown as text, for payloads and settings the form does not cover. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  const { rest, xml } = decodeProfile(value);
  // Scrollable blocks take the focus so a keyboard can scroll them.
  return (
    <>
      <Code block aria-label={label} tabIndex={0} style={{ maxHeight: 320, overflow: 'auto' }}>
        {JSON.stringify(rest, null, 2)}
      </Code>
      {xml ? (
        <Code block aria-label={`${label}: the profile (XML)`} tabIndex={0} mt="xs" style={{ maxHeight: 320, overflow: 'auto' }}>
          {xml}
        </Code>
      ) : null}
    </>
  );
}
