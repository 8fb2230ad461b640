// GET and POST /api/signed with Hawk. KEY_ID and KEY come from `latchkey createkey demo --hawk`.
import { hawkAuthorization } from '@latchkey/signatures';

const origin = process.env.ORIGIN ?? 'http://localhost:8787';
const credentials = { id: process.env.KEY_ID ?? '', key: process.env.KEY ?? '' };

for (const request of [
  new Request(`${origin}/api/signed`),
  new Request(`${origin}/api/signed`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"hello":"world"}' }),
]) {
  // Signs method, path, host, port, a timestamp, a nonce and (for the POST) a hash of the body.
  request.headers.set('Authorization', await hawkAuthorization(request, credentials));
  const response = await fetch(request);
  console.log(request.method, response.status, await response.text());
}
