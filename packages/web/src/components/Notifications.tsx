import { Notification, Portal, Stack } from '@mantine/core';
import { type ReactNode, createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';

export interface Notice {
  title: string;
  message?: ReactNode;
  color?: 'teal' | 'red' | 'blue' | 'yellow';
}

interface Shown extends Notice {
  id: number;
}

const NotifyContext = createContext<((notice: Notice) => void) | null>(null);

/** Short-lived messages in the corner ("Lock sent to Alice iPhone"), announced to screen readers. */
export function NotificationsProvider({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState<Shown[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setShown((list) => list.filter((n) => n.id !== id)), []);
  const notify = useCallback(
    (notice: Notice) => {
      const id = next.current++;
      setShown((list) => [...list.slice(-3), { ...notice, id }]);
      setTimeout(() => dismiss(id), notice.color === 'red' ? 10_000 : 5_000);
    },
    [dismiss],
  );
  const value = useMemo(() => notify, [notify]);
  return (
    <NotifyContext.Provider value={value}>
      {children}
      <Portal>
        <Stack
          gap="sm"
          role="status"
          aria-live="polite"
          style={{ position: 'fixed', right: 16, bottom: 16, zIndex: 1000, width: 360, maxWidth: 'calc(100vw - 32px)' }}
        >
          {shown.map((n) => (
            <Notification
              key={n.id}
              title={n.title}
              color={n.color ?? 'teal'}
              withBorder
              onClose={() => dismiss(n.id)}
              closeButtonProps={{ 'aria-label': 'Dismiss' }}
            >
              {n.message}
            </Notification>
          ))}
        </Stack>
      </Portal>
    </NotifyContext.Provider>
  );
}

export function useNotify(): (notice: Notice) => void {
  const notify = useContext(NotifyContext);
  if (!notify) throw new Error('useNotify() used outside NotificationsProvider');
  return notify;
}
