/**
 * The account flows of the started example: the README's walk-through run command by command
 * (only the origin and the pasted tokens are filled in), then the mailed links opened and
 * their buttons clicked in a real headless Chromium (Debian's, driven by playwright-core).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening, type Started, start, stop } from './example-process.ts';
import { fits, readmeSteps } from './readme-steps.ts';

const run = promisify(execFile);
// Debian's package; .ci/run installs it. playwright-core downloads no browser of its own.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LINK = /^(http:\/\/\S+\?token=(lko_[A-Za-z0-9_-]+))$/gm;

/** The mailed links the server has printed so far, oldest first. */
function printedLinks(server: Started): { url: string; token: string }[] {
  return [...server.stdout().matchAll(LINK)].map((match) => ({ url: match[1]!, token: match[2]! }));
}

/** Waits until the server has printed more than `seen` links; the newest. */
async function nextLink(server: Started, seen: number): Promise<{ url: string; token: string }> {
  for (let i = 0; i < 200; i++) {
    const links = printedLinks(server);
    if (links.length > seen) return links.at(-1)!;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no mail was printed: ${server.stdout().slice(-2_000)}`);
}

describe('the example\'s account flows', { timeout: 60_000 }, () => {
  let dir: string;
  let server: Started;
  let origin: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-node-hono-account-'));
    server = start({ PORT: '0', LATCHKEY_DATABASE_URL: `file:${join(dir, 'demo.db')}` });
    origin = await listening(server);
  }, 30_000);

  afterAll(async () => {
    if (server) await stop(server);
    await rm(dir, { recursive: true, force: true });
  });

  it('follows the README walk-through as written, with the printed mails', async () => {
    const steps = await readmeSteps('## Accounts');
    expect(steps.length).toBeGreaterThan(10);
    const env: Record<string, string> = {};
    let lastOutput = '';
    let links = printedLinks(server).length;
    for (const { command, expected } of steps) {
      const assignment = /^([A-Z_]+)=/.exec(command);
      if (assignment) {
        // What a reader pastes: the token of the newest mail, or the one just obtained.
        if (assignment[1] === 'TOKEN') env.TOKEN = (await nextLink(server, links)).token;
        else env[assignment[1]!] = (JSON.parse(lastOutput) as { token: string }).token;
        links = printedLinks(server).length;
        continue;
      }
      const { stdout } = await run('bash', ['-c', command.replaceAll('http://localhost:8787', origin)], {
        env: { ...process.env, ...env },
      });
      lastOutput = stdout;
      if (expected !== null) expect(fits(stdout, expected), `${command}\n→ ${stdout}\nexpected ${expected}`).toBe(true);
    }
    // Secrets appear only where a mail carries them: no log line holds a token or a password.
    expect(server.stderr()).toBe('');
    const secretLines = server.stdout().split('\n').filter((line) => /lko?_|passphrase/.test(line));
    expect(secretLines.filter((line) => !/^http:\/\/\S+\?token=lko_[A-Za-z0-9_-]+$/.test(line))).toEqual([]);
    expect(secretLines.length).toBe(printedLinks(server).length);
  });

  describe('in headless Chromium', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    }, 30_000);

    afterAll(async () => {
      await browser?.close();
    });

    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${origin}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Token ${token}` }) },
        body: JSON.stringify(body),
      });

    it('the activation link opens a page; loading it changes nothing, its button activates the account', async () => {
      const seen = printedLinks(server).length;
      expect((await post('/auth/register', { username: 'bea', password: 'a long passphrase', email: 'bea@example.org' })).status).toBe(201);
      const link = await nextLink(server, seen);
      expect(link.url).toContain(`${origin.replace('127.0.0.1', 'localhost')}/auth/activate?token=lko_`);
      const page = await browser.newPage();
      try {
        // Like a mail scanner: fetch the link, twice, and nothing is used up.
        await page.goto(link.url);
        await page.reload();
        expect((await post('/auth/token', { username: 'bea', password: 'a long passphrase' })).status).toBe(400);
        await page.getByRole('button', { name: 'Activate' }).click();
        await page.getByText('Your account is active. You can log in now.').waitFor();
        // The token leaves the address bar once used.
        expect(new URL(page.url()).search).toBe('');
        expect((await post('/auth/token', { username: 'bea', password: 'a long passphrase' })).status).toBe(200);
        // Back on the used link, the button says why it no longer works.
        await page.goto(link.url);
        await page.getByRole('button', { name: 'Activate' }).click();
        await page.getByText('Invalid token for given user.').waitFor();
      } finally {
        await page.close();
      }
    });

    it('the reset link opens a page that takes the new password, shows the rules, then sets it', async () => {
      const seen = printedLinks(server).length;
      expect((await post('/auth/password/reset', { email: 'bea@example.org' })).status).toBe(202);
      const link = await nextLink(server, seen);
      const page = await browser.newPage();
      try {
        await page.goto(link.url);
        const field = page.getByLabel('New password');
        await field.fill('bea');
        await page.getByRole('button', { name: 'Set password' }).click();
        await page.getByText('This password is too short.', { exact: false }).waitFor();
        await field.fill('a brand new passphrase');
        await page.getByRole('button', { name: 'Set password' }).click();
        await page.getByText('Your password has been changed.', { exact: false }).waitFor();
        expect((await post('/auth/token', { username: 'bea', password: 'a brand new passphrase' })).status).toBe(200);
      } finally {
        await page.close();
      }
    });
  });
});
