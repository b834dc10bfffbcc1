// Lint rules, including the layer boundaries of ../architecture: shared imports nothing of
// ours, core never reaches Electron, React or the UI, and the renderer only talks to the core
// through the contract's client.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'out',
      'dist-web',
      'release',
      'migrations',
      'test-results',
      'playwright-report',
      'coverage',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  layer(
    ['src/shared/**'],
    [
      {
        group: ['**/core/**', '**/main/**', '**/renderer/**', '**/host/**', '**/portal/**'],
        message: 'shared/ est le contrat : il n’importe aucune autre couche.',
      },
      { group: ['electron', 'react', 'better-sqlite3'], message: 'shared/ reste pur.' },
    ],
  ),
  layer(
    ['src/core/**'],
    [
      {
        group: ['**/main/**', '**/renderer/**', '**/host/**', '**/portal/**'],
        message: 'core/ ne dépend que de shared/.',
      },
      { group: ['electron', 'react', 'react-dom'], message: 'core/ tourne en Node pur.' },
    ],
  ),
  layer(
    ['src/portal/**'],
    [
      {
        group: ['**/core/**', '**/main/**', '**/renderer/**', '**/host/**', '**/preload/**'],
        message:
          'portal/ est un serveur à part : il ne dépend que de shared/ (le registre lui parle par le protocole de synchronisation).',
      },
      {
        group: ['electron', 'react', 'react-dom', 'better-sqlite3'],
        message: 'portal/ tourne en Node pur, sur PostgreSQL.',
      },
    ],
  ),
  // The family pages render HTML on the server with React (renderToStaticMarkup, for its
  // escaping); they stay a portal module otherwise, with the same boundaries.
  layer(
    ['src/portal/family-web/**'],
    [
      {
        group: ['**/core/**', '**/main/**', '**/renderer/**', '**/host/**', '**/preload/**'],
        message: 'portal/ est un serveur à part : il ne dépend que de shared/.',
      },
      {
        group: ['electron', 'better-sqlite3'],
        message: 'portal/ tourne en Node pur, sur PostgreSQL.',
      },
    ],
  ),
  layer(
    ['src/renderer/**'],
    [
      {
        group: [
          '**/src/core/**',
          '../core/**',
          '../../core/**',
          '../../../core/**',
          '**/src/main/**',
          '../main/**',
          '../../main/**',
          '**/host/**',
          '**/portal/**',
          'electron',
          'better-sqlite3',
        ],
        message: 'Le renderer parle au cœur uniquement via le client du contrat.',
      },
    ],
  ),
);
