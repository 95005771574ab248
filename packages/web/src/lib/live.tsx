import { Badge, Tooltip } from '@mantine/core';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

export type LiveState = 'connecting' | 'live' | 'offline';

interface DeviceChanged {
  deviceId: string;
}
interface CommandChanged {
  commandId: string;
  deviceId: string | null;
}

/** Events arrive in bursts (a fan-out completing): gather a moment's worth, then refetch once. */
const SETTLE_MS = 250;
/** The dashboard's aggregates are refreshed at most this often (the server caches them for 10 s anyway). */
const DASHBOARD_EVERY_MS = 15_000;
let dashboardRefreshedAt = 0;

/**
 * Listens to the server's live changes (`GET /api/v1/events/stream`) and invalidates the cached queries
 * they affect, so that the device list, a device's page and the command views follow without reload.
 * The browser's EventSource reconnects by itself and sends Last-Event-ID, so nothing is missed across a blip.
 */
export function useLiveUpdates(enabled: boolean): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') {
      setState('offline');
      return;
    }
    const pending = { all: false, devices: new Set<string>(), deviceLists: false, commands: new Set<string>(), timelines: new Set<string>() };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      void invalidate(queryClient, pending);
      pending.all = false;
      pending.deviceLists = false;
      pending.devices.clear();
      pending.commands.clear();
      pending.timelines.clear();
    };
    const schedule = () => {
      timer ??= setTimeout(flush, SETTLE_MS);
    };
    const source = new EventSource('/api/v1/events/stream', { withCredentials: true });
    source.addEventListener('open', () => setState('live'));
    source.addEventListener('error', () => setState(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting'));
    source.addEventListener('device.changed', (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as DeviceChanged;
      pending.deviceLists = true;
      pending.devices.add(data.deviceId);
      schedule();
    });
    source.addEventListener('command.changed', (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as CommandChanged;
      pending.commands.add(data.commandId);
      if (data.deviceId) pending.timelines.add(data.deviceId);
      else pending.all = true;
      schedule();
    });
    source.addEventListener('resync', () => {
      pending.all = true;
      schedule();
    });
    return () => {
      source.close();
      if (timer) clearTimeout(timer);
    };
  }, [enabled, queryClient]);
  return state;
}

async function invalidate(
  queryClient: QueryClient,
  pending: { all: boolean; devices: Set<string>; deviceLists: boolean; commands: Set<string>; timelines: Set<string> },
): Promise<void> {
  const work: Promise<void>[] = [];
  if (Date.now() - dashboardRefreshedAt >= DASHBOARD_EVERY_MS) {
    dashboardRefreshedAt = Date.now();
    work.push(queryClient.invalidateQueries({ queryKey: ['dashboard'] }));
  }
  if (pending.all) {
    work.push(queryClient.invalidateQueries({ queryKey: ['devices'] }), queryClient.invalidateQueries({ queryKey: ['commands'] }));
    await Promise.all(work);
    return;
  }
  const devices = new Set(pending.devices);
  const timelines = new Set(pending.timelines);
  const commands = new Set(pending.commands);
  if (pending.deviceLists) {
    // Lists and the pages of changed devices; timelines only where a command moved.
    work.push(
      queryClient.invalidateQueries({
        queryKey: ['devices'],
        predicate: (q) => q.queryKey[1] !== 'timeline' && (q.queryKey[1] !== 'detail' || devices.has(String(q.queryKey[2]))),
      }),
    );
  }
  if (timelines.size > 0) {
    work.push(
      queryClient.invalidateQueries({
        queryKey: ['devices'],
        predicate: (q) => (q.queryKey[1] === 'timeline' || q.queryKey[1] === 'detail') && timelines.has(String(q.queryKey[2])),
      }),
      // The device list's "pending commands" filter and the commands pages.
      queryClient.invalidateQueries({ queryKey: ['commands'], predicate: (q) => q.queryKey.length === 1 || commands.has(String(q.queryKey[1])) }),
    );
  }
  await Promise.all(work);
}

const LABELS: Record<LiveState, { text: string; color: string; help: string }> = {
  live: { text: 'Live', color: 'teal', help: 'Changes appear as they happen.' },
  connecting: { text: 'Connecting', color: 'yellow', help: 'Reconnecting to live updates…' },
  offline: { text: 'Offline', color: 'gray', help: 'Live updates are off: reload to see changes.' },
};

/** A small badge saying whether the page follows changes live. */
export function LiveStatus({ state }: { state: LiveState }) {
  const label = LABELS[state];
  return (
    <Tooltip label={label.help}>
      <Badge variant="dot" color={label.color} size="md" visibleFrom="xs" data-testid="live-status" aria-label={`Live updates: ${label.text}`}>
        {label.text}
      </Badge>
    </Tooltip>
  );
}
