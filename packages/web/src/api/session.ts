import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, call } from './client';
import type { Me } from './types';

/** Who is signed in. Loaded before any signed-in page renders, so pages can read it synchronously. */
export const meQuery = queryOptions({
  queryKey: ['me'] as const,
  queryFn: () => call(api.GET('/api/v1/auth/me')),
  staleTime: 5 * 60_000,
});

export const setupStatusQuery = queryOptions({
  queryKey: ['setup'] as const,
  queryFn: () => call(api.GET('/api/v1/setup')),
  staleTime: 0,
});

/** The signed-in principal; only for components below the signed-in layout, which guarantees it is loaded. */
export function useMe(): Me {
  const { data } = useQuery(meQuery);
  if (!data) throw new Error('useMe() used outside the signed-in layout');
  return data;
}

/** Whether the signed-in principal's role grants a permission (the server decides; this only hides controls). */
export function usePermission(permission: string): boolean {
  return useMe().permissions.includes(permission);
}
