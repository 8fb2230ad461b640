/** Django's EmailField for request bodies: a CharField with its length limit and message. */
import type { CharField } from '../fields.ts';

const MAX_LENGTH = 254;
// One @, something on each side, a dot in the domain, no spaces or angle brackets. Mail
// servers decide the rest; the mailed link proves the address, not this pattern.
const EMAIL = /^[^\s@<>]+@[^\s@<>.]+(\.[^\s@<>.]+)+$/u;

function emailProblems(value: string): string[] {
  const problems: string[] = [];
  if ([...value].length > MAX_LENGTH) problems.push(`Ensure this field has no more than ${MAX_LENGTH} characters.`);
  if (!EMAIL.test(value)) problems.push('Enter a valid email address.');
  return problems;
}

/** An email field named `name`. */
export function emailField(name: string): CharField {
  return { name, validate: emailProblems };
}
