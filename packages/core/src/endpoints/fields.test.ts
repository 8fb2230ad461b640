import { describe, expect, it } from 'vitest';
import { validateCharFields } from './fields.ts';
import { ValidationFailed } from './http-errors.ts';

const errorsOf = (value: unknown, trim = true) => {
  const result = validateCharFields(new Map([['name', value]]), [{ name: 'name', trim }]);
  return result instanceof ValidationFailed ? result.errors.name : result.name;
};

describe('validateCharFields: DRF\'s CharField', () => {
  it('answers the cleaned text, trimmed unless told not to', () => {
    expect(errorsOf(' alice ')).toBe('alice');
    expect(errorsOf(' alice ', false)).toBe(' alice ');
  });

  it('counts whitespace as blank only when trimming', () => {
    expect(errorsOf('  ')).toEqual(['This field may not be blank.']);
    expect(errorsOf('  ', false)).toBe('  ');
  });

  it('refuses files as "Not a valid string."', () => {
    expect(errorsOf(new Blob(['alice']))).toEqual(['Not a valid string.']);
  });

  it('names a lone surrogate by its code point: "Surrogate characters are not allowed: U+D800."', () => {
    expect(errorsOf('a\uD800b')).toEqual(['Surrogate characters are not allowed: U+D800.']);
    expect(errorsOf('emoji \u{1F600} is fine')).toBe('emoji \u{1F600} is fine');
  });

  it('runs a field\'s own validators first, then the null-character check', () => {
    const result = validateCharFields(new Map([['name', 'a\0']]), [{ name: 'name', validate: () => ['own rule'] }]);
    expect((result as ValidationFailed).errors).toEqual({ name: ['own rule', 'Null characters are not allowed.'] });
  });
});
