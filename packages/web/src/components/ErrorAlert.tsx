import { Alert } from '@mantine/core';
import { errorMessage } from '../api/client';

/** An API error shown where it happened; announced to screen readers as it appears. */
export function ErrorAlert({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" title={title} role="alert">
      {errorMessage(error)}
    </Alert>
  );
}
