// drizzle-kit configuration of the central portal (PostgreSQL). The register's configuration is
// drizzle.config.ts; the two never share a migration folder: `npx drizzle-kit generate --config
// drizzle.portal.config.ts` writes into migrations/portal/ with its own journal.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/portal/db/schema.ts',
  out: './migrations/portal',
});
