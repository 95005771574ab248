import type { QueryClient } from '@tanstack/react-query';
import { Outlet, createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, redirect } from '@tanstack/react-router';
import { ApiError } from './api/client';
import { meQuery, setupStatusQuery } from './api/session';
import { AppLayout } from './components/AppLayout';
import { ErrorPage, NotFoundPage, PendingPage } from './components/StatusPages';
import { AuditPage } from './pages/AuditPage';
import { CommandsPage } from './pages/CommandsPage';
import { DevicesPage, devicesListQuery, validateDeviceSearch } from './pages/DevicesPage';
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

/** The landing page. Its charts (recharts) load with it, not with the console's first script. */
const dashboardRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/',
  component: lazyRouteComponent(() => import('./pages/dashboard/DashboardPage'), 'DashboardPage'),
});

const devicesRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'devices',
  validateSearch: validateDeviceSearch,
  // Starts the first page's request as soon as the session is known, not after the page has rendered;
  // not awaited, so the page (with its loading rows) shows at once.
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => {
    void context.queryClient.prefetchQuery(devicesListQuery(deps));
  },
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
// Loaded on first visit: these pages are not on the daily path, so they stay out of the first script.
const policiesRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'policies',
  component: lazyRouteComponent(() => import('./pages/policies/PoliciesPage'), 'PoliciesPage'),
});
const profilesRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'profiles',
  component: lazyRouteComponent(() => import('./pages/policies/ProfilesPage'), 'ProfilesPage'),
});
const reportsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'reports',
  component: lazyRouteComponent(() => import('./pages/reports/ReportsPage'), 'ReportsPage'),
});
const webhooksRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'webhooks',
  component: lazyRouteComponent(() => import('./pages/webhooks/WebhooksPage'), 'WebhooksPage'),
});
const settingsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'settings',
  component: lazyRouteComponent(() => import('./pages/settings/SettingsPage'), 'SettingsPage'),
});
const appsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'apps',
  component: lazyRouteComponent(() => import('./pages/software/AppsPage'), 'AppsPage'),
});
const osUpdatesRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'os-updates',
  component: lazyRouteComponent(() => import('./pages/software/OsUpdatesPage'), 'OsUpdatesPage'),
});
const complianceRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: 'compliance',
  component: lazyRouteComponent(() => import('./pages/compliance/ComplianceRulesPage'), 'ComplianceRulesPage'),
});

/*
 * Pages for the APIs that are being built (policies, profiles, apps, OS updates, compliance rules,
 * reports, webhooks, settings) join here: a route below, and an entry in components/navigation.ts.
 */
const routeTree = rootRoute.addChildren([
  setupRoute,
  loginRoute,
  signedInRoute.addChildren([
    dashboardRoute,
    devicesRoute,
    deviceRoute,
    enrollmentRoute,
    groupsRoute,
    policiesRoute,
    profilesRoute,
    appsRoute,
    osUpdatesRoute,
    complianceRoute,
    reportsRoute,
    commandsRoute,
    auditRoute,
    webhooksRoute,
    settingsRoute,
    usersRoute,
  ]),
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
