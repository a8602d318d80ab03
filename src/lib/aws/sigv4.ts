/**
 * AWS Signature Version 4 with node:crypto, for the requests this client sends:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 *
 * Every header of the request is signed. S3 gets `x-amz-content-sha256` and a path that
 * is not encoded a second time; other services get their path encoded twice, as the
 * specification says.
 */
import { createHash, createHmac } from 'node:crypto';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface HttpRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
  protocol: 'https:' | 'http:';
  hostname: string;
  port?: number;
  /** Already URI-encoded, e.g. `/crl/ab%20c.crl`. */
  path: string;
  /** Decoded names and values; encoded when the request is signed and sent. */
  query: Record<string, string>;
  /** Lowercase names. */
  headers: Record<string, string>;
  body: string;
}

export interface SigningScope {
  /** The signing name: s3, acm-pca, sns, dynamodb, states. */
  service: string;
  region: string;
}

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalQuery(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** `20261121T101500Z` */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

const signingKeys = new Map<string, Buffer>();

function signingKey(secret: string, day: string, scope: SigningScope): Buffer {
  const cacheKey = `${secret}\n${day}\n${scope.region}\n${scope.service}`;
  const cached = signingKeys.get(cacheKey);
  if (cached) return cached;
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), scope.region), scope.service), 'aws4_request');
  if (signingKeys.size > 16) signingKeys.clear();
  signingKeys.set(cacheKey, key);
  return key;
}

/** The canonical request of `request` (exported for the tests). */
export function canonicalRequest(request: HttpRequest, service: string): { text: string; signedHeaders: string } {
  const names = Object.keys(request.headers).map((name) => name.toLowerCase()).sort();
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const canonicalHeaders = names.map((name) => `${name}:${String(headers[name]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  // S3 paths are encoded once; every other service's are encoded again.
  const path = service === 's3' ? request.path : request.path.split('/').map(uriEncode).join('/');
  const payloadHash = headers['x-amz-content-sha256'] ?? sha256Hex(request.body);
  return { text: [request.method, path || '/', canonicalQuery(request.query), canonicalHeaders, signedHeaders, payloadHash].join('\n'), signedHeaders };
}

/**
 * Sign `request` in place at `date`: sets host, x-amz-date, x-amz-security-token (with a
 * session token), x-amz-content-sha256 (S3) and authorization.
 */
export function signRequest(request: HttpRequest, credentials: Credentials, scope: SigningScope, date: Date): HttpRequest {
  const stamp = amzDate(date);
  const day = stamp.slice(0, 8);
  delete request.headers.authorization;
  request.headers.host = request.port ? `${request.hostname}:${request.port}` : request.hostname;
  request.headers['x-amz-date'] = stamp;
  if (credentials.sessionToken) request.headers['x-amz-security-token'] = credentials.sessionToken;
  if (scope.service === 's3') request.headers['x-amz-content-sha256'] = sha256Hex(request.body);
  const { text, signedHeaders } = canonicalRequest(request, scope.service);
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, credentialScope, sha256Hex(text)].join('\n');
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, day, scope)).update(stringToSign, 'utf8').digest('hex');
  request.headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return request;
}
