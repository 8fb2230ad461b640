/**
 * The storage contract for TOTP two-factor state: one record per user (the sealed seed, when
 * it was turned on, the last time step a code was accepted for) and the user's backup codes
 * as digests. Prove a custom store with `totpStoreConformance` from `@latchkey/two-factor/testing`.
 */

/** A user's TOTP state, as stored. The seed is sealed; the store never sees it in the clear. */
export interface TotpRecord {
  readonly userId: string;
  /** The seed sealed by the server key (`SecretBox`), standard base64. */
  readonly sealedSeed: string;
  /** Milliseconds since the epoch when a first code confirmed it; null: enrolled, not yet on. */
  readonly enabledAt: number | null;
  /** The last time step a code was accepted for; null: none yet. */
  readonly lastStep: number | null;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/**
 * Where TOTP state lives. All times are milliseconds since the epoch.
 *
 * - Methods MUST throw only when storage itself fails; "not found" is `null` or `false`.
 * - `save` MUST replace the user's record whole and delete the user's backup codes.
 * - `enable` MUST, in one step, set `enabledAt` only where it is still null; of concurrent
 *   calls one returns true. Only then does it replace the backup codes with `backupDigests`.
 * - `useStep` MUST be atomic: it sets `lastStep` to `step` only if `lastStep` is null or
 *   smaller, and says whether it did. Of concurrent calls with one step, exactly one returns
 *   true, from any number of processes: this is what stops a code being replayed.
 * - `useBackupCode` MUST delete the matching digest atomically and say whether it was there;
 *   of concurrent calls with one digest, exactly one returns true.
 * - Changes MUST be visible to every later call, from any process.
 */
export interface TotpStore {
  /** The user's record, or null. */
  find(userId: string): Promise<TotpRecord | null>;
  /** Saves the record (replacing the user's, backup codes and all). */
  save(record: TotpRecord): Promise<void>;
  /** Turns the user's record on at `at` with these backup code digests; false when absent or already on. */
  enable(userId: string, at: number, backupDigests: readonly string[]): Promise<boolean>;
  /** Records `step` as used; false when it (or a later one) already was, or there is no record. */
  useStep(userId: string, step: number): Promise<boolean>;
  /** Uses up one backup code by its digest; false when it is not the user's (or already used). */
  useBackupCode(userId: string, digest: string): Promise<boolean>;
  /** How many unused backup codes the user has. */
  countBackupCodes(userId: string): Promise<number>;
  /** Deletes the user's record and backup codes; false when there was none. */
  delete(userId: string): Promise<boolean>;
}
