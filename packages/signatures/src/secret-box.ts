/**
 * Shared secrets at rest: a public key can be stored as it is, but the server must read an
 * HMAC secret back to check a MAC, so it keeps the secret sealed under a server key held
 * outside the database (core's AES-256-GCM secret box, which TOTP seeds use too). The key id
 * is bound into every seal, so a sealed secret moved to another key's row does not open.
 */
export { createSecretBox, type SecretBox } from '@latchkey/core';
