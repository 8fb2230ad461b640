/**
 * Compares two strings in time that depends only on their length, never on where they
 * first differ, so an attacker timing responses learns nothing about a secret's prefix.
 * The lengths compared here (digests, hashes) are public, so returning early on a length
 * mismatch leaks nothing.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
