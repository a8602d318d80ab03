/**
 * AWS over real HTTP on 127.0.0.1, answered from a simulated account: the wire face of
 * the services the packaged Lambda bundles call, so that a bundle run in a child Node
 * process with `AWS_ENDPOINT_URL=<face.url>` goes through the AWS SDK inside it (its
 * signer, HTTP handler, serializers and parsers) exactly as it would against AWS.
 *
 * The protocols are read and written by the simulated account's own codec
 * (src/workstation/local/wire.ts). S3, ACM PCA and SNS are answered by `SimulatedAccount.send`; Step
 * Functions' StartExecution by the face itself (the simulated account does not model
 * it), with the service's idempotency: the same name and input answer the same
 * execution, the same name with another input is ExecutionAlreadyExists.
 *
 * Every request must be signed as AWS requires, and the signature is verified here with
 * an implementation of SigV4 independent of the SDK's: the access key, the scope (date,
 * region, signing name), `x-amz-date` within 15 minutes, the session token,
 * `x-amz-content-sha256` equal to the body's SHA-256 for S3, a correct `content-md5` or
 * `x-amz-checksum-*` on PutBucketPolicy, every `x-amz-*` header signed, and the signature
 * itself over the request as received. Anything else is answered 403 in the protocol's
 * own error format and recorded in `rejections`, so a broken signer fails its test.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { ServiceName } from '../../src/lambda/aws/clients/registry';
import type { SimulatedAccount } from '../../src/workstation/local/simulated-account';
import { answerWire, WireError, type Route, type WireRequest } from '../../src/workstation/local/wire';

export interface FaceCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface FaceOptions {
  account: SimulatedAccount;
  credentials: FaceCredentials;
  /** Default us-east-1. */
  region?: string;
  /** How far `x-amz-date` may be from the face's clock (AWS allows 15 minutes). */
  maxSkewMs?: number;
}

/** One request the face answered (signature accepted). */
export interface FaceCall {
  service: ServiceName;
  operation: string;
  /** The operation's input as read off the wire. */
  input: Record<string, unknown>;
  status: number;
  /** The AWS error code answered, when the call failed. */
  error?: string;
  method: string;
  path: string;
}

/** A request refused before reaching the account: unsigned, badly signed, or not a request AWS would understand. */
export interface FaceRejection {
  method: string;
  url: string;
  service: string;
  code: string;
  reason: string;
}

export interface StartedExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  /** The execution input, parsed. */
  input: unknown;
  startDate: Date;
}

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

type ReceivedRequest = WireRequest;

/** RFC 3986 percent-encoding (unreserved characters kept), as SigV4 canonicalises. */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function header(request: ReceivedRequest, name: string): string | undefined {
  return request.headers[name];
}

/** The headers as one string each, lower-case names (Node joins repeated ones with a comma). */
function flatHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value!]),
  );
}

export class AwsHttpFace {
  /** Every call answered, in order (whatever the answer). */
  readonly calls: FaceCall[] = [];
  /** Every request refused before the account saw it. */
  readonly rejections: FaceRejection[] = [];
  /** StartExecution calls that started an execution. */
  readonly executions: StartedExecution[] = [];
  /** The account that answers; may be replaced between invocations. */
  account: SimulatedAccount;
  readonly region: string;
  readonly #credentials: FaceCredentials;
  readonly #maxSkewMs: number;
  readonly #server: Server;
  #url = '';

  constructor(options: FaceOptions) {
    this.account = options.account;
    this.region = options.region ?? 'us-east-1';
    this.#credentials = options.credentials;
    this.#maxSkewMs = options.maxSkewMs ?? 15 * 60_000;
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = req.url ?? '/';
        const mark = url.indexOf('?');
        const request: ReceivedRequest = {
          method: req.method ?? 'GET',
          hostname: (req.headers.host ?? '').replace(/:\d+$/, ''),
          path: mark === -1 ? url : url.slice(0, mark),
          query: mark === -1 ? '' : url.slice(mark + 1),
          headers: flatHeaders(req.headers),
          body: Buffer.concat(chunks),
        };
        this.#handle(request, res).catch((error: unknown) => {
          // A fault of the face itself: recorded, so that no test passes over it.
          this.#reject(request, 'face', new WireError('FaceFailure', 500, String(error)));
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`face failure: ${String(error)}`);
        });
      });
    });
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return this.#url;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ---- Answering ----

  async #handle(request: ReceivedRequest, res: ServerResponse): Promise<void> {
    const answer = await answerWire(request, (decoded) => this.#call(decoded.route.service, decoded.operation, decoded.input, request), {
      verify: (received, route) => {
        try {
          return this.#verify(received, route);
        } catch (error) {
          // A path or query that does not even decode.
          return new WireError('InvalidRequest', 400, `the request cannot be read: ${String(error)}`);
        }
      },
      refused: (received, route, error) => this.#reject(received, route?.service ?? 'unknown', error),
    });
    res.writeHead(answer.statusCode, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  }

  #reject(request: ReceivedRequest, service: string, error: WireError): void {
    this.rejections.push({
      method: request.method,
      url: `${request.path}${request.query ? `?${request.query}` : ''}`,
      service,
      code: error.code,
      reason: error.message,
    });
  }

  // ---- SigV4 ----

  /** Null when the request is signed as AWS requires; otherwise the error AWS would answer. */
  #verify(request: ReceivedRequest, route: Route): WireError | null {
    const s3 = route.signingName === 's3';
    const signatureError = (reason: string) => new WireError(route.protocol === 'awsJson' ? 'InvalidSignatureException' : 'SignatureDoesNotMatch', 403, reason);
    const authorization = header(request, 'authorization');
    if (!authorization) return signatureError('no authorization header');
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
        authorization,
      );
    if (!match)
      return signatureError(`authorization header is not AWS4-HMAC-SHA256 Credential=.../aws4_request, SignedHeaders=..., Signature=...: ${authorization}`);
    const [, accessKeyId, day, region, service, signedHeaderList, signature] = match as unknown as [string, string, string, string, string, string, string];
    const credentials = this.#credentials;
    if (accessKeyId !== credentials.accessKeyId) return signatureError(`access key ${accessKeyId} is not the test's ${credentials.accessKeyId}`);
    if (region !== this.region) return signatureError(`credential scope region ${region}, expected ${this.region}`);
    if (service !== route.signingName) return signatureError(`credential scope service ${service}, expected ${route.signingName} for ${route.service}`);
    const amzDate = header(request, 'x-amz-date');
    if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) return signatureError(`x-amz-date missing or malformed: ${amzDate}`);
    if (amzDate.slice(0, 8) !== day) return signatureError(`credential scope day ${day} is not the day of x-amz-date ${amzDate}`);
    const signedAt = Date.parse(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13)}`);
    if (!(Math.abs(signedAt - Date.now()) <= this.#maxSkewMs))
      return signatureError(`x-amz-date ${amzDate} is more than ${this.#maxSkewMs / 60_000} minutes from now`);
    const signedHeaders = signedHeaderList.split(';');
    if ([...signedHeaders].sort().join(';') !== signedHeaderList) return signatureError(`SignedHeaders are not sorted: ${signedHeaderList}`);
    // AWS requires host and every x-amz-* header (the date, the token, the content hash, the target) to be signed.
    const mustSign = ['host', ...Object.keys(request.headers).filter((name) => name.startsWith('x-amz-'))];
    const unsigned = mustSign.filter((name) => !signedHeaders.includes(name));
    if (unsigned.length > 0) return signatureError(`headers not signed: ${unsigned.join(', ')}`);
    const missing = signedHeaders.filter((name) => request.headers[name] === undefined);
    if (missing.length > 0) return signatureError(`signed headers not sent: ${missing.join(', ')}`);
    if (credentials.sessionToken !== undefined && header(request, 'x-amz-security-token') !== credentials.sessionToken)
      return signatureError('x-amz-security-token is not the session token');
    const bodyHash = createHash('sha256').update(request.body).digest('hex');
    if (s3) {
      const declared = header(request, 'x-amz-content-sha256');
      if (declared !== bodyHash) return signatureError(`x-amz-content-sha256 ${declared} is not the SHA-256 of the body (${bodyHash})`);
      if (request.method === 'PUT' && /(^|&)policy(=|&|$)/.test(request.query)) {
        const problem = integrityProblem(request);
        if (problem) return problem;
      }
    } else if ((request.method === 'GET' || request.method === 'HEAD') && bodyHash !== EMPTY_SHA256) {
      return signatureError('a body on a GET or HEAD request');
    }

    // The canonical request, from the request as received.
    const segments = request.path.split('/').map((segment) => rfc3986(decodeURIComponent(segment)));
    // S3 paths are encoded once; every other service's are encoded again.
    const canonicalUri = (s3 ? segments : segments.map(rfc3986)).join('/') || '/';
    const canonicalQuery =
      request.query === ''
        ? ''
        : request.query
            .split('&')
            .map((pair) => {
              const [name = '', value = ''] = pair.split(/=(.*)/s);
              return [rfc3986(decodeURIComponent(name)), rfc3986(decodeURIComponent(value))] as const;
            })
            .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
            .map(([name, value]) => `${name}=${value}`)
            .join('&');
    const canonicalHeaders = signedHeaders.map((name) => `${name}:${header(request, name)!.trim().replace(/\s+/g, ' ')}\n`).join('');
    // For S3 the payload hash is x-amz-content-sha256, checked above to be the body's.
    const canonical = [request.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaderList, bodyHash].join('\n');
    const scope = `${day}/${region}/${service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
    const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
    const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service), 'aws4_request');
    const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest();
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
      return signatureError(`The request signature we calculated does not match the signature you provided. Canonical request:\n${canonical}`);
    }
    return null;
  }

  // ---- The account ----

  async #call(service: ServiceName, operation: string, input: Record<string, unknown>, request: ReceivedRequest): Promise<Record<string, unknown>> {
    const call: FaceCall = { service, operation, input, status: 200, method: request.method, path: request.path };
    this.calls.push(call);
    try {
      return service === 'SFN' ? this.#stepFunctions(operation, input) : ((await this.account.send(service, operation, input)) as Record<string, unknown>);
    } catch (caught) {
      const e = caught as { name?: string; $metadata?: { httpStatusCode?: number } };
      call.status = caught instanceof WireError ? caught.status : (e.$metadata?.httpStatusCode ?? 500);
      call.error = caught instanceof WireError ? caught.code : (e.name ?? 'Error');
      throw caught;
    }
  }

  /** StartExecution, with the service's idempotency for the same name. */
  #stepFunctions(operation: string, input: Record<string, unknown>): Record<string, unknown> {
    if (operation !== 'StartExecution') throw new WireError('UnknownOperationException', 400, `Step Functions ${operation} is not answered by this face`);
    const { stateMachineArn, name } = input;
    if (typeof stateMachineArn !== 'string' || !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/.test(stateMachineArn)) {
      throw new WireError('InvalidArn', 400, `Invalid Arn: '${String(stateMachineArn)}'`);
    }
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new WireError('InvalidName', 400, `Invalid Name: '${String(name)}'`);
    let parsed: unknown = {};
    if (input.input !== undefined) {
      try {
        parsed = JSON.parse(String(input.input));
      } catch {
        throw new WireError('InvalidExecutionInput', 400, 'Invalid State Machine Execution Input: not JSON');
      }
    }
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.find((execution) => execution.executionArn === executionArn);
    if (existing) {
      // The same name and input as a running execution: the same answer (the executions here never end).
      if (JSON.stringify(existing.input) === JSON.stringify(parsed)) return { executionArn, startDate: existing.startDate };
      throw new WireError('ExecutionAlreadyExists', 400, `Execution Already Exists: '${executionArn}'`);
    }
    const started: StartedExecution = { executionArn, stateMachineArn, name, input: parsed, startDate: new Date() };
    this.executions.push(started);
    return { executionArn, startDate: started.startDate };
  }
}

/** The checksums this face can verify, header → the body's value as S3 expects it (base64). */
const CHECKSUMS: Record<string, (body: Buffer) => string> = {
  'content-md5': (body) => createHash('md5').update(body).digest('base64'),
  'x-amz-checksum-crc32': (body) => {
    const value = Buffer.alloc(4);
    value.writeUInt32BE(crc32(body));
    return value.toString('base64');
  },
  'x-amz-checksum-sha1': (body) => createHash('sha1').update(body).digest('base64'),
  'x-amz-checksum-sha256': (body) => createHash('sha256').update(body).digest('base64'),
};

/**
 * PutBucketPolicy requires an integrity check of its body: Content-MD5, or (S3's flexible
 * checksums, what current SDKs send) an `x-amz-checksum-<algorithm>` header in its place.
 * A missing one is InvalidRequest, a wrong one BadDigest; an algorithm this face cannot
 * compute is refused rather than passed unchecked.
 */
function integrityProblem(request: ReceivedRequest): WireError | null {
  const sent = Object.keys(request.headers).filter((name) => name === 'content-md5' || (name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-type'));
  if (sent.length === 0) return new WireError('InvalidRequest', 400, 'Missing required header for this request: Content-MD5');
  for (const name of sent) {
    const compute = CHECKSUMS[name];
    if (!compute) return new WireError('InvalidRequest', 400, `the face cannot verify ${name}`);
    const expected = compute(request.body);
    if (header(request, name) !== expected)
      return new WireError('BadDigest', 400, `The ${name} you specified did not match what we received (expected ${expected}).`);
  }
  return null;
}

/** A face on a free port of 127.0.0.1, answering from `options.account`. */
export function startAwsHttpFace(options: FaceOptions): Promise<AwsHttpFace> {
  return new AwsHttpFace(options).listen();
}
