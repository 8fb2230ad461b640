/**
 * The Hawk wire format, as its reference implementation defines it (header version 1):
 * the `Authorization: Hawk id="…", ts="…", nonce="…", hash="…", ext="…", mac="…"` header,
 * the normalized string the MAC covers, and the payload hash. Pure functions; the policy
 * is in `hawkAuth`.
 */
import { bytesToBase64 } from '@latchkey/core';
import { hmacSha256 } from './algorithms.ts';

/** Attribute names the reference parser accepts; `app` and `dlg` are Oz's. */
const ATTRIBUTES = new Set(['id', 'ts', 'nonce', 'hash', 'ext', 'mac', 'app', 'dlg']);
/** Printable ASCII without `"` and `\`: the reference's allowed attribute characters. */
export const HAWK_VALUE = /^[ \w!#$%&'()*+,\-./:;<=>?@[\]^`{|}~]*$/;
/** Same limit as the reference, so matching a hostile header stays cheap. */
const MAX_HEADER = 4096;

/** The parsed `Authorization: Hawk …` attributes. */
export type HawkAttributes = Readonly<Partial<Record<'id' | 'ts' | 'nonce' | 'hash' | 'ext' | 'mac' | 'app' | 'dlg', string>>>;

/** What `readHawkHeader` found. */
export type HawkHeader = { readonly kind: 'absent' } | { readonly kind: 'malformed'; readonly detail: string } | { readonly kind: 'hawk'; readonly attributes: HawkAttributes };

/** Reads `Authorization: Hawk …`; `absent` for no header or another scheme. */
export function readHawkHeader(request: Request): HawkHeader {
  const header = request.headers.get('Authorization');
  if (header === null) return { kind: 'absent' };
  const match = /^(\w+)(?:\s+([\s\S]*))?$/.exec(header.trim());
  if (!match || match[1]!.toLowerCase() !== 'hawk') return { kind: 'absent' };
  if (header.length > MAX_HEADER) return { kind: 'malformed', detail: 'Header length too long' };
  const rest = match[2] ?? '';
  const attributes: Record<string, string> = {};
  const pattern = /(\w+)="([^"\\]*)"\s*(?:,\s*|$)/y;
  let position = 0;
  while (position < rest.length) {
    pattern.lastIndex = position;
    const attribute = pattern.exec(rest);
    if (!attribute) return { kind: 'malformed', detail: 'Bad header format' };
    const [, name, value] = attribute as unknown as [string, string, string];
    if (!ATTRIBUTES.has(name)) return { kind: 'malformed', detail: `Unknown attribute: ${name}` };
    if (!HAWK_VALUE.test(value)) return { kind: 'malformed', detail: `Bad attribute value: ${name}` };
    if (Object.hasOwn(attributes, name)) return { kind: 'malformed', detail: `Duplicate attribute: ${name}` };
    attributes[name] = value;
    position = pattern.lastIndex;
  }
  if (position === 0) return { kind: 'malformed', detail: 'Invalid header syntax' };
  return { kind: 'hawk', attributes };
}

/** What a Hawk MAC covers besides the type. */
export interface HawkArtifacts {
  readonly ts: string;
  readonly nonce: string;
  readonly method: string;
  /** Path and query. */
  readonly resource: string;
  readonly host: string;
  readonly port: string;
  readonly hash?: string | undefined;
  readonly ext?: string | undefined;
  readonly app?: string | undefined;
  readonly dlg?: string | undefined;
}

/** The method, resource, host and port of `request` as Hawk normalizes them. */
export function requestArtifacts(request: Request, attributes: HawkAttributes): HawkArtifacts {
  const url = new URL(request.url);
  return {
    ts: attributes.ts ?? '',
    nonce: attributes.nonce ?? '',
    method: request.method,
    resource: url.pathname + url.search,
    host: url.hostname,
    port: url.port || (url.protocol === 'https:' ? '443' : '80'),
    hash: attributes.hash,
    ext: attributes.ext,
    app: attributes.app,
    dlg: attributes.dlg,
  };
}

/** The normalized string: `hawk.1.<type>` and the artifacts, one per line. */
export function hawkNormalizedString(type: 'header' | 'response', artifacts: HawkArtifacts): string {
  let normalized = `hawk.1.${type}\n${artifacts.ts}\n${artifacts.nonce}\n${artifacts.method.toUpperCase()}\n${artifacts.resource}\n`
    + `${artifacts.host.toLowerCase()}\n${artifacts.port}\n${artifacts.hash ?? ''}\n`;
  if (artifacts.ext) normalized += artifacts.ext.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  normalized += '\n';
  if (artifacts.app) normalized += `${artifacts.app}\n${artifacts.dlg ?? ''}\n`;
  return normalized;
}

/** Base64 HMAC-SHA256 of the normalized string. */
export async function hawkMac(key: Uint8Array<ArrayBuffer> | CryptoKey, type: 'header' | 'response', artifacts: HawkArtifacts): Promise<string> {
  return bytesToBase64(await hmacSha256(key, new TextEncoder().encode(hawkNormalizedString(type, artifacts))));
}

/** Base64 SHA-256 of `hawk.1.payload`, the media type (lowercase, no parameters) and the body. */
export async function hawkPayloadHash(body: Uint8Array<ArrayBuffer>, contentType: string | null): Promise<string> {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const head = new TextEncoder().encode(`hawk.1.payload\n${mediaType}\n`);
  const input = new Uint8Array(head.length + body.length + 1);
  input.set(head);
  input.set(body, head.length);
  input[input.length - 1] = 0x0a;
  return bytesToBase64(new Uint8Array(await crypto.subtle.digest('SHA-256', input)));
}

/** The MAC of a server timestamp, which lets a client trust the time in a stale-timestamp answer. */
export async function hawkTimestampMac(key: Uint8Array<ArrayBuffer> | CryptoKey, ts: number): Promise<string> {
  return bytesToBase64(await hmacSha256(key, new TextEncoder().encode(`hawk.1.ts\n${ts}\n`)));
}
