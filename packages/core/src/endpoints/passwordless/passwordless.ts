/**
 * Passwordless login (drfpasswordless's email flows), mounted by
 * `createAuthEndpoints({ passwordless })` under its prefix:
 *
 * | method   | path                 | answer                                                   |
 * |----------|----------------------|----------------------------------------------------------|
 * | POST     | /code                | 202 whatever the email; a code is mailed `{"email"}`      |
 * | POST     | /code/verify         | the token endpoint's answer `{"email", "code"}`           |
 * | POST     | /magic-link          | 202 whatever the email; a link is mailed `{"email"}`      |
 * | GET/POST | /magic-link/confirm  | the link's page / the token endpoint's answer `{"token"}` |
 *
 * Both requests answer before the address is looked up, so an unknown address costs and says
 * what a known one does; the mail leaves after the answer. Both verifies pass the same
 * second-factor gate as the password logins: proving a mailbox is one factor, not two
 * (better-auth lets its passwordless plugins skip the second factor). Inactive users get no
 * mail and no token. With `signUp`, an unknown address gets a code or link too, and redeeming
 * it creates an active user named by the address, with no password.
 */
import { LatchkeyError } from '../../errors.ts';
import type { EmailMessage, SendEmail } from '../../mail/mailer.ts';
import type { OneTimeRecord } from '../../one-time/one-time-store.ts';
import type { OneTimeTokens } from '../../one-time/one-time-tokens.ts';
import { type LoginCodes, SIGN_UP_USER_PREFIX } from '../../passwordless/login-codes.ts';
import { jsonResponse } from '../../response.ts';
import { type AuthUser, emailKey } from '../../users/user-store.ts';
import { normalizeUsername } from '../../users/username.ts';
import { escapeHtml, linkPage } from '../account/link-page.ts';
import { accountThrottle, type AccountThrottleOptions, NO_ACCOUNT_THROTTLE } from '../account/account-throttle.ts';
import { emailField } from '../account/email-field.ts';
import { afterAnswer } from '../after-answer.ts';
import type { Endpoint, EndpointCall, EndpointDeps } from '../endpoint.ts';
import { validateCharFields } from '../fields.ts';
import { ValidationFailed } from '../http-errors.ts';
import type { LoginThrottle } from '../login-throttle.ts';
import { readRequestData } from '../request-body.ts';
import type { SecondFactorLogin } from '../second-factor/second-factor-login.ts';

/** The purpose of magic-link tokens; no other one-time token redeems as one. */
export const MAGIC_LINK_PURPOSE = 'magic-link';

/** Options for passwordless login (`createAuthEndpoints({ passwordless })`). Durations are milliseconds. */
export interface PasswordlessOptions {
  /** Sends the codes and links; `consoleMailer()` prints them. Required. */
  readonly sendEmail: SendEmail;
  /** Emailed codes: `createLoginCodes({ store })` over the one-time store. Default none: no code routes. */
  readonly codes?: LoginCodes;
  /** Magic links: `createOneTimeTokens({ store })`, the account flows' service. Default none: no link routes. */
  readonly magicLinks?: OneTimeTokens;
  /** The public origin of these endpoints, as for the account flows. Required with `magicLinks`. */
  readonly linkBase?: string;
  /** Lifetime of a magic link. Default `900_000` (15 minutes). */
  readonly magicLinkTtl?: number;
  /** An unknown address may sign up by redeeming a code or link (drfpasswordless's default). Default `false`. */
  readonly signUp?: boolean;
  /** The site's name in subjects. Default the host of `linkBase`, else `"Latchkey"`. */
  readonly siteName?: string;
  /** Rates for the requests that mail, by client address and by email. Default on, see `AccountThrottleOptions`. */
  readonly throttle?: AccountThrottleOptions | false;
  /** Clock for `emailVerifiedAt`, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

type Routes = Record<string, Record<string, Endpoint<EndpointCall>>>;

const EMAIL = [emailField('email')];
const ACCEPTED = 'If the address belongs to an account, a message has been sent to it.';
const invalidCode = () => new ValidationFailed({ code: ['Invalid code.'] });
const invalidToken = () => new ValidationFailed({ token: ['Invalid token for given user.'] });

function minutes(ms: number): string {
  const count = Math.max(1, Math.round(ms / 60_000));
  return count === 1 ? '1 minute' : `${count} minutes`;
}

function message(to: string, subject: string, lines: readonly string[]): EmailMessage {
  return {
    to,
    subject,
    text: `${lines.join('\n\n')}\n`,
    html: lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n'),
  };
}

/** Builds the passwordless routes. Missing or contradictory options throw at once. */
export function passwordlessRoutes<U extends AuthUser>(
  deps: EndpointDeps<U>,
  prefix: string,
  options: PasswordlessOptions,
  loginThrottle: LoginThrottle,
  gate: SecondFactorLogin<U>,
  onError: (error: unknown) => void,
  /** The requests' time limit, which bounds the work left after an answer too; null: none. */
  timeout: number | null,
): Routes {
  const { sendEmail, codes, magicLinks } = options;
  const { users, maxBodyBytes } = deps;
  if (typeof sendEmail !== 'function') throw new TypeError('passwordless: sendEmail is required');
  if (!codes && !magicLinks) throw new TypeError('passwordless: give codes, magicLinks or both');
  if (typeof users.findByEmail !== 'function') throw new TypeError('passwordless: the user store needs findByEmail');
  // Read at call time, not bound here, so a store may wrap or replace its method later.
  const findByEmail = (email: string) => users.findByEmail!(email);
  if (magicLinks && (!options.linkBase || !/^https?:\/\/[^?#]*[^/?#]$/.test(options.linkBase))) {
    throw new RangeError('passwordless: linkBase is an http(s) origin and path without query, fragment or trailing slash');
  }
  const linkTtl = options.magicLinkTtl ?? 900_000;
  if (!Number.isSafeInteger(linkTtl) || linkTtl < 1) throw new RangeError('passwordless: magicLinkTtl must be a positive integer');
  const signUp = options.signUp ?? false;
  const now = options.now ?? Date.now;
  const siteName = options.siteName ?? (options.linkBase ? new URL(options.linkBase).host : 'Latchkey');
  const throttle = options.throttle === false ? NO_ACCOUNT_THROTTLE : accountThrottle(options.throttle);

  const later = afterAnswer(timeout, onError);

  /** The user an emailed secret was issued for: a known active one, or a new one on sign-up. */
  const userFor = async (record: OneTimeRecord): Promise<U | null> => {
    if (!record.userId.startsWith(SIGN_UP_USER_PREFIX)) {
      const user = await users.findById(record.userId);
      return user && user.isActive ? user : null;
    }
    if (!signUp || record.data === null) return null;
    // Someone may have registered the address since the code was mailed: log them in.
    const existing = await findByEmail(record.data);
    if (existing) return existing.isActive ? existing : null;
    const created = await users.createUser({ username: normalizeUsername(record.data), passwordHash: null, email: record.data });
    if (created) await users.updateUser?.(created.id, { emailVerifiedAt: now() });
    return created;
  };

  /** A request that mails: 202 at once, the lookup and the mail after. */
  const requesting = (mail: (email: string, user: U | null) => Promise<void>): Endpoint<EndpointCall> => async (call) => {
    const crowded = await throttle.byAddress(call.request, call.host);
    if (crowded) return crowded;
    const data = await readRequestData(call.request, maxBodyBytes);
    if (data instanceof LatchkeyError) return data;
    const fields = validateCharFields(data, EMAIL);
    if (fields instanceof ValidationFailed) return fields;
    const email = fields.email ?? '';
    const flooded = await throttle.byEmail(email);
    if (flooded) return flooded;
    later(call, async () => {
      const user = await findByEmail(email);
      if (user ? user.isActive && user.email : signUp) await mail(user?.email ?? email, user);
    });
    return jsonResponse({ detail: ACCEPTED }, 202);
  };

  const routes: Routes = {};
  if (codes) {
    routes['/code'] = {
      POST: requesting(async (to, user) => {
        const code = await codes.issue(to, user?.id ?? null);
        await sendEmail(
          message(to, `Your login code for ${siteName}`, [
            `Your login code is ${code}.`,
            `It works once, for ${minutes(codes.ttl)}. Nobody from ${siteName} will ask you for it.`,
            'If you did not ask for it, ignore this message.',
          ]),
        );
      }),
    };
    const verifyFields = [emailField('email'), { name: 'code' }];
    routes['/code/verify'] = {
      POST: async (call) => {
        const crowded = await loginThrottle.loginByAddress(call.request, call.host);
        if (crowded) return crowded;
        const data = await readRequestData(call.request, maxBodyBytes);
        if (data instanceof LatchkeyError) return data;
        const fields = validateCharFields(data, verifyFields);
        if (fields instanceof ValidationFailed) return fields;
        const { email = '', code = '' } = fields;
        // Counted per address on top of each code's own attempts, which a new code resets.
        const guessed = await loginThrottle.loginByUsername(`email:${emailKey(email)}`);
        if (guessed) return guessed;
        const redeemed = await codes.redeem(email, code);
        const user = redeemed.ok ? await userFor(redeemed.record) : null;
        return user ? gate.admit(call, user, 'token') : invalidCode();
      },
    };
  }
  if (magicLinks) {
    const purposeUser = (email: string, user: U | null) => user?.id ?? `${SIGN_UP_USER_PREFIX}${emailKey(email)}`;
    routes['/magic-link'] = {
      POST: requesting(async (to, user) => {
        const userId = purposeUser(to, user);
        await magicLinks.revokeForUser(userId, MAGIC_LINK_PURPOSE);
        const { token } = await magicLinks.issue(userId, MAGIC_LINK_PURPOSE, { ttl: linkTtl, data: user ? null : to });
        await sendEmail(
          message(to, `Log in to ${siteName}`, [
            'Open this link to log in:',
            `${options.linkBase}${prefix}/magic-link/confirm?token=${token}`,
            `The link works once, for ${minutes(linkTtl)}.`,
            'If you did not ask for it, ignore this message.',
          ]),
        );
      }),
    };
    const page = linkPage({
      title: `Log in to ${siteName}`,
      intro: 'Press the button to log in.',
      button: 'Log in',
      done: 'You are logged in. Return to the app.',
    });
    routes['/magic-link/confirm'] = {
      GET: async () => page(),
      POST: async (call) => {
        const crowded = await throttle.byAddress(call.request, call.host);
        if (crowded) return crowded;
        const data = await readRequestData(call.request, maxBodyBytes);
        if (data instanceof LatchkeyError) return data;
        const fields = validateCharFields(data, [{ name: 'token' }]);
        if (fields instanceof ValidationFailed) return fields;
        // Of two concurrent confirms, the store's atomic consume lets one through.
        const redeemed = await magicLinks.redeem(fields.token ?? '', MAGIC_LINK_PURPOSE);
        const user = redeemed.ok ? await userFor(redeemed.record) : null;
        return user ? gate.admit(call, user, 'token') : invalidToken();
      },
    };
  }
  return routes;
}
