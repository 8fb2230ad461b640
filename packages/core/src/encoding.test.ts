import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { base64ToBytesAsPython, headerValueToUtf8 } from './encoding.ts';
import vectors from './python-base64-vectors.json' with { type: 'json' };

describe('base64 as Python decodes it (DRF Basic auth)', () => {
  it.each(vectors as [string, string | null][])('%j decodes as base64.b64decode does', (text, expected) => {
    const bytes = base64ToBytesAsPython(text);
    expect(bytes === null ? null : bytesToHex(bytes)).toBe(expected);
  });
});

describe('header bytes as UTF-8 (DRF token auth)', () => {
  it('reads UTF-8 sent as latin-1 code units as text, and refuses bytes that are not UTF-8', () => {
    const utf8 = String.fromCharCode(...new TextEncoder().encode('ключ'));
    expect(headerValueToUtf8(utf8)).toBe('ключ');
    expect(headerValueToUtf8('abc\u00e9')).toBeNull();
    expect(headerValueToUtf8('a\u0000b')).toBe('a\u0000b');
    expect(headerValueToUtf8('\u0100')).toBeNull();
  });
});
