import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box.ts';

const KEY = btoa('k'.repeat(32));
const secret = () => new TextEncoder().encode('a shared secret');

describe('createSecretBox', () => {
  it('opens what it sealed, and the sealed bytes do not hold the secret', async () => {
    const box = createSecretBox(KEY, { purpose: 'latchkey-totp' });
    const sealed = await box.seal(secret(), 'user-1');
    expect(new TextDecoder().decode(sealed)).not.toContain('a shared secret');
    expect(new TextDecoder().decode(await box.open(sealed, 'user-1'))).toBe('a shared secret');
  });

  it('seals with a fresh nonce each time', async () => {
    const box = createSecretBox(KEY);
    const [a, b] = await Promise.all([box.seal(secret(), 'x'), box.seal(secret(), 'x')]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('refuses another context, another purpose, another key and a tampered box', async () => {
    const sealed = await createSecretBox(KEY, { purpose: 'latchkey-totp' }).seal(secret(), 'user-1');
    await expect(createSecretBox(KEY, { purpose: 'latchkey-totp' }).open(sealed, 'user-2')).rejects.toThrow();
    await expect(createSecretBox(KEY).open(sealed, 'user-1')).rejects.toThrow();
    await expect(createSecretBox(btoa('j'.repeat(32)), { purpose: 'latchkey-totp' }).open(sealed, 'user-1')).rejects.toThrow();
    const tampered = sealed.slice();
    tampered[tampered.length - 1]! ^= 1;
    await expect(createSecretBox(KEY, { purpose: 'latchkey-totp' }).open(tampered, 'user-1')).rejects.toThrow();
  });

  it('refuses a key that is not 32 bytes and a malformed purpose at construction', () => {
    expect(() => createSecretBox(btoa('short'))).toThrow(RangeError);
    expect(() => createSecretBox(KEY, { purpose: 'Not OK' })).toThrow(RangeError);
  });
});
