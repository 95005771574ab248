import { Alert, Anchor, Button, Group, Menu, Modal, Paper, Progress, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, errorMessage } from '../../api/client';
import { useMe } from '../../api/session';
import type { Command, CommandRequest } from '../../api/types';
import { AnchorLink } from '../../components/AnchorLink';
import { DEVICE_ACTIONS, type DeviceAction } from '../../lib/intents';
import { formatCount } from '../../lib/format';

/** What a bulk action applies to: the ticked devices, or every device the filter matches. */
export type Selection = { kind: 'devices'; ids: string[] } | { kind: 'filter'; filters: Record<string, string | undefined>; count: number };

/** Actions that make sense for many devices at once. Wipe stays a one-device action, confirmed by name. */
const BULK_INTENTS = ['refresh_inventory', 'lock', 'restart'] as const;
const DONE = new Set(['acknowledged', 'error', 'expired', 'cancelled']);

const csvList = (value: string | undefined) => (value ? value.split(',') : undefined);

function toTarget(selection: Selection): CommandRequest['target'] {
  if (selection.kind === 'devices') return { deviceIds: selection.ids };
  const f = selection.filters;
  const filter: Record<string, unknown> = {
    search: f.search,
    platform: csvList(f.platform),
    complianceState: csvList(f.complianceState),
    enrollmentState: csvList(f.enrollmentState),
    osVersion: csvList(f.osVersion),
    deliveryState: csvList(f.deliveryState),
    lastSeenBefore: f.lastSeenBefore,
  };
  for (const key of Object.keys(filter)) if (filter[key] === undefined) delete filter[key];
  return { filter } as CommandRequest['target'];
}

/**
 * The bar above the device table when devices are selected: one command for the whole selection
 * through the commands API, then its delivery counts, which follow live as devices answer.
 */
export function BulkActions(props: {
  selection: Selection;
  pageCount: number;
  total: number;
  allMatching: boolean;
  onSelectAllMatching: () => void;
  onClear: () => void;
}) {
  const me = useMe();
  const [confirming, setConfirming] = useState<DeviceAction | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const count = props.selection.kind === 'devices' ? props.selection.ids.length : props.selection.count;
  const actions = DEVICE_ACTIONS.filter((a) => (BULK_INTENTS as readonly string[]).includes(a.intent) && me.permissions.includes(a.permission));
  const canSend = me.permissions.includes('commands.create') && actions.length > 0;

  const send = useMutation({
    mutationFn: (action: DeviceAction) =>
      call(api.POST('/api/v1/commands', { body: { type: action.intent as CommandRequest['type'], target: toTarget(props.selection) } })),
    onSuccess: async (result) => {
      setConfirming(null);
      setSent(result.command.id);
      props.onClear();
      await queryClient.invalidateQueries({ queryKey: ['commands'] });
    },
  });

  return (
    <>
      {count > 0 || props.allMatching ? (
        <Paper withBorder p="sm" radius="md" role="region" aria-label="Selection">
          <Group justify="space-between" gap="sm" wrap="wrap">
            <Group gap="sm">
              <Text size="sm" fw={600} data-testid="selection-count">
                {props.allMatching ? `All ${formatCount(props.total, 'matching device')} selected` : `${formatCount(count, 'device')} selected`}
              </Text>
              {!props.allMatching && props.total > props.pageCount ? (
                <Anchor component="button" type="button" size="sm" onClick={props.onSelectAllMatching}>
                  Select all {props.total.toLocaleString()} matching devices
                </Anchor>
              ) : null}
              <Anchor component="button" type="button" size="sm" onClick={props.onClear}>
                Clear selection
              </Anchor>
            </Group>
            {canSend ? (
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <Button size="sm">Actions for selected</Button>
                </Menu.Target>
                <Menu.Dropdown>
                  {actions.map((action) => (
                    <Menu.Item key={action.intent} onClick={() => setConfirming(action)}>
                      {action.label}…
                    </Menu.Item>
                  ))}
                </Menu.Dropdown>
              </Menu>
            ) : null}
          </Group>
        </Paper>
      ) : null}

      <Modal opened={confirming !== null} onClose={() => setConfirming(null)} title={confirming ? `${confirming.label} ${formatCount(count, 'device')}?` : ''}>
        {confirming ? (
          <Stack gap="sm">
            <Text size="sm">{confirming.description}</Text>
            <Text size="sm">One command goes to {formatCount(count, 'device')}; devices whose platform can't do it are skipped and counted.</Text>
            {send.error ? (
              <Alert color="red" title="Could not send" role="alert">
                {errorMessage(send.error)}
              </Alert>
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(null)}>
                Cancel
              </Button>
              <Button loading={send.isPending} onClick={() => send.mutate(confirming)}>
                {confirming.label} {formatCount(count, 'device')}
              </Button>
            </Group>
          </Stack>
        ) : null}
      </Modal>

      {sent ? <CommandProgress commandId={sent} onDismiss={() => setSent(null)} /> : null}
    </>
  );
}

/** A sent command's deliveries: how many answered, failed or are still on their way. */
function CommandProgress({ commandId, onDismiss }: { commandId: string; onDismiss: () => void }) {
  const command = useQuery({
    queryKey: ['commands', commandId],
    queryFn: () => call(api.GET('/api/v1/commands/{id}', { params: { path: { id: commandId }, query: { limit: 1 } } })),
    // Live events refresh it; the interval is the safety net when the stream is down.
    refetchInterval: (q) => (finished(q.state.data?.command) ? false : 5000),
  });
  const c = command.data?.command;
  const counts = c?.counts ?? {};
  const total = c?.deviceCount ?? 0;
  const done = Object.entries(counts).reduce((sum, [state, n]) => (DONE.has(state) ? sum + n : sum), 0);
  const percent = total === 0 ? 100 : Math.round((done / total) * 100);
  return (
    <Paper withBorder p="sm" radius="md" role="region" aria-label="Bulk action progress">
      <Stack gap={6}>
        <Group justify="space-between">
          <Text size="sm" fw={600}>
            {c ? `${c.type.replaceAll('_', ' ')}: ${done.toLocaleString()} of ${formatCount(total, 'device')} answered` : 'Sending…'}
          </Text>
          <Group gap="sm">
            <AnchorLink to="/commands" size="sm">
              All commands
            </AnchorLink>
            <Anchor component="button" type="button" size="sm" onClick={onDismiss}>
              Dismiss
            </Anchor>
          </Group>
        </Group>
        <Progress value={percent} aria-label={`${percent}% of deliveries answered`} size="lg" />
        <Text size="xs" c="dimmed" data-testid="bulk-counts" aria-live="polite">
          {Object.entries(counts)
            .filter(([, n]) => n > 0)
            .map(([state, n]) => `${n.toLocaleString()} ${state.replace('acknowledged', 'done').replace('error', 'failed')}`)
            .join(' · ') || 'No deliveries'}
        </Text>
      </Stack>
    </Paper>
  );
}

function finished(command: Command | undefined): boolean {
  if (!command) return false;
  const open = Object.entries(command.counts).reduce((sum, [state, n]) => (DONE.has(state) ? sum : sum + n), 0);
  return open === 0;
}
