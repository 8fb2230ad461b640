/** What the parent tells a server through its environment. */
export interface ServeOptions {
  /** The seeded libSQL file, `file:…`. */
  readonly databaseUrl: string;
  /** Owner of this server's tokens; unique per server, since servers share the file. */
  readonly username: string;
}

export function serveOptionsFromEnv(env: Record<string, string | undefined>): ServeOptions {
  const { BENCH_DATABASE_URL: databaseUrl, BENCH_USERNAME: username } = env;
  if (!databaseUrl || !username) throw new Error('BENCH_DATABASE_URL and BENCH_USERNAME must be set');
  return { databaseUrl, username };
}

/**
 * Exits when the parent goes away: its end of stdin closes, even when it was killed
 * without the chance to kill its children.
 */
export function exitWithParent(onExit: () => void): void {
  process.stdin.on('end', () => {
    onExit();
    process.exit(0);
  });
  process.stdin.resume();
}
