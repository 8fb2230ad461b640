/**
 * The pages behind mailed links. Mail scanners and link previewers fetch every link in a
 * message, so a GET must change nothing: it answers this small page, whose button POSTs the
 * link's token as JSON to the same path. Only a person pressing it redeems the token.
 *
 * The page holds no data of its own: the script reads the token from the address bar, so
 * nothing the client sent is written into the HTML. Its headers keep the token where it is:
 * `Referrer-Policy: no-referrer` (no other site learns the link), `no-store`, a CSP that runs
 * only this script and talks only to this origin, and no framing.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToBase64 } from '../../encoding.ts';

/** What one page says. */
export interface LinkPageText {
  readonly title: string;
  readonly intro: string;
  readonly button: string;
  /** Shown once the POST succeeded. */
  readonly done: string;
  /** Ask for a new password and send it as `new_password`. */
  readonly newPassword?: boolean;
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}' +
  'input,button{font:inherit;padding:.5rem;margin:.25rem 0;width:100%;box-sizing:border-box}';

const SCRIPT = `
const form = document.querySelector('form');
const output = document.querySelector('output');
const button = form.querySelector('button');
const token = new URLSearchParams(location.search).get('token');
if (!token) {
  form.hidden = true;
  output.textContent = 'This link has no token. Open the link from the message again.';
}
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = { token };
  const password = form.querySelector('input[name=new_password]');
  if (password) body.new_password = password.value;
  button.disabled = true;
  try {
    const response = await fetch(location.pathname, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
    });
    if (response.ok) {
      form.hidden = true;
      output.textContent = form.dataset.done;
      history.replaceState(null, '', location.pathname);
      return;
    }
    const data = await response.json().catch(() => ({}));
    output.textContent = data.detail || Object.values(data).flat().join(' ') || 'Something went wrong.';
  } catch {
    output.textContent = 'The server could not be reached. Try again.';
  }
  button.disabled = false;
});
`;

const hash = (text: string) => `'sha256-${bytesToBase64(sha256(utf8ToBytes(text)))}'`;

/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Builds the GET handler of one link page; the HTML and its CSP are made once, here. */
export function linkPage(text: LinkPageText): () => Response {
  const password = text.newPassword
    ? '<label>New password <input name="new_password" type="password" autocomplete="new-password" required></label>'
    : '';
  const html = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(text.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(text.title)}</h1><p>${escapeHtml(text.intro)}</p>`,
    `<form data-done="${escapeHtml(text.done)}">${password}<button type="submit">${escapeHtml(text.button)}</button></form>`,
    `<p><output aria-live="polite"></output></p><script>${SCRIPT}</script></body></html>`,
  ].join('\n');
  const headers = {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': [
      "default-src 'none'",
      `script-src ${hash(SCRIPT)}`,
      `style-src ${hash(STYLE)}`,
      "connect-src 'self'",
      "form-action 'none'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
  };
  return () => new Response(html, { status: 200, headers });
}
