/** The fields and refusals the account flows share, in djoser's words. */
import { PermissionDenied } from '../../errors.ts';
import { jsonResponse } from '../../response.ts';
import type { CharField } from '../fields.ts';
import { ValidationFailed } from '../http-errors.ts';

/** A password field: never trimmed, as Django's password fields are not. */
export const password = (name: string): CharField => ({ name, trim: false });

/** A one-time token from a mailed link. */
export const TOKEN_FIELD: CharField = { name: 'token' };

/** Any refused one-time token: unknown, used, expired, for another purpose or stale. */
export const invalidToken = () => new ValidationFailed({ token: ['Invalid token for given user.'] });

/** A wrong current password. */
export const invalidPassword = () => new ValidationFailed({ current_password: ['Invalid password.'] });

/** Activating a user who is already active (djoser answers 403). */
export const staleToken = () => new PermissionDenied('Stale token for given user.');

/** An address another user has: Django's unique-field message. */
export const emailTaken = (field: string) => new ValidationFailed({ [field]: ['user with this email address already exists.'] });

/**
 * The answer to every request that mails a link: the same status and body whether or not
 * the address belongs to anyone, since the mail goes out after it.
 */
export const accepted = (detail = 'If the address belongs to an account, a message has been sent to it.') =>
  jsonResponse({ detail }, 202);
