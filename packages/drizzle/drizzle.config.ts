// drizzle-kit's configuration: `npm run generate --workspace @latchkey/drizzle` writes a new
// migration into ./drizzle after a schema change and embeds it in src/migrations.ts.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/schema.ts',
  out: './drizzle',
});
