// Modules the package's own JS imports that have no types here. For type-checking this package's
// JS only (tsconfig.json): not shipped.

// The part of the `pg` driver that `iap-verify db migrate` uses (src/db-cli.js imports it when
// run; it is the caller's optional peer dependency, and its own types are not installed here).
declare module 'pg' {
  interface Client {
    connect(): Promise<void>;
    query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
    end(): Promise<void>;
  }
  const pg: { Client: new (config: { connectionString: string }) => Client };
  export default pg;
}

// workerd.mjs imports the module compiled (Cloudflare's rule for `.wasm` imports).
declare module '*.wasm' {
  const compiled: WebAssembly.Module;
  export default compiled;
}
