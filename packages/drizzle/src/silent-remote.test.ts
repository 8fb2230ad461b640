// A remote database that accepts connections and never replies (a hung proxy, a stalled
// primary): every request that needs it must be refused with 503 within the time limit,
// never left open. The "server" is a loopback TCP socket that reads and says nothing.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createAuthEndpoints, createLatchkey, createTokenService, TimeLimitExceeded, tokenAuth } from '@latchkey/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LibsqlStores, openLibsqlStores } from './libsql.ts';

const TIMEOUT_MS = 300;
// A well-formed token (prefix and checksum), so verification reaches the store.
const tokenFromAnotherDatabase = async () => {
  const issuer = createTokenService({ store: { insert: async () => true } as never });
  const created = await issuer.create('1');
  if (!created.ok) throw new Error('not created');
  return created.token;
};

describe('a remote libSQL URL whose server accepts and never replies', () => {
  let server: Server;
  let port = 0;
  const sockets = new Set<Socket>();
  const opened: LibsqlStores[] = [];

  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.resume();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const stores of opened) stores.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  for (const url of [() => `libsql://127.0.0.1:${port}?tls=0`, () => `http://127.0.0.1:${port}`]) {
    describe(`as ${url().replace(String(port), 'PORT')}`, () => {
      const stores = async () => {
        const opening = await openLibsqlStores({ url: url(), migrate: false });
        opened.push(opening);
        return opening;
      };

      it('answers a token-authenticated request 503 within the limit', async () => {
        const { tokens: store, users } = await stores();
        const errors: unknown[] = [];
        const api = createLatchkey({
          authenticators: [tokenAuth({ tokens: createTokenService({ store }), users })],
          timeout: TIMEOUT_MS,
          onError: (error) => errors.push(error),
        });
        const request = new Request('http://app.test/', { headers: { Authorization: `Token ${await tokenFromAnotherDatabase()}` } });
        const response = await api.protect(() => new Response('in'))(request);
        expect(response.status).toBe(503);
        expect(errors).toEqual([new TimeLimitExceeded(TIMEOUT_MS)]);
      });

      it('answers a login 503 within the limit', async () => {
        const { tokens: store, users } = await stores();
        const endpoints = createAuthEndpoints({ tokens: createTokenService({ store }), users, timeout: TIMEOUT_MS, onError: () => {} });
        const response = await endpoints.handle(
          new Request('http://app.test/auth/token', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ username: 'alice', password: 'a password' }),
          }),
        );
        expect(response?.status).toBe(503);
      });

      it('answers 100 concurrent requests 503, none left open', async () => {
        const { tokens: store, users } = await stores();
        const api = createLatchkey({
          authenticators: [tokenAuth({ tokens: createTokenService({ store }), users })],
          timeout: TIMEOUT_MS,
          onError: () => {},
        });
        const token = await tokenFromAnotherDatabase();
        const statuses = await Promise.all(
          Array.from({ length: 100 }, async () => {
            const request = new Request('http://app.test/', { headers: { Authorization: `Token ${token}` } });
            return (await api.protect(() => new Response('in'))(request)).status;
          }),
        );
        expect(new Set(statuses)).toEqual(new Set([503]));
      });
    });
  }
});
