/**
 * `SigningKeyStore` over Drizzle, in the `latchkey_signing_keys` table. Public keys are
 * stored as they are; a shared secret is sealed by the secret box before it reaches the
 * database and opened only when a request needs it, so neither a database dump nor a
 * logged query holds a usable secret.
 */
import { base64ToBytes, bytesToBase64 } from '@latchkey/core';
import { isSignatureAlgorithm, type SecretBox, type SigningKeyRecord, type SigningKeyStore } from '@latchkey/signatures';
import { asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { redacted, type SQLiteDatabase } from './database.ts';
import { latchkeySigningKeys as keys } from './schema.ts';

const STORE = 'DrizzleSigningKeyStore';

/** A row of `latchkey_signing_keys`, the same in both dialects. */
export type KeyRow = typeof keys.$inferSelect;

/** Options for `DrizzleSigningKeyStore`. */
export interface DrizzleSigningKeyStoreOptions {
  /**
   * Seals shared secrets (`createSecretBox(serverKey)`). Default none: then only public keys
   * can be stored, and a shared-secret row fails to load (503) rather than load unsealed.
   */
  readonly secrets?: SecretBox;
}

/**
 * Signing keys in any Drizzle SQLite database migrated with `migrate()`.
 *
 * ```ts
 * const keys = new DrizzleSigningKeyStore(db, { secrets: createSecretBox(process.env.LATCHKEY_SECRET_KEY!) });
 * ```
 */
export class DrizzleSigningKeyStore implements SigningKeyStore {
  readonly #db: SQLiteDatabase;
  readonly #secrets: SecretBox | null;
  // The one query on every signed request, prepared once.
  readonly #byId;

  constructor(db: SQLiteDatabase, options: DrizzleSigningKeyStoreOptions = {}) {
    this.#db = db;
    this.#secrets = options.secrets ?? null;
    this.#byId = db.select().from(keys).where(eq(keys.id, sql.placeholder('id'))).prepare();
  }

  async insert(record: SigningKeyRecord): Promise<void> {
    const row = await toKeyRow(STORE, record, this.#secrets);
    await redacted(STORE, this.#db.insert(keys).values(row));
  }

  async find(id: string): Promise<SigningKeyRecord | null> {
    const row = await redacted(STORE, this.#byId.get({ id }));
    return row ? toKeyRecord(STORE, row, this.#secrets) : null;
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await redacted(STORE, this.#db.delete(keys).where(eq(keys.id, id)).returning({ id: keys.id }));
    return deleted.length > 0;
  }

  async listForUser(userId: string): Promise<SigningKeyRecord[]> {
    const rows = await redacted(STORE, this.#db.select().from(keys).where(eq(keys.userId, userId)).orderBy(asc(keys.createdAt), asc(keys.id)));
    return Promise.all(rows.map((row) => toKeyRecord(STORE, row, this.#secrets)));
  }

  /** The user's keys without their key material, oldest first: for listings, never opening a sealed secret. */
  async listWithoutKeys(userId: string): Promise<SigningKeySummary[]> {
    const { key: _key, ...columns } = getTableColumns(keys);
    const rows = await redacted(STORE, this.#db.select(columns).from(keys).where(eq(keys.userId, userId)).orderBy(asc(keys.createdAt), asc(keys.id)));
    return rows.map(toKeySummary);
  }
}

/** A signing key as listed: its record without the key material, the algorithm as stored. */
export type SigningKeySummary = Omit<SigningKeyRecord, 'key' | 'algorithm'> & { readonly algorithm: string };

/** The summary a row without its key holds. */
export const toKeySummary = (row: Omit<KeyRow, 'key'>): SigningKeySummary => ({ ...row, scopes: row.scopes === '' ? [] : row.scopes.split(' ') });

const box = (store: string, secrets: SecretBox | null): SecretBox => {
  if (!secrets) throw new Error(`${store}: shared secrets need the secrets option (a secret box over the server key)`);
  return secrets;
};

/**
 * The row for `record`, for both dialects' stores: a shared secret sealed (bound to the key's
 * id), scopes joined. Throws, naming `store`, for a shared secret without a secret box.
 */
export async function toKeyRow(store: string, record: SigningKeyRecord, secrets: SecretBox | null): Promise<KeyRow> {
  const key = record.algorithm === 'hmac-sha256' ? await box(store, secrets).seal(record.key, record.id) : record.key;
  return { ...record, key: bytesToBase64(key), scopes: record.scopes.join(' ') };
}

/** The record a row holds, its shared secret opened; throws, naming `store`, when the row is corrupt. */
export async function toKeyRecord(store: string, row: KeyRow, secrets: SecretBox | null): Promise<SigningKeyRecord> {
  const stored = base64ToBytes(row.key) as Uint8Array<ArrayBuffer> | null;
  if (!stored || !isSignatureAlgorithm(row.algorithm)) throw new Error(`${store}: key ${row.id} is corrupt`);
  const key = row.algorithm === 'hmac-sha256' ? await box(store, secrets).open(stored, row.id) : stored;
  return { ...row, algorithm: row.algorithm, key, scopes: row.scopes === '' ? [] : row.scopes.split(' ') };
}

