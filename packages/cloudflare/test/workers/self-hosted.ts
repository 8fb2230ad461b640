/**
 * A Worker for self-hosted workerd: the client address comes from the header its proxy
 * sets (`X-Real-IP`), and a client's own `CF-Connecting-IP` is ignored.
 */
import { withLatchkey } from '@latchkey/cloudflare';
import { allowAny, jsonResponse } from '@latchkey/core';

export default withLatchkey(
  { fetch: (_request, _env, _ctx, auth) => jsonResponse({ clientAddress: auth.host.clientAddress ?? null }) },
  () => ({ permissions: [allowAny] }),
  { clientAddress: (request) => request.headers.get('X-Real-IP') },
);
