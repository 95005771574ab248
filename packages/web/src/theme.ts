import { Badge, createTheme, localStorageColorSchemeManager } from '@mantine/core';

/** System fonts only: the console loads nothing from outside the server. */
export const theme = createTheme({
  primaryColor: 'teal',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif' },
  components: {
    // Badges carry states (compliant, revoked, failed): in a narrow table column they must not shrink to "NOT COMPLIA…".
    Badge: Badge.extend({ styles: { root: { overflow: 'visible', flexShrink: 0 }, label: { overflow: 'visible', textOverflow: 'clip' } } }),
  },
});

export const colorSchemeManager = localStorageColorSchemeManager({ key: 'steward-color-scheme' });
