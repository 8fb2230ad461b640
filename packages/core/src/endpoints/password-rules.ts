/**
 * Password rules for registration: Django's default AUTH_PASSWORD_VALIDATORS with their
 * messages, simplified where Django needs data we do not have. Every problem is reported
 * at once, in Django's order, so a user fixes them in one go.
 */

/** Options for `passwordRules`. */
export interface PasswordRulesOptions {
  /** Fewest characters (code points, as Python counts them). Default `8`. */
  readonly minPasswordLength?: number;
  /** Refused passwords, compared lowercased and trimmed. Default a short built-in list. */
  readonly commonPasswords?: Iterable<string>;
}

/** The messages for a candidate password; empty when it is acceptable. */
export type PasswordRules = (password: string, username: string) => string[];

// The most frequent entries of public breach lists (Django ships 20,000 of them). Short
// ones are here too: Django reports every problem, not only the first.
const COMMON_PASSWORDS = [
  '000000', '111111', '112233', '121212', '123123', '123321', '1234', '12345', '123456', '1234567', '12345678',
  '123456789', '1234567890', '123qwe', '1q2w3e', '1q2w3e4r', '1q2w3e4r5t', '654321', '666666', '696969', '7777777',
  '987654321', 'aa123456', 'abc123', 'abcd1234', 'access', 'admin', 'admin123', 'ashley', 'bailey', 'baseball',
  'batman', 'charlie', 'donald', 'dragon', 'football', 'freedom', 'hello123', 'iloveyou', 'letmein', 'login',
  'master', 'michael', 'monkey', 'mustang', 'passw0rd', 'password', 'password1', 'password123', 'princess',
  'qazwsx', 'qwerty', 'qwerty123', 'qwertyuiop', 'secret', 'shadow', 'starwars', 'sunshine', 'superman',
  'trustno1', 'welcome', 'welcome1', 'whatever', 'zaq12wsx',
];

/** Builds the rules; a bad minimum throws a `RangeError`. */
export function passwordRules(options: PasswordRulesOptions = {}): PasswordRules {
  const minLength = options.minPasswordLength ?? 8;
  if (!Number.isInteger(minLength) || minLength < 1) throw new RangeError('minPasswordLength must be a positive integer');
  const common = new Set([...(options.commonPasswords ?? COMMON_PASSWORDS)].map((entry) => entry.trim().toLowerCase()));

  return (password, username) => {
    const problems: string[] = [];
    // Django measures similarity to every user attribute; equality to the username is the
    // case that matters most and needs no fuzzy matching.
    if (password.toLowerCase() === username.toLowerCase()) problems.push('The password is too similar to the username.');
    if ([...password].length < minLength) {
      problems.push(
        `This password is too short. It must contain at least ${minLength} character${minLength === 1 ? '' : 's'}.`,
      );
    }
    if (common.has(password.trim().toLowerCase())) problems.push('This password is too common.');
    if (/^[0-9]+$/.test(password)) problems.push('This password is entirely numeric.');
    return problems;
  };
}
