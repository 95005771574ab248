import { useInfiniteQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { AuditEvent } from '../api/types';

export const OUTCOME_COLORS: Record<AuditEvent['outcome'], string> = { success: 'teal', denied: 'orange', failure: 'red' };

/** Audit events newest first, a page at a time (the API's cursor paging), for the audit log and a device's trail. */
export function useAuditEvents(filter: { action?: string | undefined; targetId?: string | undefined }, limit: number) {
  const events = useInfiniteQuery({
    queryKey: ['audit-events', filter],
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/v1/audit-events', {
          params: {
            query: {
              limit,
              ...(filter.action ? { action: filter.action } : {}),
              ...(filter.targetId ? { targetId: filter.targetId } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  return { events, items: events.data?.pages.flatMap((p) => p.items) ?? [] };
}
