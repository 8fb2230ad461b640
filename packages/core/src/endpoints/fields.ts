/**
 * DRF's CharField, the only field these endpoints need, with its messages to the word:
 * required, blank, null, "Not a valid string.", and the null-character and surrogate
 * validators every CharField carries. Pure.
 */
import { ValidationFailed } from './http-errors.ts';
import type { RequestData } from './request-body.ts';

/** One string field of a request body. */
export interface CharField {
  readonly name: string;
  /** Strip surrounding whitespace before validating (DRF's `trim_whitespace`). Default `true`. */
  readonly trim?: boolean;
  /** Further checks on the cleaned value; each message returned is one error. Default none. */
  readonly validate?: (value: string) => readonly string[];
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function clean(value: unknown, trim: boolean): string | string[] {
  if (value === undefined) return ['This field is required.'];
  if (typeof value === 'string' && (value === '' || (trim && value.trim() === ''))) {
    return ['This field may not be blank.'];
  }
  if (value === null) return ['This field may not be null.'];
  // DRF coerces numbers to text and refuses everything else (booleans, lists, objects, files).
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return ['Not a valid string.'];
  return trim ? value.trim() : value;
}

function characterProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.includes('\0')) problems.push('Null characters are not allowed.');
  const surrogate = LONE_SURROGATE.exec(value);
  if (surrogate) {
    problems.push(`Surrogate characters are not allowed: U+${surrogate[0].charCodeAt(0).toString(16).toUpperCase()}.`);
  }
  return problems;
}

/**
 * Validates `fields` in order and collects every field's errors, as a DRF serializer
 * does: the cleaned values by name, or one `ValidationFailed` naming each bad field.
 */
export function validateCharFields(
  data: RequestData,
  fields: readonly CharField[],
): Readonly<Record<string, string>> | ValidationFailed {
  const values: Record<string, string> = {};
  const errors: Record<string, readonly string[]> = {};
  for (const field of fields) {
    const cleaned = clean(data.get(field.name), field.trim ?? true);
    if (typeof cleaned !== 'string') {
      errors[field.name] = cleaned;
      continue;
    }
    // DRF runs a field's own validators before the two every CharField carries.
    const problems = [...(field.validate?.(cleaned) ?? []), ...characterProblems(cleaned)];
    if (problems.length > 0) errors[field.name] = problems;
    else values[field.name] = cleaned;
  }
  return Object.keys(errors).length > 0 ? new ValidationFailed(errors) : values;
}
