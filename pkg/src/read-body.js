// A response body read with a cap, for every request the package sends (the server API clients and
// the online checks' OCSP requests): refused at once when an uncompressed Content-Length says more
// than the cap, else read chunk by chunk from its stream and cancelled as soon as it passes the
// cap, so an endless or oversized body is never buffered whole. A response without a stream (a
// caller's fetch that returns a plain object) is read whole; the caller's limit check still runs.

/**
 * `{ bytes }` (a Uint8Array), or `{ oversize }` (the size seen) once the body passes `limit` bytes.
 * @param {{ headers?: { get?(name: string): string | null, forEach?(cb: (value: string, key: string) => void): void }, body?: { cancel?(): Promise<void>, getReader?(): ReadableStreamDefaultReader<Uint8Array> } | null,
 *   arrayBuffer?(): Promise<ArrayBuffer>, text(): Promise<string> }} res a fetch Response, or an object that looks like one
 * @param {number} limit
 * @returns {Promise<{ bytes: Uint8Array, oversize?: undefined } | { oversize: number, bytes?: undefined }>}
 */
export async function readBytes(res, limit) {
  const headers = res.headers && typeof res.headers.get === 'function' ? /** @type {{ get(name: string): string | null }} */ (res.headers) : undefined;
  // A compressed body's Content-Length is not the size it decompresses to: only trusted uncompressed.
  const declared = headers && !headers.get('content-encoding') ? Number(headers.get('content-length')) : NaN;
  if (declared > limit) {
    await res.body?.cancel?.().catch(() => {});
    return { oversize: declared };
  }
  if (!res.body || typeof res.body.getReader !== 'function') {
    if (typeof res.arrayBuffer === 'function') return { bytes: new Uint8Array(await res.arrayBuffer()) };
    return { bytes: new TextEncoder().encode(await res.text()) };
  }
  const reader = res.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return { oversize: size };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { bytes };
}
