/**
 * `npm run timing-logins --workspace bench`: what a refused login costs, by what is stored
 * for the username. It measures and prints; it asserts nothing (tests never assert on time).
 *
 * Each round refuses one wrong password per case through core's `checkCredentials` with
 * the default hasher (100,000 iterations), the cases interleaved so that load on the machine
 * hits them alike. Cases: an unknown user; Django's unusable `!…` hash; a hash at today's
 * iterations; a weaker one (1,000, an old import); stronger ones (260,000, Django 4.0;
 * 600,000, Django 4.2), which cost what they ask until their first successful login.
 *
 * `TIMING_SAMPLES` sets the rounds (default 60).
 */
import { checkCredentials, createPasswordHasher, MemoryUserStore } from '@latchkey/core';

const samples = Number(process.env.TIMING_SAMPLES ?? 60);
if (!Number.isInteger(samples) || samples < 1) throw new RangeError('TIMING_SAMPLES must be a positive integer');

const passwords = createPasswordHasher();
const users = new MemoryUserStore();
const PASSWORD = 'the right password';
const stored: Record<string, string | null> = {
  'today (100,000)': await passwords.hash(PASSWORD),
  'unusable (!…)': '!KF0ZyGV6Rq4bE1pTr8dKhYtJ3xzM2uWcN9LsA7fe',
  'weaker (1,000)': await createPasswordHasher({ iterations: 1_000 }).hash(PASSWORD),
  'stronger (260,000)': await createPasswordHasher({ iterations: 260_000 }).hash(PASSWORD),
  'stronger (600,000)': await createPasswordHasher({ iterations: 600_000 }).hash(PASSWORD),
};
const cases = ['unknown user', ...Object.keys(stored)];
for (const [index, [label, hash]] of Object.entries(stored).entries()) {
  const user = await users.createUser({ username: `user${index}`, passwordHash: hash });
  if (!user) throw new Error(`could not create the user for ${label}`);
}
const usernameOf = (label: string) => (label === 'unknown user' ? 'nobody' : `user${Object.keys(stored).indexOf(label)}`);

const times = new Map<string, number[]>(cases.map((label) => [label, []]));
// One untimed round first: Web Crypto and the JIT warm up on it.
for (let round = -1; round < samples; round++) {
  for (const label of cases) {
    const started = performance.now();
    const checked = await checkCredentials(users, passwords, usernameOf(label), 'a wrong guess');
    const elapsed = performance.now() - started;
    if (checked.ok) throw new Error(`${label}: a wrong password was accepted`);
    if (round >= 0) times.get(label)!.push(elapsed);
  }
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const baseline = quantile([...times.get('unknown user')!].sort((a, b) => a - b), 0.5);
console.log(`refused logins, ${samples} samples each, default hasher (100,000 iterations), ms`);
console.log(['case'.padEnd(20), 'p10', 'median', 'p90', '× unknown'].map((cell) => cell.padStart(8)).join(' '));
for (const label of cases) {
  const sorted = [...times.get(label)!].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const cells = [quantile(sorted, 0.1), median, quantile(sorted, 0.9)].map((ms) => ms.toFixed(2).padStart(8));
  console.log([label.padEnd(20), ...cells, (median / baseline).toFixed(2).padStart(8)].join(' '));
}
