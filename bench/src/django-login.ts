// What the first login of a user imported from Django costs: verifying a 1,000,000-iteration
// PBKDF2-SHA256 hash (Django 5.2's default), in JavaScript (what Workers needs, core's default
// above 100,000 iterations) and through Web Crypto (`webCryptoMaxIterations: Infinity`), plus
// today's 100,000-iteration hash every later login costs. Runs on Node (tsx), Bun and Deno:
//   npm run django-login --workspace bench
//   node_modules/.bin/bun --conditions=source bench/src/django-login.ts
//   node_modules/.bin/deno run -A --conditions=source bench/src/django-login.ts
// Prints milliseconds, the median of 5 runs. It measures; it asserts nothing.
import { createPasswordHasher } from '@latchkey/core';

const DJANGO_1M = 'pbkdf2_sha256$1000000$seasaltseasalt12$nMQwDTpzE0f0yKdE3ZZghPuCLb+clCJy+7gN7pwDBrs=';
const PASSWORD = 'django password';

async function median(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return Math.round(times.sort((a, b) => a - b)[2]!);
}

const inJs = createPasswordHasher();
const native = createPasswordHasher({ webCryptoMaxIterations: Infinity });
const today = await inJs.hash(PASSWORD);
const rows = {
  '1,000,000 iterations in JavaScript (ms)': await median(() => inJs.verify(PASSWORD, DJANGO_1M)),
  '1,000,000 iterations in Web Crypto (ms)': await median(() => native.verify(PASSWORD, DJANGO_1M)),
  '100,000 iterations in Web Crypto (ms)': await median(() => inJs.verify(PASSWORD, today)),
};
console.log(JSON.stringify(rows));
