/**
 * One username rule for every place a name comes in: registration, the login endpoints,
 * Basic authentication and the command line. Django's, in two steps:
 *
 * 1. NFKC normalisation (`AbstractBaseUser.normalize_username`), applied before a name is
 *    stored and before it is looked up, so `ａｌｉｃｅ` (fullwidth), `𝐚lice` (mathematical bold)
 *    and `ﬁle` (a ligature) are the same names as `alice` and `file`, not new accounts.
 * 2. `UnicodeUsernameValidator`: letters, digits and `@ . + - _`, at most 150 characters.
 *
 * What is left: NFKC does not fold look-alikes from other scripts. Cyrillic `а` (U+0430) is
 * a letter of its own, so `аlice` is a different, valid username beside `alice`, as in Django.
 */

/** The most characters (code points) a username may have, Django's `max_length`. */
export const MAX_USERNAME_LENGTH = 150;

// Python's Unicode \w (letters, numbers, underscore) and @ . + -, as Django's validator.
const USERNAME = /^[\p{L}\p{N}_.@+-]+$/u;

/** The form a username is stored and looked up in: NFKC, as Django's `normalize_username`. */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC');
}

/**
 * What is wrong with a (normalised) username, in Django's words; empty when it is valid.
 * Pure: no store is asked whether the name is taken.
 */
export function usernameProblems(username: string): string[] {
  const problems: string[] = [];
  if ([...username].length > MAX_USERNAME_LENGTH) {
    problems.push(`Ensure this field has no more than ${MAX_USERNAME_LENGTH} characters.`);
  }
  if (!USERNAME.test(username)) {
    problems.push('Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.');
  }
  return problems;
}
