/**
 * The client side, for apps and tests that call a Latchkey API: sign a `Request` with RFC
 * 9421 (and its body with `Content-Digest`), or give it a Hawk `Authorization` header. Web
 * Crypto only, so a browser, a Worker or a CLI can use it. The server never needs these.
 */
import { bytesToBase64 } from '@latchkey/core';
import { type InnerList, type Item, serializeDictionary } from 'structured-headers';
import { type SignatureAlgorithm, signatureParams } from './algorithms.ts';
import { contentDigest } from './content-digest.ts';
import { HAWK_VALUE, hawkMac, hawkPayloadHash, requestArtifacts } from './hawk.ts';
import { DEFAULT_REQUIRED_COMPONENTS } from './http-signature-auth.ts';
import { signatureBase } from './message-signature.ts';

const randomNonce = () => bytesToBase64(crypto.getRandomValues(new Uint8Array(16))).replace(/[+/=]/g, '');

/** Options for `signRequest`. */
export interface SignRequestOptions {
  /** The `keyid` the server knows the key by. */
  readonly keyid: string;
  readonly algorithm: SignatureAlgorithm;
  /** The private key (Web Crypto, usage `sign`); for `hmac-sha256`, the shared secret string. */
  readonly key: CryptoKey | string;
  /** Covered components. Default the server's default: `@method @authority @path @query`, plus `content-digest` with a body. */
  readonly components?: readonly string[];
  /** Seconds since the epoch. Default now. */
  readonly created?: number;
  /** Default 16 random bytes. */
  readonly nonce?: string;
  /** Default `"sig1"`. */
  readonly label?: string;
}

/**
 * `request` with `Signature-Input` and `Signature` (and `Content-Digest` when it has a
 * body). The body is read from a clone, so the returned request still carries it.
 */
export async function signRequest(request: Request, options: SignRequestOptions): Promise<Request> {
  const headers = new Headers(request.headers);
  const body = request.body === null ? null : new Uint8Array(await request.clone().arrayBuffer());
  if (body !== null) headers.set('Content-Digest', await contentDigest(body));
  const components = options.components ?? [...DEFAULT_REQUIRED_COMPONENTS, ...(body === null ? [] : ['content-digest'])];
  const params: InnerList = [
    components.map((name): Item => [name, new Map()]),
    new Map<string, string | number>([
      ['created', options.created ?? Math.floor(Date.now() / 1000)],
      ['keyid', options.keyid],
      ['alg', options.algorithm],
      ['nonce', options.nonce ?? randomNonce()],
    ]),
  ];
  const draft = new Request(request.url, { method: request.method, headers });
  const base = signatureBase(draft, { components: params[0], params });
  if (typeof base !== 'string') throw new TypeError(`signRequest: cannot cover ${base.component} (${base.kind})`);
  const key = typeof options.key === 'string'
    ? await crypto.subtle.importKey('raw', new TextEncoder().encode(options.key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    : options.key;
  const signature = await crypto.subtle.sign(signatureParams(options.algorithm), key, new TextEncoder().encode(base));
  const label = options.label ?? 'sig1';
  headers.set('Signature-Input', serializeDictionary(new Map([[label, params]])));
  headers.set('Signature', serializeDictionary(new Map([[label, [signature, new Map()]]])));
  return new Request(request.url, { method: request.method, headers, body, redirect: request.redirect, signal: request.signal });
}

/** Options for `hawkAuthorization`. */
export interface HawkClientOptions {
  /** Seconds since the epoch. Default now (plus a correction learnt from a stale-timestamp answer). */
  readonly ts?: number;
  /** Default random. */
  readonly nonce?: string;
  readonly ext?: string;
  /** Whether to hash the body into `hash`. Default true when there is a body. */
  readonly payload?: boolean;
}

/** The `Authorization: Hawk …` value for `request` under credentials `{ id, key }`. */
export async function hawkAuthorization(request: Request, credentials: { readonly id: string; readonly key: string }, options: HawkClientOptions = {}): Promise<string> {
  if (!HAWK_VALUE.test(credentials.id) || (options.ext !== undefined && !HAWK_VALUE.test(options.ext))) {
    throw new RangeError('hawkAuthorization: the id or ext has characters Hawk cannot carry');
  }
  const ts = String(options.ts ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomNonce().slice(0, 8);
  const hash = request.body !== null && options.payload !== false
    ? await hawkPayloadHash(new Uint8Array(await request.clone().arrayBuffer()), request.headers.get('Content-Type'))
    : undefined;
  const artifacts = requestArtifacts(request, { ts, nonce, hash, ext: options.ext });
  const mac = await hawkMac(new TextEncoder().encode(credentials.key), 'header', artifacts);
  return `Hawk id="${credentials.id}", ts="${ts}", nonce="${nonce}"${hash ? `, hash="${hash}"` : ''}${options.ext ? `, ext="${options.ext}"` : ''}, mac="${mac}"`;
}
