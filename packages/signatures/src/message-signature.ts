/**
 * RFC 9421 HTTP Message Signatures for requests: reading `Signature-Input` and `Signature`
 * (structured fields, parsed by `structured-headers`, never by hand) and rebuilding the
 * signature base (§2.5) from the request itself. Pure functions of a `Request`; policy
 * (which components, how fresh, which key) lives in `httpSignatureAuth`.
 */
import { type InnerList, type Item, parseDictionary, serializeInnerList, serializeItem } from 'structured-headers';

/** One signature on a request, as the client described it. */
export interface MessageSignature {
  readonly label: string;
  /** Covered components: name and parameters, in the client's order. */
  readonly components: readonly Item[];
  /** The inner list from `Signature-Input`, serialized again for `@signature-params`. */
  readonly params: InnerList;
  readonly created: number | null;
  readonly expires: number | null;
  readonly nonce: string | null;
  readonly keyid: string | null;
  readonly alg: string | null;
  readonly tag: string | null;
  readonly signature: Uint8Array<ArrayBuffer>;
}

/** Why the signature fields could not be read. */
export type SignatureParseProblem = 'malformed' | 'no-signature';

/**
 * The signature with `label`, or the first label present in both fields when `label` is
 * null. A field that is not a valid dictionary, a label whose input is not an inner list of
 * strings, a parameter of the wrong type, or a signature that is not a byte sequence is
 * `'malformed'`.
 */
export function readMessageSignature(request: Request, label: string | null): MessageSignature | SignatureParseProblem {
  const inputField = request.headers.get('Signature-Input');
  const signatureField = request.headers.get('Signature');
  if (inputField === null || signatureField === null) return 'malformed';
  let inputs;
  let signatures;
  try {
    inputs = parseDictionary(inputField);
    signatures = parseDictionary(signatureField);
  } catch {
    return 'malformed';
  }
  const chosen = label ?? [...inputs.keys()].find((name) => signatures.has(name));
  if (chosen === undefined) return 'no-signature';
  const input = inputs.get(chosen);
  const signature = signatures.get(chosen);
  if (!input || !signature) return 'no-signature';
  if (!Array.isArray(input[0]) || !(signature[0] instanceof ArrayBuffer)) return 'malformed';
  const params = input as InnerList;
  if (!params[0].every(([name]) => typeof name === 'string')) return 'malformed';
  const parameter = <T extends 'number' | 'string'>(name: string, type: T) => {
    const value = params[1].get(name);
    if (value === undefined) return null;
    if (typeof value !== type || (type === 'number' && !Number.isInteger(value))) throw new TypeError(name);
    return value as T extends 'number' ? number : string;
  };
  try {
    return {
      label: chosen,
      components: params[0],
      params,
      created: parameter('created', 'number'),
      expires: parameter('expires', 'number'),
      nonce: parameter('nonce', 'string'),
      keyid: parameter('keyid', 'string'),
      alg: parameter('alg', 'string'),
      tag: parameter('tag', 'string'),
      signature: new Uint8Array(signature[0]),
    };
  } catch {
    return 'malformed';
  }
}

/** Derived components (§2.2) we can compute from a `Request`. */
/** A lower-case HTTP field name (RFC 9110 token): RFC 9421 covers fields by such names. */
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

const DERIVED: Readonly<Record<string, (url: URL, request: Request) => string>> = {
  '@method': (_url, request) => request.method,
  '@target-uri': (url) => url.href,
  '@authority': (url) => url.host.toLowerCase(),
  '@scheme': (url) => url.protocol.slice(0, -1).toLowerCase(),
  '@request-target': (url) => url.pathname + url.search,
  '@path': (url) => url.pathname || '/',
  '@query': (url) => url.search || '?',
};

/** Why a signature base could not be built. */
export type BaseProblem = { readonly kind: 'unsupported' | 'missing' | 'duplicate'; readonly component: string };

/**
 * The signature base (§2.5) of `request` for `signature`: one line per covered component,
 * then `@signature-params`. Refuses what it cannot build faithfully: component parameters
 * (`sf`, `key`, `bs`, `req`, `tr`, `@query-param`), `@status` and `@signature-params`, a
 * header that is absent, a component listed twice.
 */
export function signatureBase(request: Request, signature: Pick<MessageSignature, 'components' | 'params'>): string | BaseProblem {
  const url = new URL(request.url);
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const component of signature.components) {
    const name = component[0] as string;
    const identifier = serializeItem(component);
    if (seen.has(identifier)) return { kind: 'duplicate', component: identifier };
    seen.add(identifier);
    if (component[1].size > 0) return { kind: 'unsupported', component: identifier };
    let value: string | null;
    if (name.startsWith('@')) {
      const derive = DERIVED[name];
      if (!derive) return { kind: 'unsupported', component: identifier };
      value = derive(url, request);
    } else {
      // A name that is no HTTP field name (RFC 9110 token) cannot be covered: Headers.get
      // would throw on it, turning a bad signature into a 503.
      if (!FIELD_NAME.test(name)) return { kind: 'unsupported', component: identifier };
      // Headers.get joins repeated fields with ", " and trims each value: §2.1's rule.
      value = request.headers.get(name);
    }
    if (value === null) return { kind: 'missing', component: identifier };
    lines.push(`${identifier}: ${value}`);
  }
  lines.push(`"@signature-params": ${serializeInnerList(signature.params)}`);
  return lines.join('\n');
}

/**
 * The component names a signature covers, with what `@target-uri` and `@request-target`
 * imply: a signed target URI signs its scheme, authority, path and query too.
 */
export function coveredComponents(signature: MessageSignature): Set<string> {
  const covered = new Set(signature.components.filter(([, parameters]) => parameters.size === 0).map(([name]) => name as string));
  if (covered.has('@target-uri')) for (const name of ['@scheme', '@authority', '@request-target', '@path', '@query']) covered.add(name);
  if (covered.has('@request-target')) for (const name of ['@path', '@query']) covered.add(name);
  return covered;
}
