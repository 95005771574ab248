import { Badge, Code, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { usePermission } from '../../api/session';
import { AnchorLink } from '../../components/AnchorLink';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDate, formatDateTime } from '../../lib/format';

/** The server's connections to the platforms: Apple push certificate and the Android enterprise binding. */
export function SettingsPage() {
  const canReadAndroid = usePermission('android.read');
  const certificates = useQuery({ queryKey: ['apns-certificates'], queryFn: () => call(api.GET('/api/v1/apple/push-certificates')) });
  const android = useQuery({ queryKey: ['android', 'enterprise'], queryFn: () => call(api.GET('/api/v1/android/enterprise')), enabled: canReadAndroid });
  const current = certificates.data?.items[0];
  const a = android.data;

  return (
    <>
      <PageHeader title="Settings" description="How this server is connected to Apple and Google." />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Paper withBorder radius="md" p="md" component="section" aria-labelledby="apns-heading">
          <Title order={2} size="h4" id="apns-heading" mb="sm">
            Apple push certificate
          </Title>
          <ErrorAlert error={certificates.error} title="Could not load the push certificate" />
          {certificates.isPending ? (
            <Skeleton height={60} />
          ) : current ? (
            <Stack gap={4}>
              <Text size="sm">
                Topic <Code>{current.topic}</Code>
              </Text>
              <Text size="sm">Expires {formatDate(current.notAfter)}</Text>
            </Stack>
          ) : (
            <Text size="sm">No certificate yet: Apple devices can't enroll.</Text>
          )}
          <Text size="sm" mt="sm">
            <AnchorLink to="/enrollment">Upload or renew it on the Enrollment page</AnchorLink>
          </Text>
        </Paper>

        <Paper withBorder radius="md" p="md" component="section" aria-labelledby="android-heading">
          <Group gap="sm" mb="sm">
            <Title order={2} size="h4" id="android-heading">
              Android enterprise
            </Title>
            {a ? (
              <Badge variant="light" size="sm" color={a.bound ? 'teal' : 'gray'}>
                {a.bound ? 'Bound' : 'Not bound'}
              </Badge>
            ) : null}
          </Group>
          {!canReadAndroid ? (
            <Text size="sm">Your role can't read the Android binding.</Text>
          ) : (
            <>
              <ErrorAlert error={android.error} title="Could not load the Android binding" />
              {android.isPending ? (
                <Skeleton height={60} />
              ) : a ? (
                <Stack gap={4}>
                  <Text size="sm">
                    Service account: {a.credentialsUploaded ? <Code>{a.clientEmail}</Code> : 'not uploaded'}
                    {a.projectId ? ` (project ${a.projectId})` : ''}
                  </Text>
                  <Text size="sm">
                    Enterprise: {a.bound ? `${a.displayName ?? a.enterpriseName} (${a.enterpriseName}), bound ${formatDateTime(a.boundAt)}` : 'not bound'}
                  </Text>
                  <Text size="sm">Notifications: {a.pubsubTopic ? `${a.pubsubTopic} (${a.notificationTypes.join(', ') || 'none'})` : 'not set up'}</Text>
                  {a.bound ? null : (
                    <Text size="sm" c="dimmed" mt="xs">
                      Bind with the API (<Code>POST /api/v1/android/credentials</Code>, then <Code>/api/v1/android/signup-url</Code>) as described in
                      docs/android.md.
                    </Text>
                  )}
                </Stack>
              ) : null}
            </>
          )}
        </Paper>
      </SimpleGrid>
    </>
  );
}
