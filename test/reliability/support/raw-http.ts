/**
 * A raw HTTP/1.1 client (node:http) for the fuzzer: it sends header lines exactly as given
 * (duplicates included, in order), any method with or without a body, and a request target that
 * may hold malformed percent escapes, none of which `fetch` allows.
 */
import http from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query, sent as is. */
  target: string;
  /** Header lines in order; `host` and `content-length` are added. */
  headers: [string, string][];
  body?: Buffer | undefined;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Set when no answer arrived: socket error or timeout (code or message). */
  error?: string;
  /** Wall time of the exchange, ms. */
  ms: number;
}

/** A keep-alive agent for `maxSockets` parallel requests. */
export function keepAliveAgent(maxSockets = 8): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}

/**
 * Sends one request to `base` and reads the whole answer.
 * @param timeoutMs no answer after this long counts as an error (`timeout`), ms.
 * @returns the answer, or `{ status: 0, error }` on a socket error or timeout (never rejects).
 */
export function sendRaw(base: URL, req: RawRequest, agent: http.Agent, timeoutMs = 30_000): Promise<RawAnswer> {
  const started = performance.now();
  const flat: string[] = ['host', base.host];
  for (const [k, v] of req.headers) flat.push(k, v);
  if (req.body !== undefined) flat.push('content-length', String(req.body.length));
  return new Promise((resolve) => {
    let settled = false;
    const done = (a: Omit<RawAnswer, 'ms'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...a, ms: performance.now() - started });
    };
    let r: http.ClientRequest;
    try {
      r = http.request({ host: base.hostname, port: base.port, method: req.method, path: req.target, headers: flat, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (e) => done({ status: 0, headers: {}, body: Buffer.alloc(0), error: e.message }));
      });
    } catch (e) {
      // The client refused to send it (e.g. an invalid header character): not a server failure.
      done({ status: -1, headers: {}, body: Buffer.alloc(0), error: `client refused: ${(e as Error).message}` });
      return;
    }
    r.setTimeout(timeoutMs, () => {
      done({ status: 0, headers: {}, body: Buffer.alloc(0), error: 'timeout' });
      r.destroy();
    });
    r.on('error', (e: NodeJS.ErrnoException) => done({ status: 0, headers: {}, body: Buffer.alloc(0), error: e.code ?? e.message }));
    r.end(req.body);
  });
}
