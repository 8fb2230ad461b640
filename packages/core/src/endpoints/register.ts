/**
 * `POST {prefix}/register`, off unless enabled: djoser's user creation with Django's
 * username and password rules, then DRF's post_save recipe (a token for the new user).
 * 201 `{"token", "expiry", "user"}`, or `{"user"}` with `issueToken: false`.
 *
 * An `email` is taken when given (and required with `requireEmail`). With the account flows'
 * `activation` on, it is required, the user is created inactive, no token is issued, and the
 * activation link is mailed after the answer (djoser's SEND_ACTIVATION_EMAIL).
 *
 * Creating the user is the hardest step to take back, so every check runs before it; if
 * anything after it fails (a hook, the token store), the token is revoked and the user
 * deleted through the store's optional `deleteUser`, then 503. A store without
 * `deleteUser` keeps the user, who can log in with the password just chosen.
 */
import { LatchkeyError } from '../errors.ts';
import { jsonResponse } from '../response.ts';
import type { AuthUser } from '../users/user-store.ts';
import { normalizeUsername, usernameProblems } from '../users/username.ts';
import type { Endpoint, EndpointCall, EndpointDeps } from './endpoint.ts';
import { validateCharFields } from './fields.ts';
import { rollBack } from './hooks.ts';
import { ValidationFailed } from './http-errors.ts';
import { issueToken } from './issue-token.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { type PasswordRulesOptions, passwordRules } from './password-rules.ts';
import { readRequestData } from './request-body.ts';
import { isoTime } from './respond.ts';
import { emailTaken } from './account/account-fields.ts';
import { emailField } from './account/email-field.ts';

/** Options for registration (`createAuthEndpoints({ register })`). */
export interface RegisterOptions extends PasswordRulesOptions {
  /** Issue a token to the new user and return it, DRF's post_save recipe. Default `true`. */
  readonly issueToken?: boolean;
  /** Refuse a registration without `email`. Default `false` (`true` when activation is on). */
  readonly requireEmail?: boolean;
}

const TAKEN = 'A user with that username already exists.';

const FIELDS = [
  // The rule is checked on the normalised name, the one that is stored.
  { name: 'username', validate: (username: string) => usernameProblems(normalizeUsername(username)) },
  { name: 'password', trim: false },
] as const;
const WITH_EMAIL = [...FIELDS, emailField('email')];

/** The registration endpoint. Invalid options throw at once. */
export function register<U extends AuthUser>(
  deps: EndpointDeps<U>,
  throttle: LoginThrottle,
  options: RegisterOptions,
  /** Mails the activation link; null: activation is off and users are created active. */
  sendActivation: ((user: U, call: EndpointCall) => void) | null,
): Endpoint<EndpointCall> {
  const { users, passwords, tokens, hooks, serializeUser, maxBodyBytes } = deps;
  const rules = passwordRules(options);
  const withToken = sendActivation === null && (options.issueToken ?? true);
  const requireEmail = sendActivation !== null || (options.requireEmail ?? false);

  const welcome = async (user: U, call: EndpointCall): Promise<Response | LatchkeyError> => {
    await hooks.onUserCreated?.({ user }, call);
    const body = serializeUser(user);
    sendActivation?.(user, call);
    if (!withToken) return jsonResponse({ user: body }, 201);
    const issued = await issueToken(deps, call, user, {}, 'register');
    if (issued instanceof LatchkeyError) return issued;
    return jsonResponse({ token: issued.token, expiry: isoTime(issued.record.expiresAt), user: body }, 201);
  };

  return async (call) => {
    const crowded = await throttle.registerByAddress(call.request, call.host);
    if (crowded) return crowded;
    const data = await readRequestData(call.request, maxBodyBytes);
    if (data instanceof LatchkeyError) return data;
    // An absent or blank email is no email, unless one is required.
    const given = data.get('email');
    const withEmail = requireEmail || (given !== undefined && given !== '');
    const fields = validateCharFields(data, withEmail ? WITH_EMAIL : FIELDS);
    if (fields instanceof ValidationFailed) return fields;
    const { password = '' } = fields;
    const username = normalizeUsername(fields.username ?? '');
    const email = fields.email ?? null;
    // DRF's UniqueValidator is a field check, so a taken name is reported before password rules run.
    if (await users.findByUsername(username)) return new ValidationFailed({ username: [TAKEN] });
    if (email !== null && (await users.findByEmail?.(email))) return emailTaken('email');
    const problems = rules(password, username);
    if (problems.length > 0) return new ValidationFailed({ password: problems });

    const passwordHash = await passwords.hash(password);
    const user = await users.createUser({ username, passwordHash, email, isActive: sendActivation === null });
    // Lost a race for the name or the address: say which.
    if (!user) return (await users.findByUsername(username)) ? new ValidationFailed({ username: [TAKEN] }) : emailTaken('email');
    // Tokens are revoked too: a hook may have issued some of its own before failing.
    const undo = [() => tokens.revokeAll(user.id), async () => users.deleteUser?.(user.id)];
    let outcome: Response | LatchkeyError;
    try {
      outcome = await welcome(user, call);
    } catch (error) {
      return rollBack(error, ...undo);
    }
    // Only a hook that issued tokens itself can put a brand-new user at the token limit.
    if (outcome instanceof LatchkeyError) for (const step of undo) await step();
    return outcome;
  };
}
