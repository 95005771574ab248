import { Table, UnstyledButton } from '@mantine/core';
import type { ReactNode } from 'react';
import { SortIcon } from './icons';

/** `name` ascending, `-name` descending. */
export function parseSort(sort: string): { key: string; order: 'asc' | 'desc' } {
  return sort.startsWith('-') ? { key: sort.slice(1), order: 'desc' } : { key: sort, order: 'asc' };
}

/**
 * A column header that sorts the table. `aria-sort` tells screen readers the current order; the button
 * inside says what activating it will do.
 */
export function SortableTh({ column, sort, onSort, children }: { column: string; sort: string; onSort: (sort: string) => void; children: ReactNode }) {
  const current = parseSort(sort);
  const active = current.key === column;
  const direction = active ? current.order : 'none';
  const nextOrder = active && current.order === 'asc' ? 'desc' : 'asc';
  return (
    <Table.Th aria-sort={active ? (current.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton className="sort-button" onClick={() => onSort(nextOrder === 'desc' ? `-${column}` : column)}>
        {children}
        <SortIcon direction={direction} />
      </UnstyledButton>
    </Table.Th>
  );
}
