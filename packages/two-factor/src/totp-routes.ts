/**
 * The TOTP routes, for a logged-in user, added to `createAuthEndpoints` under its prefix with
 * `extensions: [totpRoutes(totp)]`:
 *
 * | method | path                 | body                   | answer                                      |
 * |--------|----------------------|------------------------|---------------------------------------------|
 * | POST   | /2fa/totp            | none                   | 200 `{"secret", "otpauth_url", "qr_svg"}`   |
 * | POST   | /2fa/totp/confirm    | `{"code"}`             | 200 `{"backup_codes": [...]}`, TOTP on      |
 * | POST   | /2fa/totp/disable    | `{"password", "code"}` | 204, TOTP off                               |
 *
 * Enrolling again before confirming replaces the seed; once TOTP is on, enrolment is refused
 * until it is turned off, which needs the password and a code (or a backup code), so a stolen
 * session alone can neither read the seed again nor remove the factor.
 */
import {
  type AuthExtension,
  type AuthUser,
  checkCredentials,
  type Endpoint,
  jsonResponse,
  LatchkeyError,
  readRequestData,
  type UserCall,
  validateCharFields,
  ValidationFailed,
} from '@latchkey/core';
import type { Totp } from './totp.ts';

const ALREADY_ON = 'Two-factor authentication is already on.';
const invalidCode = () => new ValidationFailed({ code: ['Invalid code.'] });

/** The enrol, confirm and disable routes of `totp`, as an extension of `createAuthEndpoints`. */
export function totpRoutes<U extends AuthUser>(totp: Totp): AuthExtension<U> {
  return (deps) => {
    const { users, passwords, maxBodyBytes } = deps;

    const enrol: Endpoint<UserCall<U>> = async ({ user }) => {
      const enrolment = await totp.enrol(user.id, user.email ?? user.username);
      if (!enrolment) return new ValidationFailed({ non_field_errors: [ALREADY_ON] });
      return jsonResponse({ secret: enrolment.secret, otpauth_url: enrolment.otpauthUrl, qr_svg: enrolment.qrSvg });
    };

    const confirm: Endpoint<UserCall<U>> = async ({ request, user }) => {
      const data = await readRequestData(request, maxBodyBytes);
      if (data instanceof LatchkeyError) return data;
      const fields = validateCharFields(data, [{ name: 'code' }]);
      if (fields instanceof ValidationFailed) return fields;
      const codes = await totp.confirm(user.id, fields.code ?? '');
      if (codes instanceof LatchkeyError) return codes;
      return codes ? jsonResponse({ backup_codes: codes }) : invalidCode();
    };

    const disable: Endpoint<UserCall<U>> = async ({ request, user }) => {
      const data = await readRequestData(request, maxBodyBytes);
      if (data instanceof LatchkeyError) return data;
      const fields = validateCharFields(data, [{ name: 'password', trim: false }, { name: 'code' }]);
      if (fields instanceof ValidationFailed) return fields;
      // The password first: a wrong one costs no code attempt.
      const checked = await checkCredentials(users, passwords, user.username, fields.password ?? '');
      if (!checked.ok || checked.user.id !== user.id) return new ValidationFailed({ password: ['Invalid password.'] });
      const disabled = await totp.disable(user.id, fields.code ?? '');
      if (disabled instanceof LatchkeyError) return disabled;
      return disabled ? new Response(null, { status: 204 }) : invalidCode();
    };

    return {
      authenticated: {
        '/2fa/totp': { POST: enrol },
        '/2fa/totp/confirm': { POST: confirm },
        '/2fa/totp/disable': { POST: disable },
      },
    };
  };
}
