import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// DESIGN.md: core imports nothing runtime-specific. The compiler enforces the globals
// (types: [], lib ES2022 + WebWorker); this enforces the imports.
const source = new URL('.', import.meta.url).pathname;
const files = readdirSync(source, { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && file !== 'test-support.ts');

describe('core is runtime-agnostic', () => {
  it.each(files)('%s imports only Web standards, @noble/hashes and itself', (file) => {
    const text = readFileSync(join(source, file), 'utf8');
    const imports = [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    for (const specifier of imports) {
      expect(specifier, `${file} imports ${specifier}`).toMatch(/^(\.\.?\/.+\.ts|@noble\/hashes\/[a-z0-9]+\.js)$/);
    }
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/\b(Bun|Deno|process|Buffer|require)\s*[.(]/);
  });
});
