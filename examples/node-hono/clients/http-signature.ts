// GET and POST /api/signed with RFC 9421 HTTP Message Signatures (Ed25519). KEY_ID comes from
// `latchkey createkey demo --public-key client.pub`; PRIVATE_KEY is the matching private key.
import { readFileSync } from 'node:fs';
import { signRequest } from '@latchkey/signatures';

const origin = process.env.ORIGIN ?? 'http://localhost:8787';
const pem = readFileSync(process.env.PRIVATE_KEY ?? 'client.key', 'utf8');
const pkcs8 = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
const key = await crypto.subtle.importKey('pkcs8', pkcs8, 'Ed25519', false, ['sign']);

for (const request of [
  new Request(`${origin}/api/signed`),
  new Request(`${origin}/api/signed`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"hello":"world"}' }),
]) {
  // Covers @method @authority @path @query (and content-digest for the POST), created and a nonce.
  const signed = await signRequest(request, { keyid: process.env.KEY_ID ?? '', algorithm: 'ed25519', key });
  const response = await fetch(signed);
  console.log(request.method, response.status, await response.text());
}
