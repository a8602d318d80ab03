/**
 * The awsJson 1.0 and 1.1 protocols (DynamoDB and Step Functions; ACM Private CA):
 * POST / with the input as JSON and `X-Amz-Target: <prefix>.<operation>`. Timestamps
 * arrive as epoch seconds and become Dates under the keys the service declares, as the
 * SDK's deserialisers make them.
 */
import { AwsServiceError, InvalidRequest } from '../errors';
import { postToRoot, requestIdOf, type ServiceDefinition } from '../client';
import type { HttpResponse } from '../http';

export interface JsonServiceSpec {
  name: string;
  signingName: string;
  endpointPrefix: string;
  endpointEnvId: string;
  version: '1.0' | '1.1';
  targetPrefix: string;
  /** The operations this client sends; any other is refused before a request is made. */
  operations: readonly string[];
  /** Output keys that hold timestamps, at any depth. */
  timestampKeys: readonly string[];
}

function reviveTimestamps(value: unknown, keys: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => reviveTimestamps(item, keys));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, keys.has(key) && typeof item === 'number' ? new Date(Math.round(item * 1000)) : reviveTimestamps(item, keys)]),
  );
}

function parseBody(response: HttpResponse): Record<string, unknown> {
  if (response.body.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(response.body);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException:http://...` → ConditionalCheckFailedException */
export function sanitizeErrorCode(raw: string): string {
  let code = raw;
  if (code.includes(':')) code = code.split(':')[0]!;
  if (code.includes('#')) code = code.split('#').at(-1)!;
  return code.trim();
}

export function jsonService(spec: JsonServiceSpec): ServiceDefinition {
  const timestampKeys = new Set(spec.timestampKeys);
  const contentType = `application/x-amz-json-${spec.version}`;
  return {
    name: spec.name,
    signingName: spec.signingName,
    endpointPrefix: spec.endpointPrefix,
    endpointEnvId: spec.endpointEnvId,
    serialize(operation, input, endpoint) {
      if (!spec.operations.includes(operation)) {
        throw new InvalidRequest(`${spec.name} ${operation} is not an operation this client sends (it sends ${spec.operations.join(', ')})`);
      }
      return postToRoot(endpoint, contentType, JSON.stringify(input ?? {}), { 'x-amz-target': `${spec.targetPrefix}.${operation}` });
    },
    deserialize(_operation, response) {
      return reviveTimestamps(parseBody(response), timestampKeys) as Record<string, unknown>;
    },
    deserializeError(_operation, response) {
      const body = parseBody(response);
      const raw = response.headers['x-amzn-errortype'] ?? (typeof body.__type === 'string' ? body.__type : undefined) ?? (typeof body.code === 'string' ? body.code : undefined);
      const message = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : '';
      const name = raw ? sanitizeErrorCode(raw) : response.statusCode >= 500 ? 'InternalServerError' : `HttpError${response.statusCode}`;
      return new AwsServiceError({ name, message: message || name, httpStatusCode: response.statusCode, requestId: requestIdOf(response), headers: response.headers });
    },
  };
}
