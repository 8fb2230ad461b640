/**
 * `SigningKeyStore` over Drizzle's Postgres dialect, in the `latchkey_signing_keys` table.
 * Rows are sealed and opened exactly as in the SQLite store (`../signing-key-store.ts`): a
 * shared secret reaches the database only in its sealed box.
 */
import type { SigningKeyRecord, SigningKeyStore } from '@latchkey/signatures';
import { asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { redacted } from '../database.ts';
import { type DrizzleSigningKeyStoreOptions, type SigningKeySummary, toKeyRecord, toKeyRow, toKeySummary } from '../signing-key-store.ts';
import type { PostgresDatabase } from './database.ts';
import { latchkeySigningKeys as keys } from './schema.ts';

const STORE = 'PostgresSigningKeyStore';

/**
 * Signing keys in any Drizzle Postgres database migrated with `migratePostgres()`.
 *
 * ```ts
 * const keys = new PostgresSigningKeyStore(db, { secrets: createSecretBox(process.env.LATCHKEY_SECRET_KEY!) });
 * ```
 */
export class PostgresSigningKeyStore implements SigningKeyStore {
  readonly #db: PostgresDatabase;
  readonly #secrets;
  // The one query on every signed request, prepared once.
  readonly #byId;

  /** `db`: a Drizzle Postgres database holding the table; `options.secrets`: as for `DrizzleSigningKeyStore` (default none: public keys only). */
  constructor(db: PostgresDatabase, options: DrizzleSigningKeyStoreOptions = {}) {
    this.#db = db;
    this.#secrets = options.secrets ?? null;
    this.#byId = db.select().from(keys).where(eq(keys.id, sql.placeholder('id'))).prepare('latchkey_signing_key_find');
  }

  async insert(record: SigningKeyRecord): Promise<void> {
    const row = await toKeyRow(STORE, record, this.#secrets);
    await redacted(STORE, this.#db.insert(keys).values(row));
  }

  async find(id: string): Promise<SigningKeyRecord | null> {
    const [row] = await redacted(STORE, this.#byId.execute({ id }));
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
