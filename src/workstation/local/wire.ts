/**
 * The server side of the AWS wire formats the simulated account speaks, so that the real
 * AWS SDK v3 clients (their serializers, parsers, error-name mapping and retry middleware)
 * run against it unchanged. This is the simulation's half of the conversation, never the
 * product's: the Lambdas send and parse everything through the SDK.
 *
 * - awsJson (ACM PCA 1.1, Step Functions 1.0): `POST /`, operation from `x-amz-target`,
 *   input the JSON body; output JSON with timestamps as epoch seconds; errors with
 *   `x-amzn-errortype` and `{"__type", "message"}`.
 * - awsQuery (SNS Publish): a form body in, a `PublishResponse` XML document out, errors
 *   as `ErrorResponse` (Type Sender or Receiver).
 * - S3 REST-XML, virtual-hosted (`<bucket>.s3.<region>.amazonaws.com/<key>`) or path-style
 *   (`/<bucket>/<key>`, as the SDK addresses an IP endpoint): the bucket policy as the
 *   body, the three configurations as S3's XML documents, HEAD with `Last-Modified` in
 *   RFC 1123, 204 for writing and deleting a policy; errors as `<Error>` documents, and
 *   for HEAD the status alone (S3 sends no body, so the SDK names the error from the status).
 *
 * A request this module cannot read is a WireError the caller answers in the protocol's
 * own error format; it never reaches the account.
 */
import { randomBytes } from 'node:crypto';
import type { ServiceName } from '../../lambda/aws/clients/registry';

/** A request as it arrives: the raw (still encoded) path and query, lower-case header names. */
export interface WireRequest {
  method: string;
  hostname: string;
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface WireResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export type Protocol = 'awsJson' | 'awsQuery' | 'restXml';

export interface Route {
  service: ServiceName;
  signingName: string;
  protocol: Protocol;
  /** awsJson only: the content type and the error namespace. */
  contentType?: string;
  namespace?: string;
}

/** A request read off the wire: the service, the operation and its input in the SDK's shape. */
export interface DecodedRequest {
  route: Route;
  operation: string;
  input: Record<string, unknown>;
  /** The attempt number the SDK's retry middleware wrote (`amz-sdk-request: attempt=2; max=3`), 1 when absent. */
  attempt: number;
  /** The region the request was signed for (its credential scope), when it was signed. */
  region?: string;
}

/** An error answered on the wire: the service's error code, the HTTP status, a message. */
export class WireError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** Headers the service sends with this error (S3's `x-amz-bucket-region` on a redirect). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/** A request of a service that names no operation the simulation reads (S3 is addressed by method, path and query). */
export class UnknownRequest extends WireError {
  /** The request line, e.g. `DELETE /bucket/`. */
  readonly requestLine: string;
  constructor(
    readonly service: ServiceName,
    request: WireRequest,
  ) {
    const requestLine = `${request.method} ${request.path}${request.query ? `?${request.query}` : ''}`;
    super('NotImplemented', 501, `${requestLine} is not a request the simulated account reads`);
    this.name = 'UnknownRequest';
    this.requestLine = requestLine;
  }
}

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

const JSON_SERVICES: Record<string, Route> = {
  ACMPrivateCA: {
    service: 'ACM PCA',
    signingName: 'acm-pca',
    protocol: 'awsJson',
    contentType: 'application/x-amz-json-1.1',
    namespace: 'com.amazonaws.acmpca',
  },
  AWSStepFunctions: {
    service: 'SFN',
    signingName: 'states',
    protocol: 'awsJson',
    contentType: 'application/x-amz-json-1.0',
    namespace: 'com.amazonaws.swf.service.v2.model',
  },
};
const SNS_ROUTE: Route = { service: 'SNS', signingName: 'sns', protocol: 'awsQuery' };
const S3_ROUTE: Route = { service: 'S3', signingName: 's3', protocol: 'restXml' };

/** `<bucket>.s3.<region>.amazonaws.com` (and the legacy global and dualstack forms, and China's). */
const VIRTUAL_HOSTED = /^(?<bucket>.+)\.s3(?:\.dualstack)?(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/;

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

export function requestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** Which service a request is for, from its target header, its form body or, for S3, everything else. */
export function routeOf(request: WireRequest): Route {
  const target = request.headers['x-amz-target'];
  if (target !== undefined) {
    const [prefix = '', operation] = target.split('.', 2);
    const json = JSON_SERVICES[prefix];
    // DynamoDB (DynamoDB_20120810.*) goes to dynalite, never here: refused like anything unknown.
    if (!json || !operation) throw new WireError('UnknownOperationException', 400, `x-amz-target ${target} is not a service the simulated account answers`);
    return json;
  }
  if (request.method === 'POST' && request.path === '/' && (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
    return SNS_ROUTE;
  return S3_ROUTE;
}

/** Read the operation and its input off a request; throws WireError for anything the service would refuse on its form. */
export function decodeRequest(request: WireRequest): DecodedRequest {
  const route = routeOf(request);
  const attempt = Number(/attempt=(\d+)/.exec(request.headers['amz-sdk-request'] ?? '')?.[1] ?? 1);
  const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1];
  const common = { route, attempt, ...(region ? { region } : {}) };
  switch (route.protocol) {
    case 'awsJson':
      return { ...common, ...decodeJson(request, route) };
    case 'awsQuery':
      return { ...common, ...decodeQuery(request) };
    case 'restXml':
      return { ...common, ...decodeS3(request) };
  }
}

function decodeJson(request: WireRequest, route: Route): { operation: string; input: Record<string, unknown> } {
  const operation = request.headers['x-amz-target']!.split('.', 2)[1]!;
  if (request.method !== 'POST' || request.path !== '/')
    throw new WireError('UnknownOperationException', 404, `${request.method} ${request.path}: awsJson requests are POST /`);
  if (request.headers['content-type'] !== route.contentType)
    throw new WireError('SerializationException', 400, `content-type ${request.headers['content-type']}, expected ${route.contentType}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString('utf8') || '{}');
  } catch {
    throw new WireError('SerializationException', 400, 'the body is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new WireError('SerializationException', 400, 'the body is not a JSON object');
  return { operation, input: parsed as Record<string, unknown> };
}

function decodeQuery(request: WireRequest): { operation: string; input: Record<string, unknown> } {
  const form = new URLSearchParams(request.body.toString('utf8'));
  const action = form.get('Action');
  if (form.get('Version') !== '2010-03-31') throw new WireError('InvalidParameterValue', 400, `Version ${form.get('Version')} is not 2010-03-31`);
  if (!action) throw new WireError('MissingAction', 400, 'The request must contain the parameter Action.');
  const input: Record<string, unknown> = {};
  for (const [name, value] of form) if (name !== 'Action' && name !== 'Version') input[name] = value;
  return { operation: action, input };
}

function decodeS3(request: WireRequest): { operation: string; input: Record<string, unknown> } {
  const virtual = VIRTUAL_HOSTED.exec(request.hostname)?.groups?.bucket;
  const segments = request.path.split('/').slice(1);
  const bucketSegment = virtual === undefined ? (segments.shift() ?? '') : encodeURIComponent(virtual);
  // `/<bucket>/` (as the SDK writes path-style bucket requests) and `/` (virtual-hosted) address the bucket itself.
  const keySegments = segments.length === 1 && segments[0] === '' ? [] : segments;
  const bucket = decodeURIComponent(bucketSegment);
  const key = keySegments.map((segment) => decodeURIComponent(segment)).join('/');
  const query = new URLSearchParams(request.query);
  const subresources = [...query.keys()].filter((name) => name !== 'x-id');
  const input: Record<string, unknown> = { Bucket: bucket };
  const owner = request.headers['x-amz-expected-bucket-owner'];
  if (owner !== undefined) input.ExpectedBucketOwner = owner;
  let operation: string | undefined;
  if (bucket === '') operation = undefined;
  else if (keySegments.length > 0) {
    if (request.method === 'HEAD' && subresources.length === 0) {
      operation = 'HeadObject';
      input.Key = key;
    }
  } else if (subresources.length === 1 && subresources[0] === 'policy') {
    operation = ({ GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' } as Record<string, string>)[request.method];
    if (operation === 'PutBucketPolicy') {
      input.Policy = request.body.toString('utf8');
      if (request.headers['x-amz-confirm-remove-self-bucket-access'] === 'true') input.ConfirmRemoveSelfBucketAccess = true;
    }
  } else if (request.method === 'HEAD' && subresources.length === 0) {
    operation = 'HeadBucket';
  } else if (request.method === 'GET' && query.get('list-type') === '2') {
    operation = 'ListObjectsV2';
    const prefix = query.get('prefix');
    const token = query.get('continuation-token');
    const maxKeys = query.get('max-keys');
    if (prefix !== null) input.Prefix = prefix;
    if (token !== null) input.ContinuationToken = token;
    if (maxKeys !== null) input.MaxKeys = Number(maxKeys);
  } else if (request.method === 'GET' && subresources.length === 1) {
    operation = (
      {
        publicAccessBlock: 'GetPublicAccessBlock',
        ownershipControls: 'GetBucketOwnershipControls',
        encryption: 'GetBucketEncryption',
        location: 'GetBucketLocation',
      } as Record<string, string>
    )[subresources[0]!];
  }
  if (!operation) throw new UnknownRequest('S3', request);
  return { operation, input };
}

// ---- Answers ----

/** Output values as JSON carries them for awsJson: Dates as epoch seconds, `$metadata` dropped. */
function toWireJson(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWireJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, item]) => key !== '$metadata' && item !== undefined)
        .map(([key, item]) => [key, toWireJson(item)]),
    );
  }
  return value;
}

/** The wire answer to a decoded request, from the operation's output (the SDK's output shape). */
export function encodeOutput(decoded: DecodedRequest, output: Record<string, unknown>): WireResponse {
  const { route, operation } = decoded;
  const id = requestId();
  if (route.protocol === 'awsJson') {
    return { statusCode: 200, headers: { 'content-type': route.contentType!, 'x-amzn-requestid': id }, body: JSON.stringify(toWireJson(output)) };
  }
  if (route.protocol === 'awsQuery') {
    const body =
      `<PublishResponse xmlns="${SNS_NAMESPACE}">\n  <PublishResult>\n    <MessageId>${escapeXml(String(output.MessageId ?? ''))}</MessageId>\n  </PublishResult>\n` +
      `  <ResponseMetadata>\n    <RequestId>${id}</RequestId>\n  </ResponseMetadata>\n</PublishResponse>\n`;
    return { statusCode: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id }, body };
  }
  const common = s3Headers(id);
  switch (operation) {
    case 'PutBucketPolicy':
    case 'DeleteBucketPolicy':
      return { statusCode: 204, headers: common, body: '' };
    case 'HeadObject': {
      const head: Record<string, string> = { ...common };
      if (output.LastModified instanceof Date) head['last-modified'] = output.LastModified.toUTCString();
      if (typeof output.AcceptRanges === 'string') head['accept-ranges'] = output.AcceptRanges;
      return { statusCode: 200, headers: head, body: '' };
    }
    case 'HeadBucket': {
      const head: Record<string, string> = { ...common };
      if (typeof output.BucketRegion === 'string') head['x-amz-bucket-region'] = output.BucketRegion;
      if (typeof output.AccessPointAlias === 'boolean') head['x-amz-access-point-alias'] = String(output.AccessPointAlias);
      return { statusCode: 200, headers: head, body: '' };
    }
    case 'GetBucketPolicy':
      return { statusCode: 200, headers: { ...common, 'content-type': 'application/json' }, body: String(output.Policy ?? '') };
    default:
      return {
        statusCode: 200,
        headers: { ...common, 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n${s3Document(operation, output)}`,
      };
  }
}

/** The wire answer to an error, in the protocol of `route` (HEAD answers carry no body). */
export function encodeError(route: Route, method: string, error: WireError): WireResponse {
  const id = requestId();
  if (route.protocol === 'awsJson') {
    const namespace = route.namespace ?? 'com.amazonaws';
    return {
      statusCode: error.status,
      headers: {
        'content-type': route.contentType ?? 'application/x-amz-json-1.1',
        'x-amzn-requestid': id,
        'x-amzn-errortype': `${error.code}:http://internal.amazon.com/coral/${namespace}/`,
      },
      body: JSON.stringify({ __type: `${namespace}#${error.code}`, message: error.message }),
    };
  }
  if (route.protocol === 'awsQuery') {
    const body =
      `<ErrorResponse xmlns="${SNS_NAMESPACE}">\n  <Error>\n    <Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type>\n    <Code>${escapeXml(error.code)}</Code>\n` +
      `    <Message>${escapeXml(error.message)}</Message>\n  </Error>\n  <RequestId>${id}</RequestId>\n</ErrorResponse>\n`;
    return { statusCode: error.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id }, body };
  }
  const common = { ...s3Headers(id), ...error.headers };
  if (method === 'HEAD') return { statusCode: error.status, headers: common, body: '' };
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message><RequestId>${id}</RequestId><HostId>${common['x-amz-id-2']}</HostId></Error>`;
  return { statusCode: error.status, headers: { ...common, 'content-type': 'application/xml' }, body };
}

function s3Headers(id: string): Record<string, string> {
  return { 'x-amz-request-id': id, 'x-amz-id-2': randomBytes(24).toString('base64'), server: 'AmazonS3' };
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
      const rules = (output.OwnershipControls as { Rules?: Array<{ ObjectOwnership?: string }> } | undefined)?.Rules ?? [];
      return `<OwnershipControls xmlns="${S3_NAMESPACE}">${rules.map((rule) => `<Rule>${element('ObjectOwnership', rule.ObjectOwnership)}</Rule>`).join('')}</OwnershipControls>`;
    }
    case 'GetBucketEncryption': {
      type Rule = { ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string }; BucketKeyEnabled?: boolean };
      const rules = (output.ServerSideEncryptionConfiguration as { Rules?: Rule[] } | undefined)?.Rules ?? [];
      const rule = (r: Rule) => {
        const byDefault = r.ApplyServerSideEncryptionByDefault;
        const inner = byDefault
          ? `<ApplyServerSideEncryptionByDefault>${element('SSEAlgorithm', byDefault.SSEAlgorithm)}${element('KMSMasterKeyID', byDefault.KMSMasterKeyID)}</ApplyServerSideEncryptionByDefault>`
          : '';
        return `<Rule>${inner}${element('BucketKeyEnabled', r.BucketKeyEnabled)}</Rule>`;
      };
      return `<ServerSideEncryptionConfiguration xmlns="${S3_NAMESPACE}">${rules.map(rule).join('')}</ServerSideEncryptionConfiguration>`;
    }
    case 'ListObjectsV2': {
      type Entry = { Key: string; LastModified: Date; Size?: number; ETag?: string };
      const contents = ((output.Contents ?? []) as Entry[])
        .map(
          (entry) =>
            `<Contents>${element('Key', entry.Key)}${element('LastModified', entry.LastModified.toISOString())}${element('ETag', entry.ETag)}${element('Size', entry.Size ?? 0)}<StorageClass>STANDARD</StorageClass></Contents>`,
        )
        .join('');
      const fields = ['Name', 'Prefix', 'KeyCount', 'MaxKeys', 'IsTruncated', 'ContinuationToken', 'NextContinuationToken']
        .map((name) => element(name, output[name]))
        .join('');
      return `<ListBucketResult xmlns="${S3_NAMESPACE}">${fields}${contents}</ListBucketResult>`;
    }
    case 'GetBucketLocation':
      // us-east-1 is an empty LocationConstraint.
      return `<LocationConstraint xmlns="${S3_NAMESPACE}">${escapeXml(String(output.LocationConstraint ?? ''))}</LocationConstraint>`;
    default:
      throw new WireError('NotImplemented', 501, `no XML document for ${operation}`);
  }
}

/** The WireError an answer's error stands for: its name as the code, its status (501 for NotModelled, 500 for anything unknown). */
export function wireErrorOf(error: unknown): WireError {
  if (error instanceof WireError) return error;
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; headers?: Record<string, string> };
  const status = e.$metadata?.httpStatusCode ?? (e.name === 'NotModelled' ? 501 : 500);
  return new WireError(e.name ?? 'InternalError', status, e.message ?? String(error), e.headers ?? {});
}

/** A service's own error (it carries an HTTP status), as opposed to a fault of the simulation itself. */
function isServiceError(error: unknown): boolean {
  return error instanceof WireError || typeof (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode === 'number';
}

export interface WireHooks {
  /** Null when the request may reach the account (a signature check, say); otherwise the error to answer. */
  verify?: (request: WireRequest, route: Route) => WireError | null;
  /** Told of every request refused before the account saw it. */
  refused?: (request: WireRequest, route: Route | undefined, error: WireError) => void;
}

/**
 * Answer one request: route it, read it, ask `answer` for the operation's output, and
 * write the output or the service error in the protocol's format. Anything `answer`
 * throws that is not a service error (NotModelled, an injected socket timeout) is
 * rethrown, as a failing HTTP layer would reject, so that it is never mistaken for an
 * answer.
 */
export async function answerWire(
  request: WireRequest,
  answer: (decoded: DecodedRequest) => Promise<Record<string, unknown>>,
  hooks: WireHooks = {},
): Promise<WireResponse> {
  let route: Route | undefined;
  let decoded: DecodedRequest;
  try {
    route = routeOf(request);
    const problem = hooks.verify?.(request, route);
    if (problem) throw problem;
    decoded = decodeRequest(request);
  } catch (error) {
    if (!(error instanceof WireError)) throw error;
    hooks.refused?.(request, route, error);
    return encodeError(route ?? { ...JSON_SERVICES.ACMPrivateCA!, namespace: 'com.amazonaws.unknown' }, request.method, error);
  }
  try {
    return encodeOutput(decoded, await answer(decoded));
  } catch (error) {
    if (!isServiceError(error)) throw error;
    return encodeError(decoded.route, request.method, wireErrorOf(error));
  }
}
