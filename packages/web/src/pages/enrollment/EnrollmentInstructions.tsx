import { Code, List, Paper, Tabs, Text, Title } from '@mantine/core';

/**
 * What a person does on the device, per channel. The tokens and QR codes themselves come from the
 * enrollment page's actions (an Android enrollment token, a Windows or agent enrollment).
 */
export function EnrollmentInstructions() {
  const server = window.location.origin;
  const host = window.location.hostname;
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="how-to-enroll">
      <Title order={2} size="h4" mb="sm" id="how-to-enroll">
        How a user enrolls a device
      </Title>
      <Tabs defaultValue="apple" keepMounted={false}>
        <Tabs.List aria-label="Platform">
          <Tabs.Tab value="apple">iPhone, iPad, Mac</Tabs.Tab>
          <Tabs.Tab value="windows">Windows</Tabs.Tab>
          <Tabs.Tab value="android">Android</Tabs.Tab>
          <Tabs.Tab value="agent">Agent</Tabs.Tab>
        </Tabs.List>

        <Tabs.Panel value="apple" pt="sm">
          <List type="ordered" spacing="xs" size="sm">
            <List.Item>
              Send them the link of an Apple enrollment, or show its QR code to scan with the camera. On an iPhone or iPad, the link must be opened in{' '}
              <b>Safari</b>.
            </List.Item>
            <List.Item>
              They tap <b>Download profile</b> and allow the download.
            </List.Item>
            <List.Item>
              They open <b>Settings</b> (on a Mac, <b>System Settings → Privacy & Security → Profiles</b>), choose <b>Profile Downloaded</b>, and tap{' '}
              <b>Install</b>, entering their passcode.
            </List.Item>
            <List.Item>The device appears in Devices within a minute, and reports its inventory.</List.Item>
          </List>
          <Text size="xs" c="dimmed" mt="sm">
            Apple enrollment needs the APNs push certificate: without it, the profile can't be downloaded.
          </Text>
        </Tabs.Panel>

        <Tabs.Panel value="windows" pt="sm">
          <List type="ordered" spacing="xs" size="sm">
            <List.Item>
              On the PC, open <b>Settings → Accounts → Access work or school</b> and choose <b>Connect</b>.
            </List.Item>
            <List.Item>
              Enter the work e-mail address (for example <Code>someone@example.com</Code>) and continue. If Windows asks for a server, enter{' '}
              <Code>{server}</Code>.
            </List.Item>
            <List.Item>Sign in with the enrollment's credentials when asked, and accept. The PC appears in Devices once it has checked in.</List.Item>
          </List>
          <Text size="sm" mt="sm">
            <b>Discovery address.</b> Windows finds the server from the e-mail's domain: it looks up <Code>enterpriseenrollment.&lt;domain&gt;</Code> (for
            <Code>someone@example.com</Code>, <Code>enterpriseenrollment.example.com</Code>). Point that name at this server (a DNS CNAME to <Code>{host}</Code>
            ) with a certificate valid for it, and users only type their address.
          </Text>
        </Tabs.Panel>

        <Tabs.Panel value="android" pt="sm">
          <List type="ordered" spacing="xs" size="sm">
            <List.Item>
              Create an Android enrollment: it carries an Android enterprise enrollment token and shows it as a QR code (once the Android channel is connected
              to a Google enterprise).
            </List.Item>
            <List.Item>
              On a new or factory-reset device, tap the welcome screen six times to open the QR reader, and scan the code. On a personal phone, install{' '}
              <b>Android Device Policy</b> and scan it there to create a work profile.
            </List.Item>
            <List.Item>The device downloads its policy and appears in Devices.</List.Item>
          </List>
        </Tabs.Panel>

        <Tabs.Panel value="agent" pt="sm">
          <Text size="sm" mb="xs">
            For Linux, and for macOS and Windows machines managed by the Steward agent rather than the built-in MDM. With an agent enrollment's token{' '}
            <Code>T</Code>, run as root (Administrator on Windows):
          </Text>
          <Code block>{`steward-agent enroll --server ${server} --token T\nsteward-agent run`}</Code>
          <Text size="xs" c="dimmed" mt="sm">
            <Code>run</Code> keeps the agent checking in; install it as a service so it starts with the machine.
          </Text>
        </Tabs.Panel>
      </Tabs>
    </Paper>
  );
}
