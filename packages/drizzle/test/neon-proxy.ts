/**
 * The piece of Neon's platform that its WebSocket driver talks to, for tests: a WebSocket
 * server that relays each connection's bytes to a Postgres server over TCP, as Neon's own
 * proxy does (without TLS or authentication, on loopback only). With it, the driver Workers
 * use (`@neondatabase/serverless` Pool and Client) runs for real against a local server.
 */
import { connect } from 'node:net';
import { WebSocketServer } from 'ws';

/** Starts the relay for the server at `port`; its port and a function to stop it. */
export async function startNeonProxy(postgresPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => {
    const tcp = connect(postgresPort, '127.0.0.1');
    tcp.on('data', (chunk) => socket.send(chunk));
    tcp.on('close', () => socket.close());
    tcp.on('error', () => socket.terminate());
    socket.on('message', (data) => tcp.write(data as Buffer));
    socket.on('close', () => tcp.end());
  });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
