/**
 * One HTTP exchange over node:http(s), with kept-alive connections (a Lambda container
 * reuses them between invocations) and a socket timeout that rejects with `TimeoutError`.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { RequestTimeout } from './errors';
import { canonicalQuery, type HttpRequest } from './sigv4';

export interface HttpResponse {
  statusCode: number;
  /** Lowercase names. */
  headers: Record<string, string>;
  body: string;
}

/** Default: no answer for 10 s, on connecting or between bytes, is a timeout (retried). */
export const DEFAULT_TIMEOUT_MS = 10_000;

const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 50 });
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 50 });

export function sendHttp(request: HttpRequest, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<HttpResponse> {
  const query = canonicalQuery(request.query);
  const secure = request.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(
      {
        method: request.method,
        protocol: request.protocol,
        hostname: request.hostname,
        port: request.port,
        path: query ? `${request.path}?${query}` : request.path,
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        agent: secure ? httpsAgent : httpAgent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({ statusCode: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new RequestTimeout(`no answer from ${request.hostname} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body);
  });
}
