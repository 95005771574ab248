import { Button, Center } from '@mantine/core';

/** "Load older …" under a cursor-paged list; nothing when there is no next page. */
export function LoadMore({ query, label }: { query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown }; label: string }) {
  if (!query.hasNextPage) return null;
  return (
    <Center mt="md">
      <Button variant="default" onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage}>
        {label}
      </Button>
    </Center>
  );
}
