/**
 * `SigningKeyStore` over Drizzle, in the `latchkey_signing_keys` table. Public keys are
 * stored as they are; a shared secret is sealed by the secret box before it reaches the
 * database and opened only when a request needs it, so neither a database dump nor a
 * logged query holds a usable secret.
 */
import { base64ToBytes, bytesToBase64 } from '@latchkey/core';
import { isSignatureAlgorithm, type SecretBox, type SigningKeyRecord, type SigningKeyStore } from '@latchkey/signatures';
import { asc, eq, sql } from 'drizzle-orm';
import { redacted, type SQLiteDatabase } from './database.ts';
import { latchkeySigningKeys as keys } from './schema.ts';

const STORE = 'DrizzleSigningKeyStore';

type KeyRow = typeof keys.$inferSelect;

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
    const key = record.algorithm === 'hmac-sha256' ? await this.#box().seal(record.key, record.id) : record.key;
    const row: KeyRow = { ...record, key: bytesToBase64(key), scopes: record.scopes.join(' ') };
    await redacted(STORE, this.#db.insert(keys).values(row));
  }

  async find(id: string): Promise<SigningKeyRecord | null> {
    const row = await redacted(STORE, this.#byId.get({ id }));
    return row ? this.#toRecord(row) : null;
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await redacted(STORE, this.#db.delete(keys).where(eq(keys.id, id)).returning({ id: keys.id }));
    return deleted.length > 0;
  }

  async listForUser(userId: string): Promise<SigningKeyRecord[]> {
    const rows = await redacted(STORE, this.#db.select().from(keys).where(eq(keys.userId, userId)).orderBy(asc(keys.createdAt), asc(keys.id)));
    return Promise.all(rows.map((row) => this.#toRecord(row)));
  }

  async #toRecord(row: KeyRow): Promise<SigningKeyRecord> {
    const stored = base64ToBytes(row.key) as Uint8Array<ArrayBuffer> | null;
    if (!stored || !isSignatureAlgorithm(row.algorithm)) throw new Error(`${STORE}: key ${row.id} is corrupt`);
    const key = row.algorithm === 'hmac-sha256' ? await this.#box().open(stored, row.id) : stored;
    return { ...row, algorithm: row.algorithm, key, scopes: row.scopes === '' ? [] : row.scopes.split(' ') };
  }

  #box(): SecretBox {
    if (!this.#secrets) throw new Error(`${STORE}: shared secrets need the secrets option (a secret box over the server key)`);
    return this.#secrets;
  }
}
