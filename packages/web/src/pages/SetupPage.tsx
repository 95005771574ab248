import { Alert, Button, Code, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client';
import { AuthCard } from '../components/AuthCard';
import { ErrorAlert } from '../components/ErrorAlert';

const route = getRouteApi('/setup');
export const MIN_PASSWORD = 12;

/** First run: create the first admin with the one-time token `steward serve` printed, then sign in. */
export function SetupPage() {
  const { token } = route.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);

  const passwordError = submitted && password.length < MIN_PASSWORD ? `Use at least ${MIN_PASSWORD} characters.` : undefined;
  const confirmError = submitted && confirm !== password ? 'The passwords do not match.' : undefined;

  const setup = useMutation({
    mutationFn: async () => {
      await call(
        api.POST('/api/v1/setup', { body: { token: token ?? '', email, password, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) } }),
      );
      await call(api.POST('/api/v1/auth/login', { body: { email, password } }));
    },
    onSuccess: async () => {
      queryClient.clear();
      await navigate({ to: '/', search: {}, replace: true });
    },
  });

  if (!token) {
    return (
      <AuthCard title="Set up Steward">
        <Alert color="yellow" variant="light" title="This page needs the setup link">
          Open the one-time link that <Code>steward serve</Code> printed when it started (it looks like <Code>/setup?token=…</Code>). Restarting the server
          prints a new one while no admin exists.
        </Alert>
      </AuthCard>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (password.length < MIN_PASSWORD || confirm !== password) return;
    setup.mutate();
  };

  return (
    <AuthCard title="Create the first admin" subtitle="This account can manage devices, users and API tokens. You can add more people afterwards.">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label="E-mail"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            data-autofocus
          />
          <TextInput label="Display name" autoComplete="name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
          <PasswordInput
            label="Password"
            description={`At least ${MIN_PASSWORD} characters.`}
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={passwordError}
          />
          <PasswordInput
            label="Confirm password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={confirmError}
          />
          <ErrorAlert error={setup.error} title="Setup failed" />
          <Button type="submit" loading={setup.isPending} fullWidth>
            Create admin and sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
