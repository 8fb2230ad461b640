// The few parts of the `hawk` package (a dev dependency, the tests' independent client) they use.
declare module 'hawk' {
  interface Credentials { id: string; key: string; algorithm: 'sha1' | 'sha256' }
  interface HeaderOptions { credentials: Credentials; timestamp?: number; nonce?: string | undefined; ext?: string | undefined; payload?: string; contentType?: string }
  interface Artifacts { ts: number; nonce: string; [name: string]: unknown }
  interface ResponseLike { headers: Record<string, string | null | undefined> }
  const Hawk: {
    client: {
      header(uri: string, method: string, options: HeaderOptions): { header: string; artifacts: Artifacts };
      authenticate(response: ResponseLike, credentials: Credentials, artifacts: Artifacts, options?: { payload?: string; required?: boolean }): { headers: Record<string, Record<string, string>> };
    };
  };
  export default Hawk;
}
