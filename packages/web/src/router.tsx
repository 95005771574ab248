import type { QueryClient } from '@tanstack/react-query';
import { Outlet, createRootRouteWithContext, createRoute, createRouter, redirect } from '@tanstack/react-router';
import { ApiError } from './api/client';
import { meQuery, setupStatusQuery } from './api/session';
import { AppLayout } from './components/AppLayout';
import { ErrorPage, NotFoundPage, PendingPage } from './components/StatusPages';
import { isPlatform } from './lib/vocabulary';
import { AuditPage } from './pages/AuditPage';
import { CommandsPage } from './pages/CommandsPage';
import { DEVICE_SORTS, DevicesPage, type DeviceSearch } from './pages/DevicesPage';
import { EnrollmentPage } from './pages/EnrollmentPage';
import { GroupsPage } from './pages/GroupsPage';
import { LoginPage } from './pages/LoginPage';
import { SetupPage } from './pages/SetupPage';
import { UsersPage } from './pages/UsersPage';
import { DevicePage } from './pages/device/DevicePage';

export interface RouterContext {
  queryClient: QueryClient;
}

const text = (value: unknown, max = 200): string | undefined => (typeof value === 'string' && value.length > 0 ? value.slice(0, max) : undefined);
const positive = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

const rootRoute = createRootRouteWithContext<RouterContext>()({ component: Outlet, notFoundComponent: NotFoundPage });

const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'setup',
  validateSearch: (search: Record<string, unknown>): { token?: string | undefined } => ({ token: text(search.token, 200) }),
  beforeLoad: async ({ context }) => {
    const status = await context.queryClient.fetchQuery(setupStatusQuery);
    if (!status.required) throw redirect({ to: '/login', search: {} });
  },
  component: SetupPage,
});

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'login',
  validateSearch: (search: Record<string, unknown>): { redirect?: string | undefined } => ({ redirect: text(search.redirect, 2000) }),
  component: LoginPage,
});

/** Every page below this one needs a signed-in principal; the layout shows the navigation. */
const signedInRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'signed-in',
  beforeLoad: async ({ context, location }) => {
    try {
      await context.queryClient.ensureQueryData(meQuery);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) throw redirect({ to: '/login', search: { redirect: location.href } });
      throw error;
    }
  },
  component: AppLayout,
});

const devicesRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/',
  validateSearch: (search: Record<string, unknown>): DeviceSearch => ({
    q: text(search.q),
    platform: isPlatform(search.platform) ? search.platform : undefined,
    sort: typeof search.sort === 'string' && DEVICE_SORTS.includes(search.sort) ? search.sort : undefined,
    page: positive(search.page),
    size: [25, 50, 100].includes(positive(search.size) ?? 0) ? positive(search.size) : undefined,
  }),
  component: DevicesPage,
});

const deviceRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'devices/$id', component: DevicePage });
const enrollmentRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'enrollment', component: EnrollmentPage });
const groupsRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'groups', component: GroupsPage });
const commandsRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'commands', component: CommandsPage });
const auditRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'audit',
  validateSearch: (search: Record<string, unknown>): { action?: string | undefined } => ({ action: text(search.action, 100) }),
  component: AuditPage,
});
const usersRoute = createRoute({ getParentRoute: () => signedInRoute, path: 'users', component: UsersPage });

const routeTree = rootRoute.addChildren([
  setupRoute,
  loginRoute,
  signedInRoute.addChildren([devicesRoute, deviceRoute, enrollmentRoute, groupsRoute, commandsRoute, auditRoute, usersRoute]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    defaultPreloadStaleTime: 0,
    defaultPendingComponent: PendingPage,
    defaultErrorComponent: ErrorPage,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
