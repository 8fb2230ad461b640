/**
 * Login with a second factor. A login that proved the password (or the mailbox) of a user
 * whose `SecondFactor.isRequired` says yes gets no token, only an interim one:
 *
 *     POST {prefix}/token {"username", "password"}
 *     200 {"second_factor_required": true, "second_factor_token": "lko_…", "expiry": "…"}
 *     POST {prefix}/2fa/verify {"token": "lko_…", "code": "123456"}
 *     200 the login's own answer ({"token", "expiry", "user"}, or the session's cookies)
 *
 * The interim token is a one-time token of purpose `second-factor` in the one-time store, so
 * it can never authenticate a request: API tokens and sessions live in the token store and
 * their schemes never look in this one. It lives five minutes by default, is redeemed once
 * (of two concurrent verifies one wins), and remembers which login it finishes (`token` or
 * `session`). The answer has no `token` key, so a client written for DRF's single call fails
 * loudly instead of mistaking it for a token. Users without a second factor still get the
 * token in one call.
 */
import { LatchkeyError } from '../../errors.ts';
import type { OneTimeTokens } from '../../one-time/one-time-tokens.ts';
import { jsonResponse } from '../../response.ts';
import type { SecondFactor } from '../../second-factor/second-factor.ts';
import type { AuthUser } from '../../users/user-store.ts';
import type { Endpoint, EndpointCall, EndpointDeps } from '../endpoint.ts';
import { validateCharFields } from '../fields.ts';
import { ValidationFailed } from '../http-errors.ts';
import type { LoginThrottle } from '../login-throttle.ts';
import { readRequestData } from '../request-body.ts';
import { isoTime } from '../respond.ts';

/** The purpose of interim tokens; nothing else redeems them. */
export const SECOND_FACTOR_PURPOSE = 'second-factor';

/** Which answer a login ends in: the token endpoint's or the session login's. */
export type LoginAnswer = 'token' | 'session';

/** Gives `user` what the login asked for (a token, or a session and its cookies). */
export type GrantLogin<U extends AuthUser> = (call: EndpointCall, user: U, answer: LoginAnswer) => Promise<Response | LatchkeyError>;

/** Options for a second factor at login (`createAuthEndpoints({ secondFactor })`). */
export interface SecondFactorLoginOptions {
  /** Says who needs one and checks codes: `totpSecondFactor(…)` of `@latchkey/two-factor`. Required. */
  readonly factor: SecondFactor;
  /** Issues and redeems the interim tokens: `createOneTimeTokens({ store })`. Required. */
  readonly oneTimeTokens: OneTimeTokens;
  /** Lifetime of an interim token, milliseconds. Default `300_000` (five minutes). */
  readonly ttl?: number;
}

/** The gate every login passes and the endpoint that finishes a gated one. */
export interface SecondFactorLogin<U extends AuthUser> {
  /** The login's answer for `user`: granted at once, or the interim one when a second factor is due. */
  admit(call: EndpointCall, user: U, answer: LoginAnswer): Promise<Response | LatchkeyError>;
  /** `POST {prefix}/2fa/verify` `{"token", "code"}`; null when no second factor is configured. */
  readonly verify: Endpoint<EndpointCall> | null;
}

const FIELDS = [{ name: 'token' }, { name: 'code' }] as const;
const invalidToken = () => new ValidationFailed({ token: ['Invalid token for given user.'] });
const invalidCode = () => new ValidationFailed({ code: ['Invalid code.'] });

/** Builds the gate; without options every login is granted at once. */
export function secondFactorLogin<U extends AuthUser>(
  deps: EndpointDeps<U>,
  throttle: LoginThrottle,
  options: SecondFactorLoginOptions | undefined,
  grant: GrantLogin<U>,
): SecondFactorLogin<U> {
  if (!options) return { admit: grant, verify: null };
  const { factor, oneTimeTokens: oneTime } = options;
  if (!factor || !oneTime) throw new TypeError('secondFactor: factor and oneTimeTokens are required');
  const ttl = options.ttl ?? 300_000;
  if (!Number.isSafeInteger(ttl) || ttl < 1) throw new RangeError('secondFactor: ttl must be a positive integer of milliseconds');

  return {
    async admit(call, user, answer) {
      if (!(await factor.isRequired(user.id))) return grant(call, user, answer);
      const { token, record } = await oneTime.issue(user.id, SECOND_FACTOR_PURPOSE, { ttl, data: answer });
      return jsonResponse({ second_factor_required: true, second_factor_token: token, expiry: isoTime(record.expiresAt) });
    },

    async verify(call) {
      const crowded = await throttle.loginByAddress(call.request, call.host);
      if (crowded) return crowded;
      const data = await readRequestData(call.request, deps.maxBodyBytes);
      if (data instanceof LatchkeyError) return data;
      const fields = validateCharFields(data, FIELDS);
      if (fields instanceof ValidationFailed) return fields;
      const { token = '', code = '' } = fields;
      const checked = await oneTime.check(token, SECOND_FACTOR_PURPOSE);
      const user = checked.ok ? await deps.users.findById(checked.record.userId) : null;
      if (!checked.ok || !user || !user.isActive) return invalidToken();
      // The factor throttles its own attempts per user, across every interim token.
      const passed = await factor.verify(user.id, code);
      if (passed instanceof LatchkeyError) return passed;
      if (!passed) return invalidCode();
      // Of two concurrent verifies with one interim token, only one gets past this line.
      const redeemed = await oneTime.redeem(token, SECOND_FACTOR_PURPOSE);
      if (!redeemed.ok) return invalidToken();
      return grant(call, user, redeemed.record.data === 'session' ? 'session' : 'token');
    },
  };
}
