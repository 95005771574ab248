import { Alert, Button, Group, Menu, Modal, Stack, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, errorMessage } from '../../api/client';
import { type DeviceSearch, validateDeviceSearch, viewQuery } from '../../lib/device-search';

/** The person's saved device-list views: open one, save the current filters as one, delete one. */
export function SavedViews({ search, onOpen }: { search: DeviceSearch; onOpen: (search: DeviceSearch) => void }) {
  const queryClient = useQueryClient();
  const views = useQuery({ queryKey: ['saved-views'], queryFn: () => call(api.GET('/api/v1/saved-views')) });
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['saved-views'] });
  const save = useMutation({
    mutationFn: () => call(api.POST('/api/v1/saved-views', { body: { name: name.trim(), query: viewQuery(search) } })),
    onSuccess: async () => {
      setSaving(false);
      setName('');
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/v1/saved-views/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const items = views.data?.items ?? [];

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default">Saved views</Button>
        </Menu.Target>
        <Menu.Dropdown>
          {items.length === 0 ? <Menu.Label>No saved views yet</Menu.Label> : <Menu.Label>Open a view</Menu.Label>}
          {items.map((view) => (
            <Menu.Item key={view.id} onClick={() => onOpen(validateDeviceSearch(view.query))}>
              {view.name}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item onClick={() => setSaving(true)}>Save current view…</Menu.Item>
          {items.length > 0 ? <Menu.Label>Delete</Menu.Label> : null}
          {items.map((view) => (
            <Menu.Item key={`delete-${view.id}`} color="red" onClick={() => remove.mutate(view.id)} aria-label={`Delete view ${view.name}`}>
              Delete {view.name}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
      <Modal opened={saving} onClose={() => setSaving(false)} title="Save this view">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) save.mutate();
          }}
        >
          <Stack gap="sm">
            <TextInput label="View name" required maxLength={100} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
            {save.error ? (
              <Alert color="red" title="Could not save the view" role="alert">
                {errorMessage(save.error)}
              </Alert>
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setSaving(false)}>
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending} disabled={!name.trim()}>
                Save view
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
