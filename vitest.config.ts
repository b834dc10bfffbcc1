// Unit and integration tests (vitest): every test runs in Node against a real SQLite database.
// The end-to-end suite (Playwright) lives in tests/e2e and has its own runner.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**', 'out/**', 'dist-web/**'],
    // Forks, not threads: better-sqlite3 is a native module and each test file gets its own
    // process, so a crash or a leaked database handle cannot spill into another file.
    pool: 'forks',
    // The machine has two cores; more workers would only fight over them.
    maxWorkers: 2,
    // scrypt password hashing and demo generation take a moment; a real hang still fails.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Several hundred logins: hash agent passwords at the cheaper test cost (see passwords.ts).
    env: { GUICHET_TEST_SCRYPT_COST: '1' },
  },
});
