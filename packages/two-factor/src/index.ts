/**
 * `@latchkey/two-factor`: TOTP (RFC 6238) as Latchkey's second factor. Enrolment shows the
 * seed as an `otpauth://` URI and an SVG QR code; backup codes work once each; seeds are
 * sealed at rest with the server key. Hand the service to `createAuthEndpoints({
 * secondFactor: { factor: totp, oneTimeTokens }, extensions: [totpRoutes(totp)] })` and
 * to `basicAuth({ secondFactor: totp })`.
 */
export { MemoryTotpStore } from './memory-totp-store.ts';
export { createTotp, type Totp, type TotpEnrolment, type TotpOptions } from './totp.ts';
export { totpRoutes } from './totp-routes.ts';
export type { TotpRecord, TotpStore } from './totp-store.ts';
