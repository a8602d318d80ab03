/**
 * AWS over real HTTP on 127.0.0.1, answered from a simulated account: the wire face of
 * the services the packaged Lambda bundles call, so that a bundle run in a child Node
 * process with `AWS_ENDPOINT_URL=<face.url>` goes through its own SigV4 signer, HTTP
 * layer and protocol (de)serialisers exactly as it would against AWS.
 *
 * - awsJson (ACM PCA 1.1, Step Functions 1.0): `POST /`, operation from `x-amz-target`,
 *   input the JSON body; output JSON with timestamps as epoch seconds; errors with
 *   `x-amzn-errortype` and `{"__type", "message"}`.
 * - awsQuery (SNS Publish): a form body in, a `PublishResponse` XML document out,
 *   errors as `ErrorResponse` (Type Sender or Receiver).
 * - S3 REST-XML, path-style (`/<bucket>/?policy`, `/<bucket>/<key>`): the bucket policy
 *   as the body, the three configurations as S3's XML documents, HEAD with
 *   `Last-Modified` in RFC 1123, 204 for writing and deleting a policy; errors as
 *   `<Error>` documents, and for HEAD the status alone.
 *
 * S3, ACM PCA and SNS are answered by `SimulatedAccount.send`; Step Functions'
 * StartExecution by the face itself (the simulated account does not model it), with the
 * service's idempotency: the same name and input answer the same execution, the same
 * name with another input is ExecutionAlreadyExists.
 *
 * Every request must be signed as AWS requires, and the signature is verified here with
 * an implementation of SigV4 independent of the product's (src/lib/aws/sigv4.ts): the
 * access key, the scope (date, region, signing name), `x-amz-date` within 15 minutes,
 * the session token, `x-amz-content-sha256` equal to the body's SHA-256 for S3, a correct
 * `content-md5` on PutBucketPolicy, every `x-amz-*` header signed, and the signature
 * itself over the request as received. Anything else is answered 403 in the protocol's
 * own error format and recorded in `rejections`, so a broken signer fails its test.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceName } from '../../src/lib/clients/registry';
import type { SimulatedAccount } from '../../src/local/simulated-account';

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

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

type Protocol = 'awsJson' | 'awsQuery' | 'restXml';

interface Route {
  service: ServiceName;
  signingName: string;
  protocol: Protocol;
}

/** A route with, for awsJson, the content type, error namespace and operation. */
type RouteInfo = Route & { contentType?: string; namespace?: string; operation?: string };

const JSON_SERVICES: Record<string, Route & { contentType: string; namespace: string }> = {
  ACMPrivateCA: { service: 'ACM PCA', signingName: 'acm-pca', protocol: 'awsJson', contentType: 'application/x-amz-json-1.1', namespace: 'com.amazonaws.acmpca' },
  AWSStepFunctions: { service: 'SFN', signingName: 'states', protocol: 'awsJson', contentType: 'application/x-amz-json-1.0', namespace: 'com.amazonaws.swf.service.v2.model' },
};

/** An error the face answers with, before or after the account. */
class WireError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface ReceivedRequest {
  method: string;
  /** The raw path, still encoded. */
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** RFC 3986 percent-encoding (unreserved characters kept), as SigV4 canonicalises. */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function header(request: ReceivedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function requestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** Output values as JSON carries them for awsJson: Dates as epoch seconds, `$metadata` dropped. */
function toWireJson(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWireJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key, item]) => key !== '$metadata' && item !== undefined).map(([key, item]) => [key, toWireJson(item)]));
  }
  return value;
}

function serviceErrorOf(error: unknown): WireError {
  if (error instanceof WireError) return error;
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; $fault?: string };
  // NotModelled and plain errors: a 501 the test will see, never a silent success.
  const status = e.$metadata?.httpStatusCode ?? (e.name === 'NotModelled' ? 501 : 500);
  return new WireError(e.name ?? 'InternalError', status, e.message ?? String(error));
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
          path: mark === -1 ? url : url.slice(0, mark),
          query: mark === -1 ? '' : url.slice(mark + 1),
          headers: req.headers,
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

  // ---- Routing ----

  #route(request: ReceivedRequest): RouteInfo {
    const target = header(request, 'x-amz-target');
    if (target !== undefined) {
      const [prefix, operation] = target.split('.', 2);
      const json = JSON_SERVICES[prefix ?? ''];
      // DynamoDB (DynamoDB_20120810.*) must go to dynalite, not here: refused like anything unknown.
      if (!json || !operation) throw new WireError('UnknownOperationException', 400, `x-amz-target ${target} is not a service this face answers`);
      return { ...json, operation };
    }
    if (request.method === 'POST' && request.path === '/' && (header(request, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
      return { service: 'SNS', signingName: 'sns', protocol: 'awsQuery' };
    }
    return { service: 'S3', signingName: 's3', protocol: 'restXml' };
  }

  async #handle(request: ReceivedRequest, res: ServerResponse): Promise<void> {
    let route: RouteInfo;
    try {
      route = this.#route(request);
    } catch (error) {
      const wire = serviceErrorOf(error);
      this.#reject(request, 'unknown', wire);
      return this.#sendJsonError(res, wire, 'com.amazonaws.unknown', 'application/x-amz-json-1.1');
    }
    let problem: WireError | null;
    try {
      problem = this.#verify(request, route);
    } catch (error) {
      // A path or query that does not even decode.
      problem = new WireError('InvalidRequest', 400, `the request cannot be read: ${String(error)}`);
    }
    if (problem) {
      this.#reject(request, route.service, problem);
      return this.#sendError(res, route, request, problem);
    }
    switch (route.protocol) {
      case 'awsJson':
        return this.#answerJson(request, res, route as Route & { contentType: string; namespace: string; operation: string });
      case 'awsQuery':
        return this.#answerQuery(request, res);
      case 'restXml':
        return this.#answerS3(request, res);
    }
  }

  #reject(request: ReceivedRequest, service: string, error: WireError): void {
    this.rejections.push({ method: request.method, url: `${request.path}${request.query ? `?${request.query}` : ''}`, service, code: error.code, reason: error.message });
  }

  #sendError(res: ServerResponse, route: RouteInfo, request: ReceivedRequest, error: WireError): void {
    if (route.protocol === 'awsJson') return this.#sendJsonError(res, error, route.namespace ?? 'com.amazonaws', route.contentType ?? 'application/x-amz-json-1.1');
    if (route.protocol === 'awsQuery') return this.#sendQueryError(res, error);
    return this.#sendS3Error(res, request, error);
  }

  // ---- SigV4 ----

  /** Null when the request is signed as AWS requires; otherwise the error AWS would answer. */
  #verify(request: ReceivedRequest, route: Route): WireError | null {
    const s3 = route.signingName === 's3';
    const signatureError = (reason: string) => new WireError(route.protocol === 'awsJson' ? 'InvalidSignatureException' : 'SignatureDoesNotMatch', 403, reason);
    const authorization = header(request, 'authorization');
    if (!authorization) return signatureError('no authorization header');
    const match = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
    if (!match) return signatureError(`authorization header is not AWS4-HMAC-SHA256 Credential=.../aws4_request, SignedHeaders=..., Signature=...: ${authorization}`);
    const [, accessKeyId, day, region, service, signedHeaderList, signature] = match as unknown as [string, string, string, string, string, string, string];
    const credentials = this.#credentials;
    if (accessKeyId !== credentials.accessKeyId) return signatureError(`access key ${accessKeyId} is not the test's ${credentials.accessKeyId}`);
    if (region !== this.region) return signatureError(`credential scope region ${region}, expected ${this.region}`);
    if (service !== route.signingName) return signatureError(`credential scope service ${service}, expected ${route.signingName} for ${route.service}`);
    const amzDate = header(request, 'x-amz-date');
    if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) return signatureError(`x-amz-date missing or malformed: ${amzDate}`);
    if (amzDate.slice(0, 8) !== day) return signatureError(`credential scope day ${day} is not the day of x-amz-date ${amzDate}`);
    const signedAt = Date.parse(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13)}`);
    if (!(Math.abs(signedAt - Date.now()) <= this.#maxSkewMs)) return signatureError(`x-amz-date ${amzDate} is more than ${this.#maxSkewMs / 60_000} minutes from now`);
    const signedHeaders = signedHeaderList.split(';');
    if ([...signedHeaders].sort().join(';') !== signedHeaderList) return signatureError(`SignedHeaders are not sorted: ${signedHeaderList}`);
    // AWS requires host and every x-amz-* header (the date, the token, the content hash, the target) to be signed.
    const mustSign = ['host', ...Object.keys(request.headers).filter((name) => name.startsWith('x-amz-'))];
    const unsigned = mustSign.filter((name) => !signedHeaders.includes(name));
    if (unsigned.length > 0) return signatureError(`headers not signed: ${unsigned.join(', ')}`);
    const missing = signedHeaders.filter((name) => request.headers[name] === undefined);
    if (missing.length > 0) return signatureError(`signed headers not sent: ${missing.join(', ')}`);
    if (credentials.sessionToken !== undefined && header(request, 'x-amz-security-token') !== credentials.sessionToken) return signatureError('x-amz-security-token is not the session token');
    const bodyHash = createHash('sha256').update(request.body).digest('hex');
    if (s3) {
      const declared = header(request, 'x-amz-content-sha256');
      if (declared !== bodyHash) return signatureError(`x-amz-content-sha256 ${declared} is not the SHA-256 of the body (${bodyHash})`);
      if (request.method === 'PUT' && /(^|&)policy(=|&|$)/.test(request.query)) {
        const md5 = createHash('md5').update(request.body).digest('base64');
        // S3 answers a missing Content-MD5 on PutBucketPolicy with InvalidRequest, a wrong one with BadDigest.
        if (header(request, 'content-md5') === undefined) return new WireError('InvalidRequest', 400, 'Missing required header for this request: Content-MD5');
        if (header(request, 'content-md5') !== md5) return new WireError('BadDigest', 400, `The Content-MD5 you specified did not match what we received (expected ${md5}).`);
      }
    } else if ((request.method === 'GET' || request.method === 'HEAD') && bodyHash !== EMPTY_SHA256) {
      return signatureError('a body on a GET or HEAD request');
    }

    // The canonical request, from the request as received.
    const segments = request.path.split('/').map((segment) => rfc3986(decodeURIComponent(segment)));
    // S3 paths are encoded once; every other service's are encoded again.
    const canonicalUri = (s3 ? segments : segments.map(rfc3986)).join('/') || '/';
    const canonicalQuery = request.query === ''
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

  async #call(service: ServiceName, operation: string, input: Record<string, unknown>, request: ReceivedRequest): Promise<{ output?: Record<string, unknown>; error?: WireError }> {
    const call: FaceCall = { service, operation, input, status: 200, method: request.method, path: request.path };
    this.calls.push(call);
    try {
      const output = service === 'SFN' ? this.#stepFunctions(operation, input) : ((await this.account.send(service, operation, input)) as Record<string, unknown>);
      return { output };
    } catch (caught) {
      const error = serviceErrorOf(caught);
      call.status = error.status;
      call.error = error.code;
      return { error };
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

  // ---- awsJson ----

  async #answerJson(request: ReceivedRequest, res: ServerResponse, route: Route & { contentType: string; namespace: string; operation: string }): Promise<void> {
    if (request.method !== 'POST' || request.path !== '/') {
      return this.#refuse(request, res, route, new WireError('UnknownOperationException', 404, `${request.method} ${request.path}: awsJson requests are POST /`));
    }
    if (header(request, 'content-type') !== route.contentType) {
      return this.#refuse(request, res, route, new WireError('SerializationException', 400, `content-type ${header(request, 'content-type')}, expected ${route.contentType}`));
    }
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(request.body.toString('utf8') || '{}');
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      return this.#refuse(request, res, route, new WireError('SerializationException', 400, 'the body is not a JSON object'));
    }
    const { output, error } = await this.#call(route.service, route.operation, input, request);
    if (error) return this.#sendJsonError(res, error, route.namespace, route.contentType);
    const body = JSON.stringify(toWireJson(output ?? {}));
    res.writeHead(200, { 'content-type': route.contentType, 'x-amzn-requestid': requestId(), 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  #sendJsonError(res: ServerResponse, error: WireError, namespace: string, contentType: string): void {
    const body = JSON.stringify({ __type: `${namespace}#${error.code}`, message: error.message });
    res.writeHead(error.status, {
      'content-type': contentType,
      'x-amzn-requestid': requestId(),
      'x-amzn-errortype': `${error.code}:http://internal.amazon.com/coral/${namespace}/`,
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  /** A request the service would refuse on its form: recorded as a rejection and answered as an error. */
  #refuse(request: ReceivedRequest, res: ServerResponse, route: RouteInfo, error: WireError): void {
    this.#reject(request, route.service, error);
    this.#sendError(res, route, request, error);
  }

  // ---- awsQuery (SNS) ----

  async #answerQuery(request: ReceivedRequest, res: ServerResponse): Promise<void> {
    const route = { service: 'SNS' as const, signingName: 'sns', protocol: 'awsQuery' as const };
    const form = new URLSearchParams(request.body.toString('utf8'));
    const action = form.get('Action');
    if (form.get('Version') !== '2010-03-31') return this.#refuse(request, res, route, new WireError('InvalidParameterValue', 400, `Version ${form.get('Version')} is not 2010-03-31`));
    if (action !== 'Publish') return this.#refuse(request, res, route, new WireError('InvalidAction', 400, `The action ${action} is not valid for this web service.`));
    const input: Record<string, unknown> = {};
    for (const [name, value] of form) if (name !== 'Action' && name !== 'Version') input[name] = value;
    const { output, error } = await this.#call('SNS', action, input, request);
    if (error) return this.#sendQueryError(res, error);
    const id = requestId();
    const body =
      `<PublishResponse xmlns="${SNS_NAMESPACE}">\n  <PublishResult>\n    <MessageId>${escapeXml(String(output?.MessageId ?? ''))}</MessageId>\n  </PublishResult>\n` +
      `  <ResponseMetadata>\n    <RequestId>${id}</RequestId>\n  </ResponseMetadata>\n</PublishResponse>\n`;
    res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': id, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  #sendQueryError(res: ServerResponse, error: WireError): void {
    const id = requestId();
    const body =
      `<ErrorResponse xmlns="${SNS_NAMESPACE}">\n  <Error>\n    <Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type>\n    <Code>${escapeXml(error.code)}</Code>\n` +
      `    <Message>${escapeXml(error.message)}</Message>\n  </Error>\n  <RequestId>${id}</RequestId>\n</ErrorResponse>\n`;
    res.writeHead(error.status, { 'content-type': 'text/xml', 'x-amzn-requestid': id, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  // ---- S3 (REST-XML, path-style) ----

  async #answerS3(request: ReceivedRequest, res: ServerResponse): Promise<void> {
    const route = { service: 'S3' as const, signingName: 's3', protocol: 'restXml' as const };
    const [, bucketSegment = '', ...pathRest] = request.path.split('/');
    // `/<bucket>/` (as the SDK and the product write bucket requests) addresses the bucket itself.
    const keySegments = pathRest.length === 1 && pathRest[0] === '' ? [] : pathRest;
    const bucket = decodeURIComponent(bucketSegment);
    const key = keySegments.map((segment) => decodeURIComponent(segment)).join('/');
    const subresources = new URLSearchParams(request.query);
    const input: Record<string, unknown> = { Bucket: bucket };
    const owner = header(request, 'x-amz-expected-bucket-owner');
    if (owner !== undefined) input.ExpectedBucketOwner = owner;
    let operation: string | undefined;
    if (bucket === '') operation = undefined;
    else if (keySegments.length > 0) {
      if (request.method === 'HEAD' && request.query === '') {
        operation = 'HeadObject';
        input.Key = key;
      }
    } else if (subresources.has('policy') && [...subresources.keys()].length === 1) {
      operation = { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' }[request.method];
      if (operation === 'PutBucketPolicy') {
        input.Policy = request.body.toString('utf8');
        if (header(request, 'x-amz-confirm-remove-self-bucket-access') === 'true') input.ConfirmRemoveSelfBucketAccess = true;
      }
    } else if (request.method === 'GET' && [...subresources.keys()].length === 1) {
      operation = ({ publicAccessBlock: 'GetPublicAccessBlock', ownershipControls: 'GetBucketOwnershipControls', encryption: 'GetBucketEncryption' } as Record<string, string>)[[...subresources.keys()][0]!];
    }
    if (!operation) return this.#refuse(request, res, route, new WireError('NotImplemented', 501, `${request.method} ${request.path}?${request.query} is not an S3 request this face answers`));

    const { output, error } = await this.#call('S3', operation, input, request);
    if (error) return this.#sendS3Error(res, request, error);
    const id = requestId();
    const common = { 'x-amz-request-id': id, 'x-amz-id-2': randomBytes(24).toString('base64'), server: 'AmazonS3' };
    switch (operation) {
      case 'PutBucketPolicy':
      case 'DeleteBucketPolicy':
        res.writeHead(204, common);
        return void res.end();
      case 'HeadObject': {
        const head: Record<string, string> = { ...common };
        if (output?.LastModified instanceof Date) head['last-modified'] = output.LastModified.toUTCString();
        if (typeof output?.AcceptRanges === 'string') head['accept-ranges'] = output.AcceptRanges;
        res.writeHead(200, head);
        return void res.end();
      }
      case 'GetBucketPolicy': {
        const body = String(output?.Policy ?? '');
        res.writeHead(200, { ...common, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        return void res.end(body);
      }
      default: {
        const body = `<?xml version="1.0" encoding="UTF-8"?>\n${s3Document(operation, output ?? {})}`;
        res.writeHead(200, { ...common, 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
        return void res.end(body);
      }
    }
  }

  #sendS3Error(res: ServerResponse, request: ReceivedRequest, error: WireError): void {
    const id = requestId();
    const common = { 'x-amz-request-id': id, 'x-amz-id-2': randomBytes(24).toString('base64'), server: 'AmazonS3' };
    // HEAD answers carry no body: the status says it all.
    if (request.method === 'HEAD') {
      res.writeHead(error.status, common);
      return void res.end();
    }
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message><RequestId>${id}</RequestId><HostId>${common['x-amz-id-2']}</HostId></Error>`;
    res.writeHead(error.status, { ...common, 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }
}

function element(name: string, value: unknown): string {
  return value === undefined || value === null ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** The XML document S3 answers for a bucket configuration GET. */
function s3Document(operation: string, output: Record<string, unknown>): string {
  switch (operation) {
    case 'GetPublicAccessBlock': {
      const c = (output.PublicAccessBlockConfiguration ?? {}) as Record<string, unknown>;
      return `<PublicAccessBlockConfiguration xmlns="${S3_NAMESPACE}">${['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'].map((name) => element(name, c[name])).join('')}</PublicAccessBlockConfiguration>`;
    }
    case 'GetBucketOwnershipControls': {
      const rules = ((output.OwnershipControls as { Rules?: Array<{ ObjectOwnership?: string }> } | undefined)?.Rules ?? []);
      return `<OwnershipControls xmlns="${S3_NAMESPACE}">${rules.map((rule) => `<Rule>${element('ObjectOwnership', rule.ObjectOwnership)}</Rule>`).join('')}</OwnershipControls>`;
    }
    case 'GetBucketEncryption': {
      type Rule = { ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string }; BucketKeyEnabled?: boolean };
      const rules = ((output.ServerSideEncryptionConfiguration as { Rules?: Rule[] } | undefined)?.Rules ?? []);
      const rule = (r: Rule) => {
        const byDefault = r.ApplyServerSideEncryptionByDefault;
        const inner = byDefault ? `<ApplyServerSideEncryptionByDefault>${element('SSEAlgorithm', byDefault.SSEAlgorithm)}${element('KMSMasterKeyID', byDefault.KMSMasterKeyID)}</ApplyServerSideEncryptionByDefault>` : '';
        return `<Rule>${inner}${element('BucketKeyEnabled', r.BucketKeyEnabled)}</Rule>`;
      };
      return `<ServerSideEncryptionConfiguration xmlns="${S3_NAMESPACE}">${rules.map(rule).join('')}</ServerSideEncryptionConfiguration>`;
    }
    default:
      throw new WireError('NotImplemented', 501, `no XML document for ${operation}`);
  }
}

/** A face on a free port of 127.0.0.1, answering from `options.account`. */
export function startAwsHttpFace(options: FaceOptions): Promise<AwsHttpFace> {
  return new AwsHttpFace(options).listen();
}
