/** Query keys of the device page, shared by its parts. */
export const deviceQueryKey = (id: string) => ['devices', 'detail', id] as const;
export const timelineQueryKey = (id: string) => ['devices', 'timeline', id] as const;
