/**
 * Passwordless login and TOTP in the started example: the README's walk-through run command
 * by command (only the origin and the pasted values are filled in). The authenticator app is
 * played by another TOTP implementation (`otpauth`), reading the secret enrolment showed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as OTPAuth from 'otpauth';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening, type Started, start, stop } from './example-process.ts';
import { fits, readmeSteps } from './readme-steps.ts';

const run = promisify(execFile);
// Debian's package; .ci/run installs it. playwright-core downloads no browser of its own.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Waits until `find` finds something in the server's output that it had not printed before `seen` characters. */
async function printed(server: Started, seen: number, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const match = [...server.stdout().slice(seen).matchAll(pattern)].at(-1);
    if (match) return match[1]!;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nothing printed matches ${pattern}: ${server.stdout().slice(-2_000)}`);
}

describe("the example's passwordless login and two-factor authentication", { timeout: 60_000 }, () => {
  let dir: string;
  let server: Started;
  let origin: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-node-hono-sign-in-'));
    server = start({ PORT: '0', LATCHKEY_DATABASE_URL: `file:${join(dir, 'demo.db')}`, LATCHKEY_SECRET_KEY: btoa('s'.repeat(32)) });
    origin = await listening(server);
  }, 30_000);

  afterAll(async () => {
    if (server) await stop(server);
    await rm(dir, { recursive: true, force: true });
  });

  it('follows the README walk-through as written, with the printed mails and an authenticator app', async () => {
    const steps = await readmeSteps('## Passwordless login');
    expect(steps.length).toBeGreaterThan(15);
    const env: Record<string, string> = {};
    let output = '';
    let seen = server.stdout().length;
    let app: OTPAuth.TOTP | null = null;
    let backupCodes: string[] = [];
    // What a reader pastes into each variable.
    const paste: Record<string, () => Promise<string>> = {
      CODE: () => printed(server, seen, /login code is (\d{6})\./g),
      TOKEN: () => printed(server, seen, /\?token=(lko_[A-Za-z0-9_-]+)$/gm),
      API_TOKEN: async () => (JSON.parse(output) as { token: string }).token,
      INTERIM: async () => (JSON.parse(output) as { second_factor_token: string }).second_factor_token,
      TOTP: async () => app!.generate(),
      BACKUP: async () => backupCodes.shift()!,
    };
    for (const { command, expected } of steps) {
      const assignment = /^([A-Z_]+)=/.exec(command);
      if (assignment) {
        env[assignment[1]!] = await paste[assignment[1]!]!();
        seen = server.stdout().length;
        continue;
      }
      ({ stdout: output } = await run('bash', ['-c', command.replaceAll('http://localhost:8787', origin)], { env: { ...process.env, ...env } }));
      if (expected !== null) expect(fits(output, expected), `${command}\n→ ${output}\nexpected ${expected}`).toBe(true);
      const body = output.startsWith('{') ? (JSON.parse(output) as { secret?: string; backup_codes?: string[] }) : {};
      if (body.secret) app = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(body.secret), digits: 6, period: 30 });
      if (body.backup_codes) backupCodes = [...body.backup_codes];
    }
    expect(backupCodes).toHaveLength(8);
  });

  it('the magic link opens a page; loading it changes nothing, its button logs in once', async () => {
    const seen = server.stdout().length;
    const post = (path: string, body: unknown) =>
      fetch(`${origin}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/auth/magic-link', { email: 'demo@example.org' })).status).toBe(202);
    const url = await printed(server, seen, /^(http:\/\/\S+\/auth\/magic-link\/confirm\?token=lko_[A-Za-z0-9_-]+)$/gm);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    try {
      const page = await browser.newPage();
      // Like a mail scanner: fetch the link, twice, and nothing is used up.
      await page.goto(url);
      await page.reload();
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByText('You are logged in. Return to the app.').waitFor();
      expect(new URL(page.url()).search).toBe('');
      // The link is spent: the same token is refused now.
      const token = new URL(url).searchParams.get('token');
      expect(await (await post('/auth/magic-link/confirm', { token })).json()).toEqual({ token: ['Invalid token for given user.'] });
    } finally {
      await browser.close();
    }
  });
});
