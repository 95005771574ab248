import { Alert, Button, Checkbox, Divider, Group, Modal, Paper, PasswordInput, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call, errorMessage } from '../../api/client';
import type { CommandRequest, DeviceDetail } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useNotify } from '../../components/Notifications';
import { factsOf } from '../../lib/inventory';
import { type DeviceAction, type DeviceIntent, availableActions } from '../../lib/intents';
import { deviceQueryKey, timelineQueryKey } from './keys';

type Params = Record<string, unknown>;

/** Sends one intent to one device; on success says so and refreshes the device's timeline. */
function useSendCommand(device: DeviceDetail, onSent?: () => void) {
  const queryClient = useQueryClient();
  const notify = useNotify();
  return useMutation({
    mutationFn: ({ action, params }: { action: DeviceAction; params: Params }) =>
      call(
        api.POST('/api/v1/commands', {
          body: { type: action.intent as CommandRequest['type'], params, target: { deviceIds: [device.id] } },
        }),
      ),
    onSuccess: async (_result, { action }) => {
      notify({ title: `${action.label} sent`, message: `Queued for ${device.name}. The timeline shows when the device answers.` });
      onSent?.();
      await queryClient.invalidateQueries({ queryKey: timelineQueryKey(device.id) });
      await queryClient.invalidateQueries({ queryKey: ['commands'] });
    },
    onError: (error, { action }) => notify({ title: `${action.label} not sent`, message: errorMessage(error), color: 'red' }),
  });
}

/** The actions card: what this person may do to this device, each behind a confirmation where it matters. */
export function DeviceActions({ device, permissions, onSent }: { device: DeviceDetail; permissions: readonly string[]; onSent?: () => void }) {
  const actions = availableActions(device, permissions);
  const canRetire = permissions.includes('devices.retire') && device.ownership === 'personal' && device.enrollmentState !== 'retired';
  const [open, setOpen] = useState<DeviceIntent | 'retire' | null>(null);
  const send = useSendCommand(device, onSent);
  const close = () => setOpen(null);
  const everyday = actions.filter((a) => a.intent !== 'wipe');
  const wipe = actions.find((a) => a.intent === 'wipe');
  const current = actions.find((a) => a.intent === open);

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="device-actions-title">
      <Title order={2} size="h4" mb="md" id="device-actions-title">
        Actions
      </Title>
      {actions.length === 0 && !canRetire ? (
        <Text size="sm" c="dimmed">
          {device.enrollmentState === 'retired'
            ? 'This device is retired: Steward no longer manages it.'
            : device.enrollmentState !== 'enrolled'
              ? 'Commands become available once the device has enrolled.'
              : 'Your role cannot send commands to this device.'}
        </Text>
      ) : null}
      <Stack gap="xs">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 1, lg: 2 }} spacing={8} verticalSpacing={8}>
          {everyday.map((action) => (
            <Button
              key={action.intent}
              variant="default"
              justify="flex-start"
              size="sm"
              fullWidth
              loading={send.isPending && send.variables?.action.intent === action.intent}
              onClick={() => (action.immediate ? send.mutate({ action, params: {} }) : setOpen(action.intent))}
              title={action.description}
            >
              {action.label}
            </Button>
          ))}
        </SimpleGrid>
        {wipe || canRetire ? <Divider my={4} label="Ends management" labelPosition="left" /> : null}
        {wipe ? (
          <Button color="red" variant="light" justify="flex-start" fullWidth onClick={() => setOpen('wipe')}>
            Wipe…
          </Button>
        ) : null}
        {canRetire ? (
          <Button color="red" variant="light" justify="flex-start" fullWidth onClick={() => setOpen('retire')}>
            Retire…
          </Button>
        ) : null}
      </Stack>

      <Modal opened={current !== undefined && current.intent !== 'wipe'} onClose={close} title={current ? `${current.label}: ${device.name}` : ''}>
        {current && current.intent !== 'wipe' ? <CommandForm device={device} action={current} onDone={close} onSent={onSent} /> : null}
      </Modal>
      <Modal opened={open === 'wipe' && wipe !== undefined} onClose={close} title={`Wipe ${device.name}?`}>
        {open === 'wipe' && wipe ? <WipeForm device={device} action={wipe} onDone={close} onSent={onSent} /> : null}
      </Modal>
      <Modal opened={open === 'retire'} onClose={close} title={`Retire ${device.name}?`}>
        {open === 'retire' ? <RetireForm device={device} onDone={close} /> : null}
      </Modal>
    </Paper>
  );
}

const PIN = /^[0-9]{6}$/;
const trimmed = (entries: Record<string, string>): Params => Object.fromEntries(Object.entries(entries).flatMap(([k, v]) => (v.trim() ? [[k, v.trim()]] : [])));

/** Lock, lost mode and the confirm-and-send actions: a description, the intent's few fields, Send. */
function CommandForm({
  device,
  action,
  onDone,
  onSent,
}: {
  device: DeviceDetail;
  action: DeviceAction;
  onDone: () => void;
  onSent?: (() => void) | undefined;
}) {
  const send = useSendCommand(device, onSent);
  const [message, setMessage] = useState('');
  const [phoneNumber, setPhoneNumber] = useState('');
  const [footnote, setFootnote] = useState('');
  const [pin, setPin] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const deviceFacts = factsOf(device.inventory, 'device');
  const wantsPin = action.intent === 'lock' && device.platform === 'macos';
  const pinRequired = wantsPin && deviceFacts?.pinRequiredForLock === true;
  const pinError = wantsPin && (pin || pinRequired) && !PIN.test(pin) ? 'Six digits.' : undefined;

  const params = (): Params => {
    if (action.intent === 'lock') return trimmed({ message, phoneNumber, ...(wantsPin ? { pin } : {}) });
    if (action.intent === 'enable_lost_mode') return trimmed({ message, phoneNumber, footnote });
    return {};
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (pinError) return;
    if (action.intent === 'enable_lost_mode' && !message.trim() && !phoneNumber.trim()) return;
    send.mutate({ action, params: params() }, { onSuccess: onDone });
  };

  const lostModeMissing = submitted && action.intent === 'enable_lost_mode' && !message.trim() && !phoneNumber.trim();
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text size="sm">{action.description}</Text>
        {action.intent === 'lock' || action.intent === 'enable_lost_mode' ? (
          <>
            <Textarea
              label="Message on the screen"
              description={action.intent === 'enable_lost_mode' ? 'For whoever finds the device.' : 'Optional.'}
              placeholder={action.intent === 'enable_lost_mode' ? 'This iPhone belongs to Example Ltd. Please call us.' : 'Locked by IT. Call the help desk.'}
              maxLength={500}
              autosize
              minRows={2}
              value={message}
              onChange={(e) => setMessage(e.currentTarget.value)}
              error={lostModeMissing ? 'Lost mode needs a message or a phone number.' : undefined}
              data-autofocus
            />
            <TextInput
              label="Phone number"
              description="Optional; shown on the screen."
              maxLength={50}
              type="tel"
              value={phoneNumber}
              onChange={(e) => setPhoneNumber(e.currentTarget.value)}
            />
          </>
        ) : null}
        {action.intent === 'enable_lost_mode' ? (
          <TextInput
            label="Footnote"
            description="Optional; small print under the message."
            maxLength={200}
            value={footnote}
            onChange={(e) => setFootnote(e.currentTarget.value)}
          />
        ) : null}
        {wantsPin ? (
          <PasswordInput
            label="PIN"
            description={`Six digits the Mac asks for to unlock${pinRequired ? '' : ' (optional)'}. Keep it: without it the Mac stays locked.`}
            inputMode="numeric"
            maxLength={6}
            autoComplete="off"
            required={pinRequired}
            value={pin}
            onChange={(e) => setPin(e.currentTarget.value.replace(/\D/g, ''))}
            error={submitted ? pinError : undefined}
          />
        ) : null}
        <ErrorAlert error={send.error} title={`Could not send ${action.label.toLowerCase()}`} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={send.isPending} color={action.intent === 'clear_passcode' ? 'orange' : undefined}>
            {action.intent === 'lock' ? 'Lock device' : `Send: ${action.label.toLowerCase()}`}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Erasing a device can't be undone: the confirmation says what happens and wants the device's name typed. */
function WipeForm({ device, action, onDone, onSent }: { device: DeviceDetail; action: DeviceAction; onDone: () => void; onSent?: (() => void) | undefined }) {
  const send = useSendCommand(device, onSent);
  const [typed, setTyped] = useState('');
  const [pin, setPin] = useState('');
  const [preserveDataPlan, setPreserveDataPlan] = useState(true);
  const deviceFacts = factsOf(device.inventory, 'device');
  const wantsPin = device.platform === 'macos';
  const pinRequired = wantsPin && deviceFacts?.pinRequiredForErase === true;
  const pinOk = !wantsPin || (pin ? PIN.test(pin) : !pinRequired);
  const mobileApple = device.platform === 'ios' || device.platform === 'ipados';
  const matches = typed === device.name;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!matches || !pinOk) return;
    const params: Params = { ...(wantsPin && pin ? { pin } : {}), ...(mobileApple ? { preserveDataPlan } : {}) };
    send.mutate({ action, params }, { onSuccess: onDone });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Alert color="red" variant="light" title="This cannot be undone">
          <Text size="sm">
            The next time <b>{device.name}</b> checks in, it erases all its content and settings and returns to factory settings. Apps, files and accounts on it
            are gone for good, and it leaves management: Steward can no longer lock, locate or configure it.
          </Text>
        </Alert>
        {wantsPin ? (
          <PasswordInput
            label="PIN"
            description={`Six digits to unlock the erased Mac${pinRequired ? '' : ' (optional; needed by some Macs)'}.`}
            inputMode="numeric"
            maxLength={6}
            autoComplete="off"
            value={pin}
            onChange={(e) => setPin(e.currentTarget.value.replace(/\D/g, ''))}
            error={pin && !PIN.test(pin) ? 'Six digits.' : undefined}
          />
        ) : null}
        {mobileApple ? (
          <Checkbox label="Keep the cellular data plan (eSIM)" checked={preserveDataPlan} onChange={(e) => setPreserveDataPlan(e.currentTarget.checked)} />
        ) : null}
        <TextInput
          label={
            <>
              Type <b>{device.name}</b> to confirm
            </>
          }
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          autoComplete="off"
          spellCheck={false}
          aria-describedby="wipe-confirm-hint"
          data-autofocus
        />
        <Text size="xs" c="dimmed" id="wipe-confirm-hint" mt={-8}>
          The button turns on once the name matches exactly.
        </Text>
        <ErrorAlert error={send.error} title="Could not send the wipe" />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" color="red" disabled={!matches || !pinOk} loading={send.isPending}>
            Wipe device
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Personal devices are let go, not erased: management ends and the owner's data stays. */
function RetireForm({ device, onDone }: { device: DeviceDetail; onDone: () => void }) {
  const queryClient = useQueryClient();
  const notify = useNotify();
  const retire = useMutation({
    mutationFn: () => call(api.POST('/api/v1/devices/{id}/retire', { params: { path: { id: device.id } } })),
    onSuccess: async () => {
      notify({ title: 'Device retired', message: `${device.name} is no longer managed.` });
      await queryClient.invalidateQueries({ queryKey: ['devices'] });
      await queryClient.invalidateQueries({ queryKey: deviceQueryKey(device.id) });
      await queryClient.invalidateQueries({ queryKey: timelineQueryKey(device.id) });
      onDone();
    },
  });
  return (
    <Stack gap="md">
      <Text size="sm">
        Steward stops managing <b>{device.name}</b>: commands not yet sent are cancelled and the device is marked retired. The owner’s personal data stays on
        it. To manage it again, it has to enroll again.
      </Text>
      <ErrorAlert error={retire.error} title="Could not retire the device" />
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button color="red" onClick={() => retire.mutate()} loading={retire.isPending}>
          Retire device
        </Button>
      </Group>
    </Stack>
  );
}
