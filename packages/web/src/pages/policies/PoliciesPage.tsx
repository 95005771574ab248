import {
  Button,
  Checkbox,
  Fieldset,
  Group,
  Modal,
  NumberInput,
  Paper,
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
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api, call } from '../../api/client';
import { usePermission } from '../../api/session';
import type { Platform, Policy } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { PlusIcon } from '../../components/icons';
import { formatDateTime } from '../../lib/format';
import { PLATFORM_LABELS, PLATFORM_OPTIONS, isPlatform } from '../../lib/vocabulary';
import { GroupNames, GroupPicker, JsonBlock } from './shared';

type Settings = Record<string, unknown>;

/** The sections the form edits field by field; every other section is edited as JSON. */
const FORM_SECTIONS = ['passcode', 'encryption', 'restrictions', 'osUpdate'];
const RESTRICTIONS: { key: string; label: string }[] = [
  { key: 'camera', label: 'Camera' },
  { key: 'screenCapture', label: 'Screen capture' },
  { key: 'appInstalls', label: 'Installing apps' },
  { key: 'usbStorage', label: 'USB storage' },
  { key: 'bluetooth', label: 'Bluetooth' },
  { key: 'appStore', label: 'App store' },
  { key: 'accountChanges', label: 'Account changes' },
];
const COMPLEXITIES = [
  { value: 'any', label: 'Any' },
  { value: 'numeric', label: 'Numeric' },
  { value: 'alphanumeric', label: 'Letters and digits' },
  { value: 'complex', label: 'Letters, digits and a symbol' },
];
const VERSION = /^[0-9]+(\.[0-9]+){0,3}$/;

export function PoliciesPage() {
  const canWrite = usePermission('policies.write');
  const [editing, setEditing] = useState<Policy | 'new' | null>(null);
  const [previewing, setPreviewing] = useState<Policy | null>(null);
  const policies = useQuery({ queryKey: ['policies'], queryFn: () => call(api.GET('/api/v1/policies')) });

  return (
    <>
      <PageHeader
        title="Policies"
        description="Say once what devices must do; each platform receives its own translation. Higher priority wins where two policies set the same value."
        actions={
          canWrite ? (
            <Button leftSection={<PlusIcon />} onClick={() => setEditing('new')}>
              New policy
            </Button>
          ) : null
        }
      />
      <ErrorAlert error={policies.error} title="Could not load policies" />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Policies">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th ta="right">Priority</Table.Th>
                <Table.Th>Settings</Table.Th>
                <Table.Th>Groups</Table.Th>
                <Table.Th>Updated</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {policies.data?.items.map((policy) => (
                <Table.Tr key={policy.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {policy.name}
                    </Text>
                    {policy.description ? (
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {policy.description}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td ta="right">{policy.priority}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{Object.keys(policy.settings).join(', ') || '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      <GroupNames ids={policy.groupIds} />
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatDateTime(policy.updatedAt)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setPreviewing(policy)} aria-label={`Preview ${policy.name}`}>
                        Preview
                      </Button>
                      {canWrite ? (
                        <Button size="xs" variant="default" onClick={() => setEditing(policy)} aria-label={`Edit ${policy.name}`}>
                          Edit
                        </Button>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
              {policies.data?.items.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text c="dimmed" ta="center" py="lg">
                      No policies yet.{canWrite ? ' Create one and assign it to a group.' : ''}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing === 'new' ? 'New policy' : `Edit ${editing?.name ?? ''}`} size="xl">
        {editing !== null ? <PolicyForm policy={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
      </Modal>
      <Modal opened={previewing !== null} onClose={() => setPreviewing(null)} title={`Preview ${previewing?.name ?? ''}`} size="xl">
        {previewing ? <PolicyPreview policy={previewing} /> : null}
      </Modal>
    </>
  );
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const numberOrEmpty = (value: unknown): number | string => (typeof value === 'number' ? value : '');

function PolicyForm({ policy, onDone }: { policy: Policy | null; onDone: () => void }) {
  const queryClient = useQueryClient();
  const initial = policy?.settings ?? {};
  const passcode0 = asRecord(initial.passcode);
  const restrictions0 = asRecord(initial.restrictions);
  const [name, setName] = useState(policy?.name ?? '');
  const [description, setDescription] = useState(policy?.description ?? '');
  const [priority, setPriority] = useState<number | string>(policy?.priority ?? 0);
  const [passcodeRequired, setPasscodeRequired] = useState(passcode0.required === true);
  const [minLength, setMinLength] = useState<number | string>(numberOrEmpty(passcode0.minLength));
  const [complexity, setComplexity] = useState<string | null>(typeof passcode0.complexity === 'string' ? passcode0.complexity : null);
  const [maxInactivity, setMaxInactivity] = useState<number | string>(numberOrEmpty(passcode0.maxInactivityMinutes));
  const [maxFailed, setMaxFailed] = useState<number | string>(numberOrEmpty(passcode0.maxFailedAttempts));
  const [encryption, setEncryption] = useState(asRecord(initial.encryption).required === true);
  const [blocked, setBlocked] = useState<string[]>(RESTRICTIONS.filter((r) => restrictions0[r.key] === false).map((r) => r.key));
  const [osMinimum, setOsMinimum] = useState(
    typeof asRecord(initial.osUpdate).minimumVersion === 'string' ? String(asRecord(initial.osUpdate).minimumVersion) : '',
  );
  const others = Object.fromEntries(Object.entries(initial).filter(([k]) => !FORM_SECTIONS.includes(k)));
  const [otherJson, setOtherJson] = useState(Object.keys(others).length ? JSON.stringify(others, null, 2) : '');
  const [groupIds, setGroupIds] = useState<string[]>(policy?.groupIds ?? []);
  const [submitted, setSubmitted] = useState(false);

  let otherError: string | undefined;
  let otherSettings: Settings = {};
  if (otherJson.trim()) {
    try {
      const parsed: unknown = JSON.parse(otherJson);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) otherError = 'Write a JSON object, e.g. { "wifi": [ … ] }.';
      else {
        otherSettings = parsed as Settings;
        const clash = Object.keys(otherSettings).filter((k) => FORM_SECTIONS.includes(k));
        if (clash.length) otherError = `Set ${clash.join(', ')} with the fields above, not here.`;
      }
    } catch (error) {
      otherError = `Not valid JSON: ${error instanceof Error ? error.message : 'parse error'}`;
    }
  }
  const osError = osMinimum.trim() && !VERSION.test(osMinimum.trim()) ? 'A version such as 17.4 or 10.0.22631' : undefined;

  const settings = (): Settings => {
    const passcode: Settings = {
      ...passcode0,
      required: passcodeRequired,
      minLength: typeof minLength === 'number' ? minLength : undefined,
      complexity: complexity ?? undefined,
      maxInactivityMinutes: typeof maxInactivity === 'number' ? maxInactivity : undefined,
      maxFailedAttempts: typeof maxFailed === 'number' ? maxFailed : undefined,
    };
    for (const key of Object.keys(passcode)) if (passcode[key] === undefined) delete passcode[key];
    const passcodeSet = passcodeRequired || Object.keys(passcode).some((k) => k !== 'required');
    const restrictions: Settings = { ...restrictions0 };
    for (const r of RESTRICTIONS) {
      if (blocked.includes(r.key)) restrictions[r.key] = false;
      else if (restrictions[r.key] === false) delete restrictions[r.key];
    }
    return {
      ...otherSettings,
      ...(passcodeSet ? { passcode } : {}),
      ...(encryption ? { encryption: { required: true } } : {}),
      ...(Object.keys(restrictions).length ? { restrictions } : {}),
      ...(osMinimum.trim() ? { osUpdate: { ...asRecord(initial.osUpdate), minimumVersion: osMinimum.trim() } } : {}),
    };
  };

  const save = useMutation({
    mutationFn: async () => {
      const body = {
        name: name.trim(),
        description: description.trim() ? description.trim() : null,
        priority: typeof priority === 'number' ? priority : 0,
        settings: settings() as never,
      };
      if (!policy) return call(api.POST('/api/v1/policies', { body: { ...body, groupIds } }));
      await call(api.PATCH('/api/v1/policies/{id}', { params: { path: { id: policy.id } }, body }));
      return call(api.PUT('/api/v1/policies/{id}/assignments', { params: { path: { id: policy.id } }, body: { groupIds } }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['policies'] });
      onDone();
    },
  });
  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/v1/policies/{id}', { params: { path: { id: policy?.id ?? '' } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['policies'] });
      onDone();
    },
  });

  // The server's field errors, placed next to the field they concern where the form has one.
  const fieldErrors = save.error instanceof ApiError ? save.error.fieldErrors : [];
  const serverErrorFor = (prefix: string) =>
    fieldErrors
      .filter((f) => f.path.startsWith(`/settings/${prefix}`))
      .map((f) => `${f.path.replace('/settings/', '')}: ${f.message}`)
      .join('; ') || undefined;
  const otherServerError = fieldErrors
    .filter((f) => f.path.startsWith('/settings/') && !FORM_SECTIONS.some((s) => f.path.startsWith(`/settings/${s}`)))
    .map((f) => `${f.path.replace('/settings/', '')}: ${f.message}`)
    .join('; ');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!name.trim() || otherError || osError) return;
    save.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={submitted && !name.trim() ? 'Give the policy a name.' : undefined}
            data-autofocus
          />
          <NumberInput
            label="Priority"
            description="Higher wins when policies disagree"
            min={0}
            max={1_000_000}
            allowDecimal={false}
            value={priority}
            onChange={setPriority}
          />
        </SimpleGrid>
        <Textarea label="Description" maxLength={2000} autosize minRows={1} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />

        <Fieldset legend="Passcode">
          <Stack gap="sm">
            <Checkbox label="Require a passcode" checked={passcodeRequired} onChange={(e) => setPasscodeRequired(e.currentTarget.checked)} />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <NumberInput
                label="Minimum length"
                min={4}
                max={16}
                allowDecimal={false}
                value={minLength}
                onChange={setMinLength}
                error={serverErrorFor('passcode/minLength')}
              />
              <Select label="Complexity" placeholder="Not set" data={COMPLEXITIES} value={complexity} onChange={setComplexity} clearable />
              <NumberInput label="Lock after inactivity (minutes)" min={1} max={60} allowDecimal={false} value={maxInactivity} onChange={setMaxInactivity} />
              <NumberInput label="Failed attempts before wipe" min={2} max={16} allowDecimal={false} value={maxFailed} onChange={setMaxFailed} />
            </SimpleGrid>
            {serverErrorFor('passcode') ? (
              <Text size="sm" c="red" role="alert">
                {serverErrorFor('passcode')}
              </Text>
            ) : null}
          </Stack>
        </Fieldset>

        <Fieldset legend="Encryption and OS">
          <Stack gap="sm">
            <Checkbox label="Require storage encryption" checked={encryption} onChange={(e) => setEncryption(e.currentTarget.checked)} />
            <TextInput
              label="Minimum OS version"
              description="Devices below it are asked to update, e.g. 17.4"
              maxLength={32}
              value={osMinimum}
              onChange={(e) => setOsMinimum(e.currentTarget.value)}
              error={osError ?? serverErrorFor('osUpdate')}
            />
          </Stack>
        </Fieldset>

        <Checkbox.Group label="Block" description="Checked features are turned off on the device" value={blocked} onChange={setBlocked}>
          <SimpleGrid cols={{ base: 2, sm: 4 }} mt="xs">
            {RESTRICTIONS.map((r) => (
              <Checkbox key={r.key} value={r.key} label={r.label} />
            ))}
          </SimpleGrid>
        </Checkbox.Group>

        <Textarea
          label="Other settings (JSON)"
          description="wifi, vpn, certificates, email, webFilter, apps, kiosk — as in docs/policies.md"
          autosize
          minRows={3}
          maxRows={14}
          spellCheck={false}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          value={otherJson}
          onChange={(e) => setOtherJson(e.currentTarget.value)}
          error={otherError ?? (otherServerError || undefined)}
        />

        <GroupPicker value={groupIds} onChange={setGroupIds} />

        <ErrorAlert error={save.error} title="Could not save the policy" />
        <ErrorAlert error={remove.error} title="Could not delete the policy" />
        <Group justify="space-between" gap="sm">
          {policy ? (
            <Button color="red" variant="subtle" onClick={() => remove.mutate()} loading={remove.isPending}>
              Delete policy
            </Button>
          ) : (
            <span />
          )}
          <Group gap="sm">
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {policy ? 'Save policy' : 'Create policy'}
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}

/** What one platform makes of the policy: its payload and the settings it can't enforce. */
function PolicyPreview({ policy }: { policy: Policy }) {
  const [platform, setPlatform] = useState<Platform>('ios');
  const preview = useQuery({
    queryKey: ['policies', policy.id, 'preview', platform],
    queryFn: () => call(api.GET('/api/v1/policies/{id}/preview', { params: { path: { id: policy.id }, query: { platform } } })),
  });
  const t = preview.data?.translation;
  return (
    <Stack gap="md">
      <Select
        label="Platform"
        data={PLATFORM_OPTIONS}
        value={platform}
        onChange={(value) => isPlatform(value) && setPlatform(value)}
        allowDeselect={false}
        w={240}
      />
      <ErrorAlert error={preview.error} title="Could not preview the policy" />
      {t ? (
        <>
          <section aria-labelledby="unsupported-heading">
            <Title order={3} size="h5" id="unsupported-heading" mb="xs">
              Not enforced on {PLATFORM_LABELS[platform]}
            </Title>
            {!t.supported ? (
              <Text size="sm">{t.reason}</Text>
            ) : t.unsupported.length === 0 ? (
              <Text size="sm" data-testid="unsupported-none">
                Every setting is enforced.
              </Text>
            ) : (
              <Table aria-label="Unsupported settings" withTableBorder>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Setting</Table.Th>
                    <Table.Th>Why</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {t.unsupported.map((u) => (
                    <Table.Tr key={u.setting}>
                      <Table.Td>{u.setting}</Table.Td>
                      <Table.Td>{u.reason}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </section>
          {t.supported ? (
            <section aria-labelledby="payload-heading">
              <Title order={3} size="h5" id="payload-heading" mb="xs">
                What {t.channel} devices receive
              </Title>
              <JsonBlock value={t.payload} label={`Translation for ${PLATFORM_LABELS[platform]}`} />
            </section>
          ) : null}
        </>
      ) : null}
    </Stack>
  );
}
