/**
 * Signing keys: one signs, all verify, each named by its `kid`.
 *
 * - The algorithm belongs to the key, never to the token: a token verifies only with the key
 *   its `kid` names and only if its `alg` is that key's. An RS256 public key can then never
 *   be used as an HS256 secret (the algorithm-confusion attack), and `alg: "none"` never
 *   matches a key.
 * - Keys are imported once per key set (lazily, on first use, since Web Crypto's import is
 *   asynchronous) and never per request.
 * - Rotation: put the new key first (it signs) and keep the old ones until the last token
 *   they signed has expired. Only asymmetric public keys are published in the JWKS; an HS256
 *   secret never leaves the server.
 */
import { type CryptoKey, errors, exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, type JWSHeaderParameters } from 'jose';

/** The asymmetric algorithms a key may use; their public keys are published. */
export type AsymmetricAlgorithm = 'EdDSA' | 'ES256' | 'RS256';

/** A JWT signing algorithm this package signs and verifies with. */
export type SigningAlgorithm = 'HS256' | AsymmetricAlgorithm;

/** One key, as configuration holds it (JSON, so it can live in an environment variable). */
export type KeyInput =
  | {
      /** Names the key in every token's header. */
      readonly kid: string;
      readonly alg: 'HS256';
      /** At least 32 bytes (RFC 7518 §3.2: a key as long as the hash). A string is taken as UTF-8. */
      readonly secret: string | Uint8Array;
    }
  | {
      readonly kid: string;
      readonly alg: AsymmetricAlgorithm;
      /** The private JWK (with `d`): this key can sign. Its public half is derived from it. */
      readonly privateJwk: JWK;
    }
  | {
      readonly kid: string;
      readonly alg: AsymmetricAlgorithm;
      /** A public JWK only: this key verifies tokens signed elsewhere, and never signs. */
      readonly publicJwk: JWK;
    };

/** Options for `createKeySet`. */
export interface KeySetOptions {
  /** Every key that verifies. Required, at least one, `kid`s unique. */
  readonly keys: readonly KeyInput[];
  /** The `kid` of the key that signs new tokens. Default the first key that can sign. */
  readonly signingKid?: string;
}

interface ImportedKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly verify: CryptoKey | Uint8Array;
  readonly sign: CryptoKey | Uint8Array | null;
  readonly publicJwk: JWK | null;
}

/** Keys ready to sign and verify. */
export interface KeySet {
  /** The `kid` of the key that signs. */
  readonly signingKid: string;
  /** The algorithms of the configured keys: the only ones a token may use. */
  readonly algorithms: readonly SigningAlgorithm[];
  /** The signing key and its header values. */
  signingKey(): Promise<{ readonly kid: string; readonly alg: SigningAlgorithm; readonly key: CryptoKey | Uint8Array }>;
  /**
   * The key for a token's protected header (jose's key resolver). Throws jose's
   * `JWKSNoMatchingKey` for an unknown `kid` or an `alg` that is not that key's.
   */
  verificationKey(header: JWSHeaderParameters): Promise<CryptoKey | Uint8Array>;
  /** The public keys as a JWK Set (RFC 7517), for `/.well-known/jwks.json`. */
  jwks(): Promise<JSONWebKeySet>;
}

const MIN_SECRET_BYTES = 32;
const KID = /^[\x21-\x7e]{1,128}$/;
// Members that make a JWK private (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2).
const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

/** The public half of a JWK: the private members removed. */
function publicPart(jwk: JWK): JWK {
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_MEMBERS.has(name))) as JWK;
}

function assertKeyInput(input: KeyInput): void {
  if (!KID.test(input.kid)) throw new RangeError('createKeySet: kid must be 1-128 printable ASCII characters');
  if (input.alg === 'HS256') {
    const bytes = typeof input.secret === 'string' ? new TextEncoder().encode(input.secret) : input.secret;
    if (!(bytes instanceof Uint8Array) || bytes.length < MIN_SECRET_BYTES) {
      throw new RangeError(`createKeySet: an HS256 secret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
  } else if (!['EdDSA', 'ES256', 'RS256'].includes(input.alg)) {
    throw new RangeError(`createKeySet: unsupported algorithm for key "${input.kid}"`);
  } else if ('privateJwk' in input) {
    if (typeof input.privateJwk?.d !== 'string') throw new TypeError(`createKeySet: privateJwk of "${input.kid}" has no private part`);
  } else if (typeof input.publicJwk !== 'object' || input.publicJwk === null || 'd' in input.publicJwk) {
    throw new TypeError(`createKeySet: publicJwk of "${input.kid}" must be a public JWK`);
  }
}

async function importKey(input: KeyInput): Promise<ImportedKey> {
  const { kid, alg } = input;
  if (input.alg === 'HS256') {
    const secret = typeof input.secret === 'string' ? new TextEncoder().encode(input.secret) : Uint8Array.from(input.secret);
    return { kid, alg, verify: secret, sign: secret, publicJwk: null };
  }
  // kid, alg and use are the configuration's, put last in one order whatever the JWK held.
  const { kid: _kid, alg: _alg, use: _use, key_ops: _ops, ...material } = publicPart('privateJwk' in input ? input.privateJwk : input.publicJwk);
  const publicJwk: JWK = { ...material, kid, alg, use: 'sig' };
  const verify = (await importJWK(publicJwk, alg)) as CryptoKey;
  const sign = 'privateJwk' in input ? ((await importJWK({ ...input.privateJwk, kid, alg }, alg)) as CryptoKey) : null;
  return { kid, alg, verify, sign, publicJwk };
}

/**
 * Builds a key set. Bad configuration throws here (`TypeError`/`RangeError`); keys are
 * imported on first use, once.
 *
 * @example
 * const keys = createKeySet({ keys: [{ kid: '2026-12', alg: 'EdDSA', privateJwk }, { kid: '2026-06', alg: 'EdDSA', publicJwk: old }] });
 */
export function createKeySet(options: KeySetOptions): KeySet {
  const inputs = options?.keys;
  if (!Array.isArray(inputs) || inputs.length === 0) throw new TypeError('createKeySet: keys must be a non-empty array');
  inputs.forEach(assertKeyInput);
  const kids = inputs.map((input) => input.kid);
  if (new Set(kids).size !== kids.length) throw new RangeError('createKeySet: kids must be unique');
  const canSign = (input: KeyInput) => input.alg === 'HS256' || 'privateJwk' in input;
  const signingKid = options.signingKid ?? inputs.find(canSign)?.kid;
  const signer = inputs.find((input) => input.kid === signingKid);
  if (!signer || !canSign(signer)) throw new RangeError('createKeySet: the signing key must exist and hold a secret or a private key');

  let imported: Promise<ReadonlyMap<string, ImportedKey>> | null = null;
  const keys = () => {
    // A failed import (a malformed JWK) is not remembered, so a fixed configuration recovers.
    imported ??= Promise.all(inputs.map(importKey)).then(
      (list) => new Map(list.map((key) => [key.kid, key])),
      (error: unknown) => {
        imported = null;
        throw error;
      },
    );
    return imported;
  };

  return {
    signingKid: signer.kid,
    algorithms: [...new Set(inputs.map((input) => input.alg))],
    async signingKey() {
      const key = (await keys()).get(signer.kid)!;
      return { kid: key.kid, alg: key.alg, key: key.sign! };
    },
    async verificationKey(header) {
      const key = typeof header.kid === 'string' ? (await keys()).get(header.kid) : undefined;
      if (!key || key.alg !== header.alg) throw new errors.JWKSNoMatchingKey();
      return key.verify;
    },
    async jwks() {
      const published = [...(await keys()).values()].flatMap((key) => (key.publicJwk ? [key.publicJwk] : []));
      return { keys: published };
    },
  };
}

/**
 * A new asymmetric key pair as a private JWK (for `createKeySet`'s `privateJwk`): for
 * development, tests and first setup. Store it as a secret; its public half is derived.
 */
export async function generateSigningKey(alg: AsymmetricAlgorithm = 'EdDSA'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  return exportJWK(privateKey);
}
