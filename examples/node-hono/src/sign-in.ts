/**
 * The demo's other ways in: a login code or a magic link mailed to the user's address, and
 * TOTP as a second factor on every login (password, session, Basic, code, link). Mail is
 * printed to the console, as for the account flows. TOTP seeds are sealed with the server
 * key, so the database alone never holds one in the clear.
 */
import {
  type AuthEndpointsOptions,
  type AuthUser,
  consoleMailer,
  createLoginCodes,
  createOneTimeTokens,
  createSecretBox,
  type OneTimeStore,
  type SendEmail,
} from '@latchkey/core';
import { createTotp, type Totp, type TotpStore, totpRoutes } from '@latchkey/two-factor';

/** What the demo's sign-in options need. */
export interface DemoSignInOptions {
  /** Where codes, magic links and interim tokens live (the account flows' store). Required. */
  readonly oneTime: OneTimeStore;
  /** Where TOTP state lives. Required. */
  readonly totp: TotpStore;
  /** The server key, base64 of 32 bytes: it seals TOTP seeds and keys the code digests. Required. */
  readonly secretKey: string;
  /** The origin mailed links point at, e.g. `http://localhost:8787`. Required. */
  readonly linkBase: string;
  /** Sends the mails. Default `consoleMailer()`: printed on stdout. */
  readonly sendEmail?: SendEmail;
}

/** The endpoint options that turn codes, magic links and TOTP on, and the TOTP service for `basicAuth`. */
export function demoSignIn<U extends AuthUser>(
  options: DemoSignInOptions,
): { endpoints: Pick<AuthEndpointsOptions<U>, 'passwordless' | 'secondFactor' | 'extensions'>; totp: Totp } {
  const totp = createTotp({
    store: options.totp,
    secrets: createSecretBox(options.secretKey, { purpose: 'latchkey-totp' }),
    issuer: 'Latchkey demo',
  });
  const oneTimeTokens = createOneTimeTokens({ store: options.oneTime });
  return {
    totp,
    endpoints: {
      passwordless: {
        sendEmail: options.sendEmail ?? consoleMailer(),
        codes: createLoginCodes({ store: options.oneTime, secret: options.secretKey }),
        magicLinks: oneTimeTokens,
        linkBase: options.linkBase,
        siteName: 'the Latchkey demo',
      },
      secondFactor: { factor: totp, oneTimeTokens },
      extensions: [totpRoutes<U>(totp)],
    },
  };
}
