// DrizzleSigningKeyStore on libSQL: the conformance suite in memory and in a file, then what
// the table must guarantee beyond it: no shared secret on disk, sealed to its own row, and a
// signed request admitted end to end through a key created in the database.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretBox, httpSignatureAuth, newSigningKey } from '@latchkey/signatures';
import { signingKeyStoreConformance } from '@latchkey/signatures/testing';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openLibsqlStores, type LibsqlStores } from './libsql.ts';
import { DrizzleSigningKeyStore } from './signing-key-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'latchkey-keys-'));
const open: LibsqlStores[] = [];
let files = 0;
afterEach(() => {
  for (const stores of open.splice(0)) stores.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const secrets = createSecretBox(new Uint8Array(32).fill(7));

async function storeAt(url: string) {
  const stores = await openLibsqlStores({ url, secrets });
  open.push(stores);
  return { stores, keys: stores.signingKeys };
}

describe('DrizzleSigningKeyStore passes the SigningKeyStore conformance suite', () => {
  describe('libSQL :memory:', () => {
    for (const c of signingKeyStoreConformance(async () => (await storeAt(':memory:')).keys)) it(c.name, c.run);
  });
  describe('libSQL file', () => {
    for (const c of signingKeyStoreConformance(async () => (await storeAt(`file:${join(dir, `conf-${++files}.db`)}`)).keys)) it(c.name, c.run);
  });
});

describe('DrizzleSigningKeyStore at rest', () => {
  it('never writes a shared secret to the file, only its sealed box; public keys as they are', async () => {
    const path = join(dir, 'at-rest.db');
    const { stores, keys } = await storeAt(`file:${path}`);
    const hawk = await newSigningKey({ userId: '1', algorithm: 'hmac-sha256' });
    await keys.insert(hawk.record);
    const row = await stores.db.get<{ key: string }>(sql`select key from latchkey_signing_keys where id = ${hawk.record.id}`);
    expect(row?.key).not.toContain(hawk.secret!);
    expect(atob(row!.key)).not.toContain(hawk.secret!);
    stores.close();
    const file = [path, `${path}-wal`].filter(existsSync).map((name) => readFileSync(name).toString('latin1')).join('');
    expect(file).not.toContain(hawk.secret!);
    expect(file).toContain(row!.key);
  });

  it('a sealed secret copied onto another key\'s row does not open (the id is bound in)', async () => {
    const { stores, keys } = await storeAt(':memory:');
    const one = await newSigningKey({ userId: '1', algorithm: 'hmac-sha256' });
    const two = await newSigningKey({ userId: '2', algorithm: 'hmac-sha256' });
    await keys.insert(one.record);
    await keys.insert(two.record);
    await stores.db.run(sql`update latchkey_signing_keys set key = (select key from latchkey_signing_keys where id = ${one.record.id}) where id = ${two.record.id}`);
    await expect(keys.find(two.record.id)).rejects.toThrow();
  });

  it('without a secret box, refuses to store or load a shared secret, and keeps public keys working', async () => {
    const { stores } = await storeAt(':memory:');
    const plain = new DrizzleSigningKeyStore(stores.db);
    await expect(plain.insert((await newSigningKey({ userId: '1', algorithm: 'hmac-sha256' })).record)).rejects.toThrow(/secrets option/);
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
    const { record } = await newSigningKey({ userId: '1', algorithm: 'ed25519', publicKey: spki });
    await plain.insert(record);
    expect((await plain.find(record.id))?.key).toEqual(spki);
  });

  it('a key from the database verifies a signed request; revoked, it no longer does', async () => {
    const { stores, keys } = await storeAt(':memory:');
    const alice = (await stores.users.createUser({ username: 'alice', passwordHash: null }))!;
    const { record, secret } = await newSigningKey({ userId: alice.id, algorithm: 'hmac-sha256' });
    await keys.insert(record);
    const auth = httpSignatureAuth({ keys, users: stores.users, now: () => 1_750_000_000_000 });
    const base = `"@method": GET\n"@authority": api.example.com\n"@path": /x\n"@query": ?\n"@signature-params": ("@method" "@authority" "@path" "@query");created=1750000000;keyid="${record.id}";nonce="n1"`;
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret!), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(base)));
    const request = () => new Request('https://api.example.com/x', { headers: {
      'Signature-Input': `sig1=("@method" "@authority" "@path" "@query");created=1750000000;keyid="${record.id}";nonce="n1"`,
      Signature: `sig1=:${btoa(String.fromCharCode(...mac))}:`,
    } });
    expect((await auth.authenticate(request(), {})).outcome).toBe('success');
    expect(await keys.delete(record.id)).toBe(true);
    const again = await auth.authenticate(request(), {});
    expect(again.outcome === 'fail' && again.error.detail).toBe('Unknown key.');
  });
});
