// A sober institutional look: one deep blue (close to the French administration's "bleu
// France"), dark text on white, generous sizes for a counter screen read at arm's length, and
// focus rings that are always visible to keyboard users.
import { createTheme, type MantineColorsTuple } from '@mantine/core';

const institutionalBlue: MantineColorsTuple = [
  '#eef0ff',
  '#dcdffb',
  '#b5baf2',
  '#8b93ea',
  '#6871e3',
  '#525cdf',
  '#3440c9',
  '#2431a8',
  '#151f86',
  '#000091',
];

export const theme = createTheme({
  primaryColor: 'institutional',
  primaryShade: 9,
  colors: { institutional: institutionalBlue },
  black: '#161616',
  white: '#ffffff',
  focusRing: 'auto',
  autoContrast: true,
  defaultRadius: 'sm',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif',
  fontFamilyMonospace: '"DejaVu Sans Mono", "Liberation Mono", ui-monospace, monospace',
  headings: {
    fontWeight: '700',
    sizes: {
      h1: { fontSize: '1.75rem', lineHeight: '1.3' },
      h2: { fontSize: '1.375rem', lineHeight: '1.35' },
      h3: { fontSize: '1.125rem', lineHeight: '1.4' },
    },
  },
  components: {
    Button: { defaultProps: { size: 'md' } },
    // Mantine capitalises badges by default; state labels and codes read better as written.
    Badge: { defaultProps: { tt: 'none' } },
    TextInput: { defaultProps: { size: 'md' } },
    PasswordInput: { defaultProps: { size: 'md' } },
  },
});
