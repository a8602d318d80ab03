/**
 * The real AWS SDK v3 clients (devDependencies) as the reference for the product's own
 * client (src/lib/aws/): what request the SDK would send for an input, and what it
 * makes of a canned HTTP answer. Nothing here reaches the network: requests are
 * captured before they are sent, and answers come from a request handler in memory.
 *
 * Each client answers with the HttpResponse class it resolves itself: the 3.11xx clients
 * (S3, SNS, DynamoDB, SFN) take theirs from @smithy/core, the older ACM PCA 3.523 client
 * from @smithy/protocol-http 3.
 */
import { Readable } from 'node:stream';
import { HttpResponse as CoreHttpResponse } from '@smithy/core/protocols';
import { HttpResponse as LegacyHttpResponse } from '@smithy/protocol-http';
import type { HttpResponse as ProductResponse } from '../../../src/lib/aws/http';
import type { HttpRequest as ProductRequest } from '../../../src/lib/aws/sigv4';

export const REGION = 'eu-west-1';
export const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
/** A CA's revocation configuration, as a request sends it and DescribeCertificateAuthority answers it. */
export const REVOCATION = {
  CrlConfiguration: {
    Enabled: true,
    ExpirationInDays: 7,
    CustomCname: 'crl.example.com',
    S3BucketName: 'pca-crl.example.com',
    S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL',
    CrlDistributionPointExtensionConfiguration: { OmitExtension: false },
  },
  OcspConfiguration: { Enabled: false },
};

export const SESSION_CREDENTIALS = { ...CREDENTIALS, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJIMEYCIQD+example=' };

/** The request an SDK middleware sees (a @smithy HttpRequest of either generation). */
export interface SdkRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

interface StackClient {
  middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void };
  send(command: unknown): Promise<unknown>;
}

/**
 * The request `client` would send for `command`, signed, as it leaves the last
 * finalizeRequest middleware (after signing and checksums), never sent: a middleware
 * added at finalizeRequest/low captures it and answers with an empty 200 instead.
 */
export async function captureSdkRequest(client: StackClient, command: unknown): Promise<SdkRequest> {
  let captured: SdkRequest | undefined;
  client.middlewareStack.add(
    () => async (args: { request: SdkRequest }) => {
      captured = args.request;
      return { response: new CoreHttpResponse({ statusCode: 200, headers: {}, body: Readable.from([]) }), output: { $metadata: {} } };
    },
    { step: 'finalizeRequest', priority: 'low', name: 'captureRequest', override: true },
  );
  await client.send(command);
  if (!captured) throw new Error('the SDK sent no request');
  return captured;
}

/** The SDK request's body as text (3.11xx clients give JSON bodies as Uint8Array). */
export function sdkBody(request: SdkRequest): string {
  const { body } = request;
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  // Read the bytes themselves: the JSON body's class overrides valueOf, which Buffer.from(body) would call.
  if (body instanceof Uint8Array) return new TextDecoder('utf-8', { fatal: true }).decode(body);
  throw new Error(`unexpected SDK body of type ${typeof body}`);
}

/** The SDK request with only scalar query values (the operations compared here have no lists). */
export function sdkQuery(request: SdkRequest): Record<string, string> {
  return Object.fromEntries(
    Object.entries(request.query).map(([name, value]) => {
      if (Array.isArray(value)) throw new Error(`query ${name} is a list`);
      return [name, value ?? ''];
    }),
  );
}

/** The form fields of an x-www-form-urlencoded body, as the exact encoded pairs. */
export function formPairs(body: string): string[] {
  return body.split('&').sort();
}

export interface CannedResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

type Generation = 'core' | 'legacy';

/** A request handler that answers every request with `response` (and counts them). */
export function cannedHandler(response: CannedResponse, generation: Generation) {
  const Response = generation === 'core' ? CoreHttpResponse : LegacyHttpResponse;
  const handler = {
    requests: 0,
    handle: async () => {
      handler.requests += 1;
      return {
        response: new Response({ statusCode: response.statusCode, headers: { ...response.headers }, body: Readable.from(response.body ? [Buffer.from(response.body, 'utf8')] : []) }),
      };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
  return handler;
}

/** The same answer as the product's transport layer hands it to `deserialize`. */
export function productResponse(response: CannedResponse): ProductResponse {
  return { statusCode: response.statusCode, headers: { ...response.headers }, body: response.body ?? '' };
}

/**
 * `output` without `$metadata` and without keys whose value is undefined, in a form
 * toEqual compares strictly: Dates become `{ $date: iso }` and bytes `{ $bytes: base64 }`,
 * so a string where the SDK gives a Date (or the reverse) is a difference.
 */
export function comparable(output: unknown): unknown {
  if (output instanceof Date) return { $date: Number.isNaN(output.getTime()) ? 'Invalid Date' : output.toISOString() };
  if (output instanceof Uint8Array) return { $bytes: Buffer.from(output.buffer, output.byteOffset, output.byteLength).toString('base64') };
  if (Array.isArray(output)) return output.map(comparable);
  if (output === null || typeof output !== 'object') return output;
  return Object.fromEntries(
    Object.entries(output)
      .filter(([key, value]) => key !== '$metadata' && value !== undefined)
      .map(([key, value]) => [key, comparable(value)]),
  );
}

/** What an SDK call rejected with (the test fails if it resolved). */
export async function sdkRejection(promise: Promise<unknown>): Promise<Error & { $fault?: string; $metadata?: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $fault?: string; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('the SDK call resolved; an error was expected');
}

/** `20150830T123600Z` → the Date it stands for. */
export function parseAmzDate(stamp: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp);
  if (!match) throw new Error(`not an x-amz-date: ${stamp}`);
  const [, y, mo, d, h, mi, s] = match;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}

/** The product's request with the SDK's date and headers, to be signed again by the product. */
export function productCopyOf(request: SdkRequest, omitHeaders: readonly string[]): ProductRequest {
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !omitHeaders.includes(name.toLowerCase())));
  return {
    method: request.method as ProductRequest['method'],
    protocol: request.protocol as ProductRequest['protocol'],
    hostname: request.hostname,
    ...(request.port ? { port: request.port } : {}),
    path: request.path,
    query: sdkQuery(request),
    headers,
    body: sdkBody(request),
  };
}
