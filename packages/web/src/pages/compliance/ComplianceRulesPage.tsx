import { Badge, Button, Checkbox, Fieldset, Group, Modal, NumberInput, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../api/client';
import type { paths } from '../../api/schema';
import { usePermission } from '../../api/session';
import type { ComplianceRule } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { PlusIcon } from '../../components/icons';
import { GroupNames, GroupPicker } from '../policies/shared';

type RuleType = NonNullable<paths['/api/v1/compliance/rules']['post']['requestBody']>['content']['application/json']['type'];

/** Each rule type in words, and the parameter it needs (if any). */
const RULE_TYPES: { value: RuleType; label: string; param?: 'version' | 'days' | 'identifiers' }[] = [
  { value: 'encrypted', label: 'Storage is encrypted' },
  { value: 'passcode_set', label: 'A passcode is set' },
  { value: 'not_compromised', label: 'Not jailbroken or rooted' },
  { value: 'firewall_enabled', label: 'Firewall is on' },
  { value: 'os_version_at_least', label: 'OS version at least', param: 'version' },
  { value: 'checked_in_within_days', label: 'Checked in recently', param: 'days' },
  { value: 'required_apps_present', label: 'Required apps installed', param: 'identifiers' },
  { value: 'blocked_apps_absent', label: 'Blocked apps absent', param: 'identifiers' },
  { value: 'policy_installed', label: 'Policies installed' },
];
const typeLabel = (type: string) => RULE_TYPES.find((t) => t.value === type)?.label ?? type;

const describeGrace = (seconds: number) => {
  if (seconds === 0) return 'None';
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`;
  return `${Math.round(seconds / 3600)} h`;
};
const describeActions = (a: ComplianceRule['actions']) =>
  [a.notify ? 'notify' : '', a.email.length ? `e-mail ${a.email.join(', ')}` : '', a.lock ? 'lock' : '', a.retire ? 'retire' : ''].filter(Boolean).join(', ') ||
  '—';
const describeParams = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join(' · ');

export function ComplianceRulesPage() {
  const canWrite = usePermission('compliance.write');
  const [creating, createModal] = useDisclosure(false);
  const rules = useQuery({ queryKey: ['compliance', 'rules'], queryFn: () => call(api.GET('/api/v1/compliance/rules')) });
  const summary = useQuery({
    queryKey: ['compliance', 'summary'],
    queryFn: () => call(api.GET('/api/v1/compliance/summary', { params: { query: { days: 30 } } })),
  });
  const violations = new Map((summary.data?.violationsByRule ?? []).map((v) => [v.ruleId, v.devices]));

  return (
    <>
      <PageHeader
        title="Compliance rules"
        description={
          summary.data
            ? `${summary.data.compliant.toLocaleString()} of ${summary.data.total.toLocaleString()} devices compliant. A device breaking a rule of one of its groups is not compliant; the actions run once the grace period is over.`
            : 'A device breaking a rule of one of its groups is not compliant; the actions run once the grace period is over.'
        }
        actions={
          canWrite ? (
            <Button leftSection={<PlusIcon />} onClick={createModal.open}>
              New rule
            </Button>
          ) : null
        }
      />
      <ErrorAlert error={rules.error} title="Could not load compliance rules" />
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Compliance rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Checks</Table.Th>
                <Table.Th>Grace period</Table.Th>
                <Table.Th>Actions</Table.Th>
                <Table.Th>Groups</Table.Th>
                <Table.Th ta="right">Devices breaking it</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rules.data?.items.map((rule) => (
                <Table.Tr key={rule.id}>
                  <Table.Td>
                    <Group gap="xs">
                      <Text size="sm" fw={600}>
                        {rule.name}
                      </Text>
                      {rule.enabled ? null : (
                        <Badge size="sm" variant="light" color="gray">
                          Off
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{typeLabel(rule.type)}</Text>
                    {Object.keys(rule.params).length ? (
                      <Text size="xs" c="dimmed">
                        {describeParams(rule.params)}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{describeGrace(rule.gracePeriodSeconds)}</Table.Td>
                  <Table.Td>{describeActions(rule.actions)}</Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      <GroupNames ids={rule.groupIds} />
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">{(violations.get(rule.id) ?? 0).toLocaleString()}</Table.Td>
                </Table.Tr>
              ))}
              {rules.data?.items.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text c="dimmed" ta="center" py="lg">
                      No compliance rules yet: every device counts as compliant.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Modal opened={creating} onClose={createModal.close} title="New compliance rule" size="lg">
        {creating ? <CreateRuleForm onDone={createModal.close} /> : null}
      </Modal>
    </>
  );
}

const VERSION = /^[0-9][0-9A-Za-z.()-]*$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

function CreateRuleForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [type, setType] = useState<RuleType>('encrypted');
  const [version, setVersion] = useState('');
  const [days, setDays] = useState<number | string>(7);
  const [identifiers, setIdentifiers] = useState('');
  const [graceDays, setGraceDays] = useState<number | string>(0);
  const [notify, setNotify] = useState(false);
  const [lock, setLock] = useState(false);
  const [retire, setRetire] = useState(false);
  const [emails, setEmails] = useState('');
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [submitted, setSubmitted] = useState(false);

  const param = RULE_TYPES.find((t) => t.value === type)?.param;
  const ids = identifiers
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const emailList = emails
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const paramError =
    param === 'version' && !VERSION.test(version.trim())
      ? 'A version such as 17.4'
      : param === 'identifiers' && ids.length === 0
        ? 'At least one app identifier'
        : param === 'days' && typeof days !== 'number'
          ? 'A number of days'
          : undefined;
  const emailError = emailList.some((e) => !EMAIL.test(e)) ? 'Addresses separated by commas' : undefined;

  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/compliance/rules', {
          body: {
            name: name.trim(),
            type,
            ...(param === 'version' ? { params: { version: version.trim() } } : {}),
            ...(param === 'days' ? { params: { days: Number(days) } } : {}),
            ...(param === 'identifiers' ? { params: { identifiers: ids } } : {}),
            gracePeriodSeconds: Math.round(Number(graceDays || 0) * 86_400),
            actions: { notify, lock, retire, email: emailList },
            groupIds,
          },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['compliance'] });
      onDone();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!name.trim() || paramError || emailError) return;
    create.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={submitted && !name.trim() ? 'Give the rule a name.' : undefined}
          data-autofocus
        />
        <Select
          label="Devices must"
          data={RULE_TYPES.map(({ value, label }) => ({ value, label }))}
          value={type}
          onChange={(value) => {
            const found = RULE_TYPES.find((t) => t.value === value);
            if (found) setType(found.value);
          }}
          allowDeselect={false}
        />
        {param === 'version' ? (
          <TextInput
            label="Minimum version"
            required
            value={version}
            onChange={(e) => setVersion(e.currentTarget.value)}
            error={submitted ? paramError : undefined}
          />
        ) : null}
        {param === 'days' ? (
          <NumberInput label="Within days" min={1} max={3650} allowDecimal={false} value={days} onChange={setDays} error={submitted ? paramError : undefined} />
        ) : null}
        {param === 'identifiers' ? (
          <TextInput
            label="App identifiers"
            description="Bundle IDs or package names, separated by commas"
            required
            value={identifiers}
            onChange={(e) => setIdentifiers(e.currentTarget.value)}
            error={submitted ? paramError : undefined}
          />
        ) : null}
        <Fieldset legend="When a device breaks it">
          <Stack gap="sm">
            <NumberInput
              label="Grace period (days)"
              description="How long a device may stay non-compliant before the actions run"
              min={0}
              max={90}
              decimalScale={2}
              value={graceDays}
              onChange={setGraceDays}
            />
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Checkbox label="Notify webhooks" checked={notify} onChange={(e) => setNotify(e.currentTarget.checked)} />
              <Checkbox label="Lock the device" checked={lock} onChange={(e) => setLock(e.currentTarget.checked)} />
              <Checkbox label="Retire the device" checked={retire} onChange={(e) => setRetire(e.currentTarget.checked)} />
            </SimpleGrid>
            <TextInput
              label="E-mail"
              description="Addresses told when the grace period ends"
              value={emails}
              onChange={(e) => setEmails(e.currentTarget.value)}
              error={emailError}
            />
          </Stack>
        </Fieldset>
        <GroupPicker value={groupIds} onChange={setGroupIds} />
        <ErrorAlert error={create.error} title="Could not create the rule" />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create rule
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
