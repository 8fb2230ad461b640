import { describe, expect, it } from 'vitest';
import { passwordRules } from './password-rules.ts';

describe('passwordRules: Django\'s default password validators, simplified', () => {
  const rules = passwordRules();

  it('accepts a long, uncommon password unlike the username', () => {
    expect(rules('a long and unusual passphrase', 'carol')).toEqual([]);
  });

  it('counts characters as Python does (code points), not UTF-16 units', () => {
    expect(rules('\u{1F600}'.repeat(7), 'carol')).toEqual([
      'This password is too short. It must contain at least 8 characters.',
    ]);
  });

  it('says "1 character" in the singular', () => {
    expect(passwordRules({ minPasswordLength: 1 })('', 'carol')).toContain(
      'This password is too short. It must contain at least 1 character.',
    );
  });

  it('refuses a bad minimum at construction', () => {
    expect(() => passwordRules({ minPasswordLength: 0 })).toThrow(RangeError);
  });
});
