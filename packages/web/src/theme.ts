import { Badge, type CSSVariablesResolver, type MantineColorsTuple, createTheme, darken, localStorageColorSchemeManager } from '@mantine/core';

/** System fonts only: the console loads nothing from outside the server. */
export const theme = createTheme({
  primaryColor: 'teal',
  // White on teal's darkest shade reads at 5:1; the default shade (6) is 2.4:1, under WCAG AA.
  primaryShade: { light: 9, dark: 9 },
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif' },
  components: {
    // Badges carry states (compliant, revoked, failed): in a narrow table column they must not shrink to "NOT COMPLIA…".
    Badge: Badge.extend({ styles: { root: { overflow: 'visible', flexShrink: 0 }, label: { overflow: 'visible', textOverflow: 'clip' } } }),
  },
});

/**
 * Contrast: secondary ("dimmed") text and the text of light badges and buttons are darker (in the light
 * theme) or lighter (in the dark one) than Mantine's defaults, so that they reach WCAG AA's 4.5:1.
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => {
  const lightColors: Record<string, string> = {};
  for (const [name, shades] of Object.entries(t.colors) as [string, MantineColorsTuple][]) {
    // On the light variant's tinted background even shade 9 reads under 4.5:1; yellow and orange need more.
    lightColors[`--mantine-color-${name}-light-color`] = darken(shades[9], name === 'yellow' || name === 'orange' || name === 'lime' ? 0.45 : 0.25);
  }
  return {
    variables: {},
    light: { '--mantine-color-dimmed': t.colors.gray[7], ...lightColors },
    dark: { '--mantine-color-dimmed': t.colors.dark[1] },
  };
};

export const colorSchemeManager = localStorageColorSchemeManager({ key: 'steward-color-scheme' });
