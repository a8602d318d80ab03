/**
 * S3: the REST-XML operations this product calls, on the bucket's virtual host
 * (`<bucket>.s3.<region>.amazonaws.com`), or path-style for names with dots and custom
 * endpoints, as the SDK addresses them. PutBucketPolicy carries Content-MD5, the
 * checksum S3 requires of it.
 */
import { createHash } from 'node:crypto';
import type * as S3Types from '@aws-sdk/client-s3';
import { requestIdOf, type Endpoint, type ServiceDefinition } from '../client';
import { AwsServiceError, InvalidRequest } from '../errors';
import type { HttpResponse } from '../http';
import { uriEncode, type HttpRequest } from '../sigv4';
import { child, children, childText, parseXml, type XmlElement } from '../xml';

export type S3Operations = {
  GetBucketPolicy: { input: S3Types.GetBucketPolicyRequest; output: S3Types.GetBucketPolicyOutput };
  PutBucketPolicy: { input: S3Types.PutBucketPolicyRequest; output: object };
  DeleteBucketPolicy: { input: S3Types.DeleteBucketPolicyRequest; output: object };
  GetPublicAccessBlock: { input: S3Types.GetPublicAccessBlockRequest; output: S3Types.GetPublicAccessBlockOutput };
  GetBucketOwnershipControls: { input: S3Types.GetBucketOwnershipControlsRequest; output: S3Types.GetBucketOwnershipControlsOutput };
  GetBucketEncryption: { input: S3Types.GetBucketEncryptionRequest; output: S3Types.GetBucketEncryptionOutput };
  HeadObject: { input: S3Types.HeadObjectRequest; output: S3Types.HeadObjectOutput };
};

type S3Operation = keyof S3Operations;

/** The sub-resource each bucket operation addresses (`?policy`) and its method. */
const BUCKET_OPERATIONS: Record<Exclude<S3Operation, 'HeadObject'>, { method: HttpRequest['method']; subresource: string }> = {
  GetBucketPolicy: { method: 'GET', subresource: 'policy' },
  PutBucketPolicy: { method: 'PUT', subresource: 'policy' },
  DeleteBucketPolicy: { method: 'DELETE', subresource: 'policy' },
  GetPublicAccessBlock: { method: 'GET', subresource: 'publicAccessBlock' },
  GetBucketOwnershipControls: { method: 'GET', subresource: 'ownershipControls' },
  GetBucketEncryption: { method: 'GET', subresource: 'encryption' },
};

function label(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  // The SDK's own words for a missing URI label.
  if (typeof value !== 'string' || value.length === 0) throw new InvalidRequest(`No value provided for input HTTP label: ${field}.`);
  return value;
}

/** Names S3 serves on a virtual host over TLS, as the SDK decides: DNS-compatible, no dots. */
function isVirtualHostable(bucket: string): boolean {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket);
}

function address(bucket: string, key: string | null, endpoint: Endpoint): Pick<HttpRequest, 'hostname' | 'path'> {
  // Directory buckets (S3 Express One Zone) have their own endpoints; Private CA cannot write to them.
  if (bucket.endsWith('--x-s3')) throw new InvalidRequest(`${bucket} is a directory bucket; this client addresses general purpose buckets only`);
  const keyPath = key === null ? '' : key.split('/').map(uriEncode).join('/');
  if (!endpoint.custom && isVirtualHostable(bucket)) return { hostname: `${bucket}.${endpoint.hostname}`, path: `/${keyPath}` };
  // Path-style, as the SDK writes it: `/<bucket>/` for the bucket itself.
  return { hostname: endpoint.hostname, path: `/${uriEncode(bucket)}/${keyPath}` };
}

function serialize(operation: string, input: Record<string, unknown>, endpoint: Endpoint): HttpRequest {
  const bucket = label(input, 'Bucket');
  const headers: Record<string, string> = {};
  if (typeof input.ExpectedBucketOwner === 'string') headers['x-amz-expected-bucket-owner'] = input.ExpectedBucketOwner;
  const base = { protocol: endpoint.protocol, ...(endpoint.port ? { port: endpoint.port } : {}) };
  if (operation === 'HeadObject') {
    return { ...base, method: 'HEAD', ...address(bucket, label(input, 'Key'), endpoint), query: {}, headers, body: '' };
  }
  const spec = BUCKET_OPERATIONS[operation as keyof typeof BUCKET_OPERATIONS];
  if (!spec) throw new InvalidRequest(`S3 ${operation} is not an operation this client sends (it sends ${Object.keys(BUCKET_OPERATIONS).join(', ')}, HeadObject)`);
  let body = '';
  if (operation === 'PutBucketPolicy') {
    if (typeof input.Policy !== 'string') throw new InvalidRequest('PutBucketPolicy: Policy must be the policy document as a string');
    body = input.Policy;
    headers['content-type'] = 'text/plain';
    headers['content-md5'] = createHash('md5').update(body, 'utf8').digest('base64');
    if (input.ConfirmRemoveSelfBucketAccess === true) headers['x-amz-confirm-remove-self-bucket-access'] = 'true';
  }
  return { ...base, method: spec.method, ...address(bucket, null, endpoint), query: { [spec.subresource]: '' }, headers, body };
}

const bool = (text: string | undefined): boolean | undefined => (text === undefined ? undefined : text === 'true');

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

function encryptionRule(rule: XmlElement): S3Types.ServerSideEncryptionRule {
  const byDefault = child(rule, 'ApplyServerSideEncryptionByDefault');
  return defined({
    ApplyServerSideEncryptionByDefault: byDefault
      ? defined({ SSEAlgorithm: childText(byDefault, 'SSEAlgorithm') as S3Types.ServerSideEncryption, KMSMasterKeyID: childText(byDefault, 'KMSMasterKeyID') })
      : undefined,
    BucketKeyEnabled: bool(childText(rule, 'BucketKeyEnabled')),
  });
}

function deserialize(operation: string, response: HttpResponse): Record<string, unknown> {
  switch (operation as S3Operation) {
    case 'GetBucketPolicy':
      return { Policy: response.body };
    case 'GetPublicAccessBlock': {
      const root = parseXml(response.body);
      return {
        PublicAccessBlockConfiguration: defined({
          BlockPublicAcls: bool(childText(root, 'BlockPublicAcls')),
          IgnorePublicAcls: bool(childText(root, 'IgnorePublicAcls')),
          BlockPublicPolicy: bool(childText(root, 'BlockPublicPolicy')),
          RestrictPublicBuckets: bool(childText(root, 'RestrictPublicBuckets')),
        }),
      };
    }
    case 'GetBucketOwnershipControls': {
      const root = parseXml(response.body);
      return { OwnershipControls: { Rules: children(root, 'Rule').map((rule) => ({ ObjectOwnership: childText(rule, 'ObjectOwnership') })) } };
    }
    case 'GetBucketEncryption': {
      const root = parseXml(response.body);
      return { ServerSideEncryptionConfiguration: { Rules: children(root, 'Rule').map(encryptionRule) } };
    }
    case 'HeadObject': {
      const h = response.headers;
      return defined({
        LastModified: h['last-modified'] ? new Date(h['last-modified']) : undefined,
        ContentLength: h['content-length'] ? Number(h['content-length']) : undefined,
        ContentType: h['content-type'],
        ETag: h.etag,
        AcceptRanges: h['accept-ranges'],
      });
    }
    default:
      return {};
  }
}

/** A body-less error (HEAD): S3 says only the status. 404 is NotFound, as the SDK names it. */
const STATUS_NAMES: Record<number, string> = { 301: 'PermanentRedirect', 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 412: 'PreconditionFailed' };

function deserializeError(_operation: string, response: HttpResponse): AwsServiceError {
  let code: string | undefined;
  let message: string | undefined;
  if (response.body.trim().startsWith('<')) {
    try {
      const root = parseXml(response.body);
      const error = root.name === 'Error' ? root : child(root, 'Error');
      code = childText(error, 'Code');
      message = childText(error, 'Message');
    } catch {
      // Not XML after all: name it from the status.
    }
  }
  const name = code ?? STATUS_NAMES[response.statusCode] ?? (response.statusCode >= 500 ? 'InternalError' : 'Unknown');
  return new AwsServiceError({ name, message: message ?? name, httpStatusCode: response.statusCode, requestId: requestIdOf(response), headers: response.headers });
}

export const S3: ServiceDefinition = {
  name: 'S3',
  signingName: 's3',
  endpointPrefix: 's3',
  endpointEnvId: 'S3',
  serialize,
  deserialize,
  deserializeError,
};
