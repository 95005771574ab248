import { Alert, Button, Code, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useRouter } from '@tanstack/react-router';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api, call } from '../api/client';
import { setupStatusQuery } from '../api/session';
import { AuthCard } from '../components/AuthCard';
import { ErrorAlert } from '../components/ErrorAlert';
import { safeRedirect } from '../lib/safe-redirect';

const route = getRouteApi('/login');

/** Sign in with e-mail and password, and a one-time code when the account has MFA. */
export function LoginPage() {
  const { redirect } = route.useSearch();
  const router = useRouter();
  const queryClient = useQueryClient();
  const setupStatus = useQuery(setupStatusQuery);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);

  const login = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/login', { body: { email, password, ...(needsCode ? { totp: totp.replace(/\s+/g, '') } : {}) } })),
    onSuccess: async () => {
      queryClient.clear();
      router.history.replace(safeRedirect(redirect));
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'mfa_required') setNeedsCode(true);
    },
  });

  useEffect(() => {
    if (needsCode) codeRef.current?.focus();
  }, [needsCode]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };

  // Asking for the code is the next step, not a failure.
  const shownError = login.error instanceof ApiError && login.error.code === 'mfa_required' ? null : login.error;

  return (
    <AuthCard title="Sign in" subtitle="Manage your organisation’s devices.">
      {setupStatus.data?.required ? (
        <Alert color="yellow" variant="light" mb="md" title="No admin exists yet">
          Open the one-time setup link that <Code>steward serve</Code> printed to create the first one.
        </Alert>
      ) : null}
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
          <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          {needsCode ? (
            <TextInput
              ref={codeRef}
              label="One-time code"
              description="The 6-digit code from your authenticator app, or a recovery code."
              autoComplete="one-time-code"
              inputMode="text"
              required
              value={totp}
              onChange={(e) => setTotp(e.currentTarget.value)}
            />
          ) : null}
          <ErrorAlert error={shownError} title="Sign-in failed" />
          <Button type="submit" loading={login.isPending} fullWidth>
            {needsCode ? 'Verify and sign in' : 'Sign in'}
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
