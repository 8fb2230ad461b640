/**
 * The account flows, mounted by `createAuthEndpoints({ account })` under its prefix:
 *
 * | method   | path                     | who           | answer                                     |
 * |----------|--------------------------|---------------|--------------------------------------------|
 * | POST     | /password/change         | authenticated | 204; other tokens and sessions revoked     |
 * | POST     | /password/reset          | anyone        | 202 whatever the email; a link is mailed   |
 * | GET/POST | /password/reset/confirm  | anyone        | the link's page / 204, password set        |
 * | GET/POST | /activate                | anyone        | the link's page / 204, user active         |
 * | POST     | /activate/resend         | anyone        | 202 whatever the email                     |
 * | POST     | /email/change            | authenticated | 202; a link is mailed to the new address   |
 * | GET/POST | /email/change/confirm    | anyone        | the link's page / 204, address changed     |
 *
 * Request shapes and wording are djoser's (`current_password`, `new_password`, "Invalid
 * password.", "Invalid token for given user.", "Stale token for given user."), except that a
 * link carries one `token` where djoser mails a `uid` and a `token`: the token names its
 * record itself. Every mail is sent after the response is ready, so an answer takes as long
 * for an unknown address as for a known one and says the same.
 */
import { afterAnswer } from '../after-answer.ts';
import type { SendEmail } from '../../mail/mailer.ts';
import type { CurrentBinding, OneTimeTokens } from '../../one-time/one-time-tokens.ts';
import type { AuthUser, UserStore } from '../../users/user-store.ts';
import type { Endpoint, EndpointCall, EndpointDeps, UserCall } from '../endpoint.ts';
import { type PasswordRules, passwordRules, type PasswordRulesOptions } from '../password-rules.ts';
import { activate, resendActivation } from './activation.ts';
import { type AccountMailKind, composeAccountEmail, type ComposeEmail } from './account-mail.ts';
import { accountThrottle, type AccountThrottle, type AccountThrottleOptions, NO_ACCOUNT_THROTTLE } from './account-throttle.ts';
import { confirmEmailChange, requestEmailChange } from './email-change.ts';
import { linkPage } from './link-page.ts';
import { changePassword } from './password-change.ts';
import { confirmPasswordReset, requestPasswordReset } from './password-reset.ts';

/** Options for the account flows (`createAuthEndpoints({ account })`). Durations are milliseconds. */
export interface AccountOptions extends PasswordRulesOptions {
  /** Sends the mails; `consoleMailer()` prints them. Required. */
  readonly sendEmail: SendEmail;
  /** Issues and redeems the mailed tokens: `createOneTimeTokens({ store })`. Required. */
  readonly oneTimeTokens: OneTimeTokens;
  /**
   * Where mailed links point: the public origin of these endpoints, e.g.
   * `"https://api.example.org"`; a link is `{linkBase}{prefix}/activate?token=…`. Required:
   * building it from the request's `Host` would let anyone mail links to their own server.
   */
  readonly linkBase: string;
  /** The site's name in subjects. Default the host of `linkBase`. */
  readonly siteName?: string;
  /** Registration creates inactive users and mails an activation link (djoser's SEND_ACTIVATION_EMAIL). Default `false`. */
  readonly activation?: boolean;
  /** Lifetime of an activation link. Default `86_400_000` (one day). */
  readonly activationTtl?: number;
  /** Lifetime of a password reset link. Default `3_600_000` (one hour). */
  readonly passwordResetTtl?: number;
  /** Lifetime of an email change link. Default `3_600_000` (one hour). */
  readonly emailChangeTtl?: number;
  /** A password change revokes the user's other tokens and sessions, keeping the one in use. Default `true`. */
  readonly revokeOtherTokens?: boolean;
  /** After an email change, tell the old address. Default `true`. */
  readonly notifyEmailChange?: boolean;
  /** Writes the mails. Default `composeAccountEmail`. */
  readonly composeEmail?: ComposeEmail;
  /** The account throttle; `false`: none. Default on, see `AccountThrottleOptions`. */
  readonly throttle?: AccountThrottleOptions | false;
  /** Clock for `emailVerifiedAt`, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** A user store with what the account flows need beyond the basics. */
export type AccountUserStore<U extends AuthUser> = UserStore<U> & Required<Pick<UserStore<U>, 'findByEmail' | 'updateUser'>>;

/** The purposes of the mailed tokens; a token redeems only for its own. */
export const PURPOSE = { activation: 'activation', reset: 'password-reset', emailChange: 'email-change' } as const;

type Purpose = (typeof PURPOSE)[keyof typeof PURPOSE];

/** What the account endpoints share, resolved once. */
export interface AccountDeps<U extends AuthUser> extends EndpointDeps<U> {
  readonly users: AccountUserStore<U>;
  readonly oneTime: OneTimeTokens;
  readonly rules: PasswordRules;
  readonly throttle: AccountThrottle;
  readonly revokeOtherTokens: boolean;
  readonly notifyEmailChange: boolean;
  readonly now: () => number;
  /**
   * Issues a fresh token of the kind's purpose, bound to the user's current state (older
   * ones of that purpose die), and mails its link to `to`; `email-changed` mails a notice
   * without a token. `data` rides in the record (the new address of an email change).
   */
  readonly mail: (kind: AccountMailKind, user: U, to: string, data?: string) => Promise<void>;
  /** The current binding of a purpose's tokens, for `redeem`. */
  readonly bound: (purpose: Purpose) => CurrentBinding;
  /**
   * Runs `work` after the response, within the requests' time limit: errors (and a store that
   * never answers) go to `onError`; the host's `waitUntil` keeps it alive.
   */
  readonly later: (call: EndpointCall, work: () => Promise<void>) => void;
}

/** The account routes, by path, for the router to mount. */
export interface AccountRoutes<U extends AuthUser> {
  readonly open: Readonly<Record<string, Readonly<Record<string, Endpoint<EndpointCall>>>>>;
  readonly authenticated: Readonly<Record<string, Readonly<Record<string, Endpoint<UserCall<U>>>>>>;
  /** Mails the activation link to a user registration just created inactive; null when activation is off. */
  readonly sendActivation: ((user: U, call: EndpointCall) => void) | null;
}

function assertDuration(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer of milliseconds`);
}

/** Builds the account routes. Missing or contradictory options throw at once. */
export function accountRoutes<U extends AuthUser>(
  base: EndpointDeps<U>,
  prefix: string,
  options: AccountOptions,
  onError: (error: unknown) => void,
  /** The requests' time limit, which bounds the work left after an answer too; null: none. */
  timeout: number | null,
): AccountRoutes<U> {
  const { sendEmail, oneTimeTokens: oneTime } = options;
  if (typeof sendEmail !== 'function' || !oneTime) throw new TypeError('account: sendEmail and oneTimeTokens are required');
  const { users } = base;
  if (typeof users.findByEmail !== 'function' || typeof users.updateUser !== 'function') {
    throw new TypeError('account: the user store needs findByEmail and updateUser');
  }
  let linkBase: URL;
  try {
    linkBase = new URL(options.linkBase);
  } catch (error) {
    throw new TypeError('account: linkBase must be an absolute http(s) URL', { cause: error });
  }
  if (!/^https?:$/.test(linkBase.protocol) || linkBase.search || linkBase.hash || options.linkBase.endsWith('/')) {
    throw new RangeError('account: linkBase is an http(s) origin and path without query, fragment or trailing slash');
  }
  const ttl = {
    activation: options.activationTtl ?? 86_400_000,
    'password-reset': options.passwordResetTtl ?? 3_600_000,
    'email-change': options.emailChangeTtl ?? 3_600_000,
  };
  for (const [name, value] of Object.entries(ttl)) assertDuration(`${name} ttl`, value);
  const siteName = options.siteName ?? linkBase.host;
  const compose = options.composeEmail ?? composeAccountEmail;
  const paths = { activation: '/activate', 'password-reset': '/password/reset/confirm', 'email-change': '/email/change/confirm' };

  // What each purpose's tokens are bound to: a token dies when this changes. A reset token
  // dies with the password it would replace (and with the user's deactivation), an
  // activation or email change token with the address it was mailed for.
  const bindingOf: Record<Purpose, (user: U) => Promise<string | null>> = {
    activation: async (user) => user.email ?? '',
    'password-reset': async (user) => (user.isActive ? ((await users.getPasswordHash(user.id)) ?? '') : null),
    'email-change': async (user) => (user.isActive ? (user.email ?? '') : null),
  };

  const deps: AccountDeps<U> = {
    ...base,
    users: users as AccountUserStore<U>,
    oneTime,
    rules: passwordRules(options),
    throttle: options.throttle === false ? NO_ACCOUNT_THROTTLE : accountThrottle(options.throttle),
    revokeOtherTokens: options.revokeOtherTokens ?? true,
    notifyEmailChange: options.notifyEmailChange ?? true,
    now: options.now ?? Date.now,
    async mail(kind, user, to, data) {
      const message = { kind, to, username: user.username, siteName, ...(data !== undefined && { newEmail: data }) };
      if (kind === 'email-changed') return sendEmail(compose({ ...message, link: null, ttl: 0 }));
      const binding = await bindingOf[kind](user);
      if (binding === null) return;
      await oneTime.revokeForUser(user.id, kind);
      const { token } = await oneTime.issue(user.id, kind, { ttl: ttl[kind], binding, data: data ?? null });
      await sendEmail(compose({ ...message, link: `${options.linkBase}${prefix}${paths[kind]}?token=${token}`, ttl: ttl[kind] }));
    },
    bound: (purpose) => async (record) => {
      const user = await users.findById(record.userId);
      return user ? bindingOf[purpose](user) : null;
    },
    later: afterAnswer(timeout, onError),
  };

  const page = {
    activation: linkPage({
      title: 'Activate your account',
      intro: 'Press the button to activate your account.',
      button: 'Activate',
      done: 'Your account is active. You can log in now.',
    }),
    reset: linkPage({
      title: 'Choose a new password',
      intro: 'Enter the new password for your account.',
      button: 'Set password',
      done: 'Your password has been changed. You can log in with it now.',
      newPassword: true,
    }),
    emailChange: linkPage({
      title: 'Confirm your new email address',
      intro: 'Press the button to make this address the one of your account.',
      button: 'Confirm',
      done: 'Your email address has been changed.',
    }),
  };
  const show = (answer: () => Response): Endpoint<EndpointCall> => async () => answer();

  const open: Record<string, Record<string, Endpoint<EndpointCall>>> = {
    '/password/reset': { POST: requestPasswordReset(deps) },
    '/password/reset/confirm': { GET: show(page.reset), POST: confirmPasswordReset(deps) },
    '/email/change/confirm': { GET: show(page.emailChange), POST: confirmEmailChange(deps) },
  };
  if (options.activation) {
    open['/activate'] = { GET: show(page.activation), POST: activate(deps) };
    open['/activate/resend'] = { POST: resendActivation(deps) };
  }
  return {
    open,
    authenticated: {
      '/password/change': { POST: changePassword(deps) },
      '/email/change': { POST: requestEmailChange(deps) },
    },
    sendActivation: options.activation
      ? (user, call) => {
          const to = user.email;
          if (to) deps.later(call, () => deps.mail('activation', user, to));
        }
      : null,
  };
}
