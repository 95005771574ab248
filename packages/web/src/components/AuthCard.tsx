import { Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { type ReactNode, useEffect } from 'react';
import { ThemeToggle } from './ThemeToggle';
import { LogoMark } from './icons';

/** The frame of the pages seen before signing in: setup and sign-in. */
export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Steward`;
  }, [title]);
  return (
    <Center mih="100vh" p="md" component="main">
      <Stack w="100%" maw={420} gap="lg">
        <Group justify="space-between">
          <Group gap={8}>
            <LogoMark size={32} />
            <Text fw={700} size="xl">
              Steward
            </Text>
          </Group>
          <ThemeToggle />
        </Group>
        <Paper withBorder shadow="sm" p="xl" radius="lg">
          <Stack gap="xs" mb="lg">
            <Title order={1} size="h3">
              {title}
            </Title>
            {subtitle ? (
              <Text c="dimmed" size="sm">
                {subtitle}
              </Text>
            ) : null}
          </Stack>
          {children}
        </Paper>
      </Stack>
    </Center>
  );
}
