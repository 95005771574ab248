import { AppShell, Badge, Burger, Button, Group, NavLink, type NavLinkProps, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, createLink, useNavigate, useRouterState } from '@tanstack/react-router';
import { type Ref, useEffect } from 'react';
import { api, call } from '../api/client';
import { useMe } from '../api/session';
import { roleLabel } from '../lib/vocabulary';
import { ThemeToggle } from './ThemeToggle';
import { NotificationsProvider } from './Notifications';
import { LiveStatus, useLiveUpdates } from '../lib/live';
import { LogoMark } from './icons';
import { NAV, isActive } from './navigation';

const RouterNavLink = createLink(({ ref, ...props }: NavLinkProps & { ref?: Ref<HTMLAnchorElement> }) => <NavLink ref={ref} {...props} />);

/** The signed-in frame: header (who, theme, sign out), navigation, and the page. */
export function AppLayout() {
  const [navOpened, nav] = useDisclosure(false);
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  const me = useMe();
  const live = useLiveUpdates(me.permissions.includes('devices.read'));

  // On a phone or tablet the navigation is a drawer; following a link closes it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation on purpose
  useEffect(() => nav.close(), [pathname]);

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpened } }} padding="lg">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpened}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={navOpened ? 'Close navigation' : 'Open navigation'}
              aria-expanded={navOpened}
              aria-controls="main-navigation"
            />
            <Link to="/" aria-label="Steward, dashboard" style={{ display: 'flex', alignItems: 'center', gap: 8, textDecoration: 'none', color: 'inherit' }}>
              <LogoMark />
              <Text fw={700} size="lg" component="span">
                Steward
              </Text>
            </Link>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LiveStatus state={live} />
            <ThemeToggle />
            <SignedInUser name={me.user?.displayName || me.label} email={me.user?.email ?? null} role={me.role} />
            <SignOutButton />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" id="main-navigation" aria-label="Main">
        <Stack gap={4}>
          {NAV.filter((item) => me.permissions.includes(item.permission)).map((item) => {
            const active = isActive(item, pathname);
            return (
              <RouterNavLink
                key={item.to}
                to={item.to}
                label={item.label}
                leftSection={<item.icon />}
                active={active}
                aria-current={active ? 'page' : undefined}
                variant="light"
                style={{ borderRadius: 'var(--mantine-radius-md)' }}
              />
            );
          })}
        </Stack>
      </AppShell.Navbar>

      <AppShell.Main id="main" tabIndex={-1} style={{ outline: 'none' }}>
        <NotificationsProvider>
          <Outlet />
        </NotificationsProvider>
      </AppShell.Main>
    </AppShell>
  );
}

function SignedInUser({ name, email, role }: { name: string; email: string | null; role: string }) {
  return (
    <Group gap="xs" wrap="nowrap" visibleFrom="sm" aria-label={`Signed in as ${name}, ${roleLabel(role)}`}>
      <Stack gap={0} align="flex-end">
        <Text size="sm" fw={600} lh={1.2} data-testid="signed-in-user">
          {name}
        </Text>
        {email && email !== name ? (
          <Text size="xs" c="dimmed" lh={1.2}>
            {email}
          </Text>
        ) : null}
      </Stack>
      <Badge variant="light" size="sm">
        {roleLabel(role)}
      </Badge>
    </Group>
  );
}

function SignOutButton() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/logout')),
    onSettled: async () => {
      // Whatever the server said, nothing of this session stays in the page.
      queryClient.clear();
      await navigate({ to: '/login', search: {}, replace: true });
    },
  });
  return (
    <Button variant="default" size="sm" onClick={() => signOut.mutate()} loading={signOut.isPending}>
      Sign out
    </Button>
  );
}
