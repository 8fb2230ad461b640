/**
 * The messages the account flows send. Each carries one link whose `token` query parameter
 * is a one-time token; the link opens a page (GET, harmless) whose button redeems it (POST).
 */
import type { EmailMessage } from '../../mail/mailer.ts';
import { escapeHtml } from './link-page.ts';

/** Which message, and so which page the link opens. */
export type AccountMailKind = 'activation' | 'password-reset' | 'email-change' | 'email-changed';

/** What a message is built from. */
export interface AccountMailInput {
  readonly kind: AccountMailKind;
  readonly to: string;
  readonly username: string;
  /** The link to open; null for a notice without one (`email-changed`). */
  readonly link: string | null;
  /** How long the link lives, in milliseconds. */
  readonly ttl: number;
  /** The site's name, shown in the subject. */
  readonly siteName: string;
  /** The new address (`email-changed`). */
  readonly newEmail?: string;
}

/** Writes a message; replace it (`account: { composeEmail }`) to word or brand them yourself. */
export type ComposeEmail = (input: AccountMailInput) => EmailMessage;

function lifetime(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours >= 24 && Number.isInteger(hours / 24)) return hours === 24 ? '1 day' : `${hours / 24} days`;
  if (hours >= 1 && Number.isInteger(hours)) return hours === 1 ? '1 hour' : `${hours} hours`;
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

const WORDING: Record<AccountMailKind, { subject: string; ask: string; ignore: string }> = {
  activation: {
    subject: 'Activate your account',
    ask: 'Open this link to activate your account:',
    ignore: 'If you did not sign up, ignore this message.',
  },
  'password-reset': {
    subject: 'Reset your password',
    ask: 'Someone asked to reset the password of your account. Open this link to choose a new one:',
    ignore: 'If it was not you, ignore this message: your password stays as it is.',
  },
  'email-change': {
    subject: 'Confirm your new email address',
    ask: 'Open this link to make this address the one of your account:',
    ignore: 'If you did not ask for this, ignore this message.',
  },
  'email-changed': {
    subject: 'Your email address was changed',
    ask: '',
    ignore: 'If you did not do this, reset your password and contact us.',
  },
};

/** The default wording: plain, with the link alone on its line. */
export const composeAccountEmail: ComposeEmail = (input) => {
  const { kind, to, username, link, ttl, siteName } = input;
  const wording = WORDING[kind];
  const lines =
    link === null
      ? [`The email address of your account on ${siteName} is now ${input.newEmail ?? 'another one'}.`]
      : [wording.ask, link, `The link works once, for ${lifetime(ttl)}.`];
  const text = `${[`Hello ${username},`, ...lines, wording.ignore].join('\n\n')}\n`;
  const html = [
    `<p>Hello ${escapeHtml(username)},</p>`,
    ...(link === null
      ? [`<p>${escapeHtml(lines[0]!)}</p>`]
      : [
          `<p>${escapeHtml(wording.ask)}</p>`,
          `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
          `<p>The link works once, for ${lifetime(ttl)}.</p>`,
        ]),
    `<p>${escapeHtml(wording.ignore)}</p>`,
  ].join('\n');
  return { to, subject: `${wording.subject} on ${siteName}`, text, html };
};
