/**
 * Where the client's address comes from. Hosts differ: Bun, Deno and Node see the socket's
 * peer (adapters pass it as `HostContext.clientAddress`), Workers get `CF-Connecting-IP`,
 * and behind a proxy the peer is the proxy. Pick the source that matches your deployment.
 *
 * When a request's address is unknown (a bare `handle(request)` with no host context, a
 * source that finds nothing), address-keyed throttles do not count it. The alternative, one
 * shared "unknown" bucket, would let anyone lock every caller out with a handful of bad
 * requests. The login endpoints still count by username then, and the first such request
 * prints one warning, since a deployment that never has addresses has no address limits.
 */
import type { HostContext } from '../schemes/authenticator.ts';

/** Finds the client's address for a request; null when unknown. */
export type ClientAddressSource = (request: Request, host: HostContext) => string | null;

/** The socket peer address the adapter saw. The default. */
export const peerAddress: ClientAddressSource = (_request, host) => host.clientAddress ?? null;

/**
 * The value of a header a trusted proxy sets, such as `CF-Connecting-IP` on Cloudflare.
 * Trust it only when the proxy always overwrites the header.
 */
export function addressFromHeader(name: string): ClientAddressSource {
  return (request) => request.headers.get(name)?.trim() || null;
}

/**
 * DRF's NUM_PROXIES: with `proxies` trusted proxies in front, the client is the address
 * that many entries from the right of `X-Forwarded-For`. Entries further left were written
 * by the client and are ignored.
 */
export function addressFromForwardedFor(proxies: number): ClientAddressSource {
  if (!Number.isInteger(proxies) || proxies < 1) throw new RangeError('proxies must be a positive integer');
  return (request, host) => {
    const entries = (request.headers.get('X-Forwarded-For') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    return entries.length >= proxies ? entries[entries.length - proxies]! : (host.clientAddress ?? null);
  };
}

let warned = false;

/**
 * The address of a request for an address-keyed throttle, or null (not counted) when
 * unknown, with one warning per process the first time that happens.
 */
export function throttledAddress(source: ClientAddressSource, request: Request, host: HostContext): string | null {
  const address = source(request, host);
  if (address === null && !warned) {
    warned = true;
    console.warn(
      '[latchkey] a request came without a client address: address-keyed throttles skip such requests. ' +
        "Adapters pass the host's address; elsewhere pass one in the host context or set clientAddress.",
    );
  }
  return address;
}
