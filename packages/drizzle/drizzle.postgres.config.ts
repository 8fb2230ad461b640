// drizzle-kit's configuration for the Postgres dialect: `npm run generate` writes a new
// migration into ./drizzle-postgres after a change to src/postgres/schema.ts and embeds it in
// src/postgres/migrations.ts.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/postgres/schema.ts',
  out: './drizzle-postgres',
});
