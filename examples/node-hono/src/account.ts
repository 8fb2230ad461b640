/**
 * The demo's account flows: registration with activation, password change and reset, and
 * email change, with mail printed to the console (Django's console backend). Every mailed
 * link opens a small page on this server whose button does the POST, so a link can be
 * followed in a browser or redeemed with curl.
 */
import {
  type AuthEndpointsOptions,
  type AuthUser,
  consoleMailer,
  createOneTimeTokens,
  type OneTimeStore,
  type SendEmail,
} from '@latchkey/core';

/** What the demo's account flows need. */
export interface DemoAccountOptions {
  /** Where the mailed one-time tokens live. Required. */
  readonly oneTime: OneTimeStore;
  /** The origin mailed links point at, e.g. `http://localhost:8787`. Required. */
  readonly linkBase: string;
  /** Sends the mails. Default `consoleMailer()`: printed on stdout. */
  readonly sendEmail?: SendEmail;
}

/** The endpoint options that turn the flows on, for `authEndpoints({ ...these })`. */
export function demoAccountEndpoints<U extends AuthUser>(
  options: DemoAccountOptions,
): Pick<AuthEndpointsOptions<U>, 'register' | 'account' | 'serializeUser'> {
  return {
    register: true,
    serializeUser: ({ id, username, email }) => ({ id, username, email: email ?? null }),
    account: {
      sendEmail: options.sendEmail ?? consoleMailer(),
      oneTimeTokens: createOneTimeTokens({ store: options.oneTime }),
      linkBase: options.linkBase,
      siteName: 'the Latchkey demo',
      activation: true,
    },
  };
}
