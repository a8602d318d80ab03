/**
 * Retries: the product's classification against the SDK's own functions, its backoff and
 * retry quota against @smithy/util-retry 2.2.0's StandardRetryStrategy (the generation
 * src/lib/aws/retry.ts copies), what the installed 3.11xx clients do instead, and whole
 * calls through a ServiceClient against a local HTTP server (never AWS).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as Ddb from '@aws-sdk/client-dynamodb';
import * as core from '@smithy/core/retry';
import { Hash } from '@smithy/hash-node';
import * as legacy from '@smithy/service-error-classification';
import { SignatureV4 } from '@smithy/signature-v4';
import * as sdkRetry2 from '@smithy/util-retry';
import { StandardRetryStrategy as StandardRetryStrategy2 } from '@smithy/util-retry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServiceClient } from '../../../src/lib/aws/client';
import { AwsServiceError } from '../../../src/lib/aws/errors';
import * as retry from '../../../src/lib/aws/retry';
import { backoffDelay, CLOCK_SKEW_CODES, errorKind, RetryQuota, type ErrorKind } from '../../../src/lib/aws/retry';
import { DYNAMODB, type DynamoDbOperations } from '../../../src/lib/aws/services/dynamodb';
import { S3, type S3Operations } from '../../../src/lib/aws/services/s3';
import { captureSdkRequest, CREDENTIALS, parseAmzDate, REGION, SESSION_CREDENTIALS } from './sdk-harness';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

// ---- Classification ----

type Classifier = Pick<typeof core, 'isThrottlingError' | 'isTransientError' | 'isServerError'>;

/** The SDK's getRetryErrorType, in its order: throttling, transient, server, else client. */
function sdkKind(classify: Classifier, error: unknown): ErrorKind {
  const e = error as Parameters<Classifier['isThrottlingError']>[0];
  if (classify.isThrottlingError(e)) return 'throttling';
  if (classify.isTransientError(e)) return 'transient';
  if (classify.isServerError(e)) return 'server';
  return 'client';
}

function awsError(name: string, httpStatusCode?: number, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: httpStatusCode === undefined ? {} : { httpStatusCode } });
}
function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code, errno: -1, syscall: 'connect' });
}

const THROTTLING_NAMES = [
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete', 'ProvisionedThroughputExceededException',
  'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException', 'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException',
  'TooManyRequestsException', 'TransactionInProgressException',
];

/** [label, error, kind, whether @smithy/service-error-classification 2.1.5 agrees (it predates the network codes and causes)]. */
const ERRORS: Array<[string, unknown, ErrorKind, boolean]> = [
  ...THROTTLING_NAMES.map((name): [string, unknown, ErrorKind, boolean] => [`${name} (400)`, awsError(name, 400), 'throttling', true]),
  ['SlowDown (503)', awsError('SlowDown', 503), 'throttling', true],
  ['SNS Throttled (429, the wire code)', awsError('Throttled', 429), 'throttling', true],
  ['any 429', awsError('Whatever', 429), 'throttling', true],
  ['TimeoutError (no status)', Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }), 'transient', true],
  ['S3 RequestTimeout (400)', awsError('RequestTimeout', 400), 'transient', true],
  ['RequestTimeoutException (408)', awsError('RequestTimeoutException', 408), 'transient', true],
  ...['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].map((code): [string, unknown, ErrorKind, boolean] => [code, systemError(code), 'transient', true]),
  ...['EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].map((code): [string, unknown, ErrorKind, boolean] => [code, systemError(code), 'transient', false]),
  ...[500, 502, 503, 504].map((status): [string, unknown, ErrorKind, boolean] => [`InternalError (${status})`, awsError('InternalError', status), 'transient', true]),
  ['ServiceUnavailable (503)', awsError('ServiceUnavailable', 503), 'transient', true],
  ['NotImplemented (501)', awsError('NotImplemented', 501), 'server', true],
  ['HttpVersionNotSupported (505)', awsError('Unknown', 505), 'server', true],
  ['599', awsError('Unknown', 599), 'server', true],
  ['ValidationException (400)', awsError('ValidationException', 400), 'client', true],
  ['ConditionalCheckFailedException (400)', awsError('ConditionalCheckFailedException', 400), 'client', true],
  ['AccessDenied (403)', awsError('AccessDenied', 403), 'client', true],
  ['NotFound (404)', awsError('NotFound', 404), 'client', true],
  ['RequestTimeTooSkewed (403), not corrected', awsError('RequestTimeTooSkewed', 403), 'client', true],
  ['InvalidSignatureException (400), another message', awsError('InvalidSignatureException', 400, 'The request signature we calculated does not match'), 'client', true],
  ['a plain Error', new Error('boom'), 'client', true],
  ['undefined', undefined, 'client', true],
  ['fetch failed, caused by ECONNRESET', new Error('fetch failed', { cause: systemError('ECONNRESET') }), 'transient', false],
  ['wrapped twice, a TimeoutError underneath', new Error('outer', { cause: new Error('middle', { cause: Object.assign(new Error('t'), { name: 'TimeoutError' }) }) }), 'transient', false],
];

describe('errorKind classifies as the SDK does', () => {
  it.each(ERRORS)('%s → %s', (_label, error, kind, legacyAgrees) => {
    expect(errorKind(error)).toBe(kind);
    // The classification the installed 3.11xx clients use (@smithy/core/retry).
    expect(sdkKind(core, error ?? {})).toBe(kind);
    // The one the product names (@smithy/service-error-classification, 2.1.5 here).
    if (legacyAgrees) expect(sdkKind(legacy, error ?? {})).toBe(kind);
    else expect(sdkKind(legacy, error ?? {})).toBe('client');
  });

  it('an error after a clock-skew correction is transient, as the SDK marks it ($metadata.clockSkewCorrected)', () => {
    const error = awsError('RequestTimeTooSkewed', 403);
    expect(errorKind(error, true)).toBe('transient');
    const marked = Object.assign(awsError('RequestTimeTooSkewed', 403), { $metadata: { httpStatusCode: 403, clockSkewCorrected: true } });
    expect(sdkKind(core, marked)).toBe('transient');
    expect(sdkKind(legacy, marked)).toBe('transient');
  });

  it('the clock-skew codes are the SDK’s (2.1.5); the current SDK adds AccessDeniedException to its list', () => {
    const codes = ['AccessDeniedException', 'AuthFailure', 'InvalidSignatureException', 'RequestExpired', 'RequestInTheFuture', 'RequestTimeTooSkewed', 'SignatureDoesNotMatch', 'Throttling', 'AccessDenied'];
    for (const code of codes) {
      expect(CLOCK_SKEW_CODES.has(code)).toBe(legacy.isClockSkewError(awsError(code, 400) as never));
      expect(CLOCK_SKEW_CODES.has(code) || code === 'AccessDeniedException').toBe(core.isClockSkewError(awsError(code, 400) as never));
    }
  });

  // Where the current SDK decides otherwise, pinned on both sides. None of these reach the product's
  // client in practice: its errors carry no $retryable, it sends no abort signals and wraps errors at most twice.
  it.each<[string, unknown, ErrorKind, ErrorKind]>([
    ['InvalidSignatureException "Signature expired"', awsError('InvalidSignatureException', 400, 'Signature expired: 20261121T101500Z is now earlier than 20261121T102000Z'), 'client', 'transient'],
    ['a modelled retryable error ($retryable: {})', Object.assign(awsError('SomeRetryableError', 400), { $retryable: {} }), 'client', 'transient'],
    ['a modelled throttling error ($retryable.throttling)', Object.assign(awsError('SomeThrottle', 400), { $retryable: { throttling: true } }), 'client', 'throttling'],
    ['an AbortError with a network code', Object.assign(systemError('ECONNRESET'), { name: 'AbortError' }), 'transient', 'client'],
    ['ECONNRESET five causes deep', [1, 2, 3, 4, 5].reduce<Error>((cause, n) => new Error(`wrap ${n}`, { cause }), systemError('ECONNRESET')), 'client', 'transient'],
  ])('known difference: %s (product %s, SDK %s)', (_label, error, productKind, currentSdkKind) => {
    expect(errorKind(error)).toBe(productKind);
    expect(sdkKind(core, error)).toBe(currentSdkKind);
  });
});

// ---- Backoff and quota ----

/** util-retry 2.2.0's StandardRetryStrategy: the delay of its next retry and the capacity left. */
async function sdk2Retry(strategy: StandardRetryStrategy2, token: Awaited<ReturnType<StandardRetryStrategy2['acquireInitialRetryToken']>>, kind: ErrorKind) {
  const errorType = ({ throttling: 'THROTTLING', transient: 'TRANSIENT', server: 'SERVER_ERROR', client: 'CLIENT_ERROR' } as const)[kind];
  return strategy.refreshRetryTokenForRetry(token, { errorType });
}

describe('backoffDelay', () => {
  it('is full jitter over base × 2^retries: 0 at random 0, under the bound at random → 1', () => {
    for (const [kind, base] of [['transient', 100], ['server', 100], ['client', 100], ['throttling', 500]] as const) {
      for (let retries = 0; retries < 6; retries += 1) {
        expect(backoffDelay(retries, kind, () => 0)).toBe(0);
        const bound = Math.min(20_000, base * 2 ** retries);
        expect(backoffDelay(retries, kind, () => 0.999_999)).toBe(Math.floor(Math.min(20_000, 0.999_999 * base * 2 ** retries)));
        expect(backoffDelay(retries, kind, () => 0.999_999)).toBeLessThan(bound);
        expect(backoffDelay(retries, kind, () => 0.5)).toBe(Math.floor(bound / 2));
      }
    }
  });

  it('never exceeds 20 s', () => {
    expect(backoffDelay(30, 'throttling', () => 0.999)).toBe(20_000);
    expect(backoffDelay(8, 'transient', () => 1)).toBe(20_000);
    for (let i = 0; i < 200; i += 1) expect(backoffDelay(i % 40, i % 2 ? 'throttling' : 'transient')).toBeLessThanOrEqual(20_000);
  });

  it.each(['transient', 'throttling'] as const)('%s: the same delays as util-retry 2.2.0 for the same random draws', async (kind) => {
    const draws = [0.13, 0.72, 0.999, 0.5, 0.01];
    const strategy = new StandardRetryStrategy2(10);
    let token = await strategy.acquireInitialRetryToken('');
    for (const [retries, draw] of draws.entries()) {
      vi.spyOn(Math, 'random').mockReturnValueOnce(draw);
      token = await sdk2Retry(strategy, token, kind);
      expect(backoffDelay(retries, kind, () => draw)).toBe(token.getRetryDelay());
    }
  });
});

describe('RetryQuota', () => {
  it('starts with 500 tokens; a retry costs 5 after throttling and 10 after a transient error, as util-retry 2.2.0 charges', async () => {
    const quota = new RetryQuota();
    const strategy = new StandardRetryStrategy2(100);
    let token = await strategy.acquireInitialRetryToken('');
    expect(quota.available).toBe(strategy.getCapacity());
    for (const kind of ['throttling', 'transient', 'transient', 'throttling'] as const) {
      vi.spyOn(Math, 'random').mockReturnValueOnce(0);
      token = await sdk2Retry(strategy, token, kind);
      expect(quota.take(kind)).toBe(token.getRetryCost());
      expect(quota.available).toBe(strategy.getCapacity());
    }
    expect(quota.available).toBe(500 - 5 - 10 - 10 - 5);
  });

  it('refuses a retry it cannot pay for, and then each retry it can', () => {
    const quota = new RetryQuota();
    for (let i = 0; i < 50; i += 1) expect(quota.take('transient')).toBe(10);
    expect(quota.available).toBe(0);
    expect(quota.take('transient')).toBeNull();
    expect(quota.take('throttling')).toBeNull();
    quota.release(null);
    expect(quota.available).toBe(1);
    expect(quota.take('throttling')).toBeNull();
    for (let i = 0; i < 4; i += 1) quota.release(null);
    expect(quota.take('throttling')).toBe(5);
    expect(quota.take('throttling')).toBeNull();
  });

  it('a success gives back what its retry cost, else 1, never above 500 (as the current SDK; 2.2.0 refilled to 500 at once, a bug since fixed)', async () => {
    const quota = new RetryQuota();
    quota.take('transient');
    quota.take('throttling');
    quota.release(10);
    expect(quota.available).toBe(495);
    quota.release(null);
    expect(quota.available).toBe(496);
    for (let i = 0; i < 10; i += 1) quota.release(5);
    expect(quota.available).toBe(500);

    const current = new core.StandardRetryStrategy(3);
    const initial = await current.acquireInitialRetryToken('');
    current.recordSuccess(initial);
    expect(current.getCapacity()).toBe(500); // min(500, 500 + 1)

    const old = new StandardRetryStrategy2(3);
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const retried = await sdk2Retry(old, await old.acquireInitialRetryToken(''), 'transient');
    expect(old.getCapacity()).toBe(490);
    old.recordSuccess(retried);
    expect(old.getCapacity()).toBe(500); // Math.max(500, 490 + 10): the 2.2.0 refill
  });

  it('its numbers are util-retry 2.2.0’s constants', () => {
    const numbers = (source: typeof retry | typeof sdkRetry2) => ({
      attempts: source.DEFAULT_MAX_ATTEMPTS,
      tokens: source.INITIAL_RETRY_TOKENS,
      cost: source.RETRY_COST,
      timeoutCost: source.TIMEOUT_RETRY_COST,
      increment: source.NO_RETRY_INCREMENT,
      base: source.DEFAULT_RETRY_DELAY_BASE,
      throttlingBase: source.THROTTLING_RETRY_DELAY_BASE,
      max: source.MAXIMUM_RETRY_DELAY,
    });
    expect(numbers(retry)).toEqual(numbers(sdkRetry2));
    expect(numbers(retry)).toEqual({ attempts: 3, tokens: 500, cost: 5, timeoutCost: 10, increment: 1, base: 100, throttlingBase: 500, max: 20_000 });
  });
});

describe('what the installed 3.11xx clients do instead (@smithy/core 3.41, its "2026" retry behaviour)', () => {
  it('a retry costs 14 (5 after throttling); base delays 50 ms, and 1 s after throttling', async () => {
    expect(core.Retry.v2026).toBe(true);
    vi.spyOn(Math, 'random').mockReturnValue(0.1);
    const strategy = new core.StandardRetryStrategy(10);
    const first = await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(''), { errorType: 'TRANSIENT' });
    expect([first.getRetryCost(), first.$retryLog?.acquisitionDelay, strategy.getCapacity()]).toEqual([14, 5, 486]); // 0.1 × 50
    const second = await strategy.refreshRetryTokenForRetry(first, { errorType: 'THROTTLING' });
    expect([second.getRetryCost(), second.$retryLog?.acquisitionDelay, strategy.getCapacity()]).toEqual([5, 200, 481]); // 0.1 × 1000 × 2
    // The product: 10 and 5 tokens, 0.1 × 100 and 0.1 × 500 × 2.
    expect([backoffDelay(0, 'transient', () => 0.1), backoffDelay(1, 'throttling', () => 0.1)]).toEqual([10, 100]);
  });

  it('DynamoDB: 4 attempts (the product makes 3)', async () => {
    const request = await captureSdkRequest(new Ddb.DynamoDBClient({ region: REGION, credentials: CREDENTIALS }), new Ddb.GetItemCommand({ TableName: 't', Key: {} }));
    expect(request.headers['amz-sdk-request']).toBe('attempt=1; max=4');
    expect(retry.DEFAULT_MAX_ATTEMPTS).toBe(3);
  });
});

// ---- Whole calls against a local server ----

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Answer = (request: Received, n: number, res: ServerResponse) => void;

async function localServer(answer: Answer): Promise<{ endpoint: string; port: number; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(request);
      answer(request, received.length, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  servers.push(server);
  return { endpoint: `http://127.0.0.1:${port}`, port, received, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
});

function jsonAnswer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `REQ${status}`, ...headers });
  res.end(JSON.stringify(body));
}

function ddbClient(endpoint: string, options: Partial<ConstructorParameters<typeof ServiceClient>[1]> = {}) {
  const delays: Array<[number, ErrorKind]> = [];
  const client = new ServiceClient<DynamoDbOperations>(DYNAMODB, {
    region: REGION,
    credentials: CREDENTIALS,
    endpoint,
    retryDelay: (retries, kind) => {
      delays.push([retries, kind]);
      return 0;
    },
    ...options,
  });
  return { client, delays };
}

const GET_ITEM = { TableName: 'pca-remediation-history', Key: { pk: { S: 'event#1' } }, ConsistentRead: true };

/** The SDK's own signer (@smithy/signature-v4) checks the request as it arrived. */
async function sdkSignatureOf(received: Received, port: number, service: string, credentials = CREDENTIALS): Promise<string> {
  const signed = /SignedHeaders=([^,]+)/.exec(String(received.headers.authorization))![1]!.split(';');
  const [path, rawQuery = ''] = received.url.split('?');
  const query = Object.fromEntries(rawQuery.split('&').filter(Boolean).map((pair) => pair.split('=').map(decodeURIComponent) as [string, string]));
  const headers = Object.fromEntries(signed.map((name) => [name, String(received.headers[name])]));
  const signer = new SignatureV4({ credentials, region: REGION, service, sha256: Hash.bind(null, 'sha256'), uriEscapePath: service !== 's3', applyChecksum: service === 's3' });
  const request = await signer.sign(
    { method: received.method, protocol: 'http:', hostname: '127.0.0.1', port, path: path!, query, headers, body: received.body },
    { signingDate: parseAmzDate(String(received.headers['x-amz-date'])) },
  );
  return request.headers.authorization!;
}

describe('ServiceClient round trips (a local server, never AWS)', () => {
  it('503 then 200: two attempts, $metadata.attempts 2, the output read, each attempt signed afresh', async () => {
    const { endpoint, port, received } = await localServer((_request, n, res) =>
      n === 1 ? jsonAnswer(res, 503, { __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable', message: 'busy' }) : jsonAnswer(res, 200, { Item: { pk: { S: 'event#1' } } }),
    );
    const { client, delays } = ddbClient(endpoint);
    const output = await client.send('GetItem', GET_ITEM);
    expect(output.Item).toEqual({ pk: { S: 'event#1' } });
    expect(output.$metadata).toMatchObject({ attempts: 2, httpStatusCode: 200, requestId: 'REQ200', totalRetryDelay: 0 });
    expect(received).toHaveLength(2);
    expect(delays).toEqual([[0, 'transient']]);
    expect(received.map((r) => r.headers['amz-sdk-request'])).toEqual(['attempt=1; max=3', 'attempt=2; max=3']);
    for (const request of received) {
      expect(request).toMatchObject({ method: 'POST', url: '/' });
      expect(request.headers).toMatchObject({ 'x-amz-target': 'DynamoDB_20120810.GetItem', 'content-type': 'application/x-amz-json-1.0', host: `127.0.0.1:${port}` });
      expect(JSON.parse(request.body)).toEqual(GET_ITEM);
      expect(request.headers['content-length']).toBe(String(Buffer.byteLength(request.body)));
      expect(request.headers.authorization).toBe(await sdkSignatureOf(request, port, 'dynamodb'));
    }
    expect(client.retryTokens).toBe(500); // the retry's 10 given back by the success
  });

  it('400 ValidationException: one attempt, the service’s error', async () => {
    const { endpoint, received } = await localServer((_request, _n, res) => jsonAnswer(res, 400, { __type: 'com.amazon.coral.validate#ValidationException', message: 'One or more parameter values were invalid' }));
    const { client, delays } = ddbClient(endpoint);
    const error = await client.send('GetItem', GET_ITEM).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error).toMatchObject({ name: 'ValidationException', $fault: 'client', message: 'One or more parameter values were invalid', $metadata: { httpStatusCode: 400, attempts: 1, requestId: 'REQ400' } });
    expect(received).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('three 500s: the error after three attempts, $metadata.attempts 3, two retries paid for', async () => {
    const { endpoint, received } = await localServer((_request, _n, res) => jsonAnswer(res, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' }));
    const { client, delays } = ddbClient(endpoint);
    await expect(client.send('GetItem', GET_ITEM)).rejects.toMatchObject({ name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500, attempts: 3, totalRetryDelay: 0 } });
    expect(received).toHaveLength(3);
    expect(delays).toEqual([[0, 'transient'], [1, 'transient']]);
    expect(client.retryTokens).toBe(480);
  });

  it('throttling (400 ThrottlingException, then 429): retried as throttling, the waits added up', async () => {
    const { endpoint, received } = await localServer((_request, n, res) => {
      if (n === 1) jsonAnswer(res, 400, { __type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate exceeded' });
      else if (n === 2) jsonAnswer(res, 429, { message: 'Too many requests' });
      else jsonAnswer(res, 200, {});
    });
    const kinds: ErrorKind[] = [];
    const client = new ServiceClient<DynamoDbOperations>(DYNAMODB, { region: REGION, credentials: CREDENTIALS, endpoint, retryDelay: (retries, kind) => (kinds.push(kind), retries + 1) });
    const output = await client.send('GetItem', GET_ITEM);
    expect(output.$metadata).toMatchObject({ attempts: 3, totalRetryDelay: 3 });
    expect(kinds).toEqual(['throttling', 'throttling']);
    expect(received).toHaveLength(3);
    expect(client.retryTokens).toBe(495); // two retries at 5, the last one's 5 given back
  });

  it('maxAttempts 1: no retry', async () => {
    const { endpoint, received } = await localServer((_request, _n, res) => jsonAnswer(res, 503, {}));
    const { client } = ddbClient(endpoint, { maxAttempts: 1 });
    await expect(client.send('GetItem', GET_ITEM)).rejects.toMatchObject({ $metadata: { httpStatusCode: 503, attempts: 1 } });
    expect(received).toHaveLength(1);
  });

  it('a server that never answers: TimeoutError after timeoutMs, retried up to three attempts', async () => {
    const { endpoint, received } = await localServer(() => undefined);
    const { client, delays } = ddbClient(endpoint, { timeoutMs: 200 });
    const started = Date.now();
    const error = await client.send('GetItem', GET_ITEM).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'TimeoutError', $metadata: { attempts: 3 } });
    expect((error as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode).toBeUndefined();
    expect(received).toHaveLength(3);
    expect(delays).toEqual([[0, 'transient'], [1, 'transient']]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 190);
    expect(client.retryTokens).toBe(480);
  });

  it('a timeout then an answer: the second attempt succeeds', async () => {
    const { endpoint, received } = await localServer((_request, n, res) => (n === 1 ? undefined : jsonAnswer(res, 200, { Item: { pk: { S: 'x' } } })));
    const { client } = ddbClient(endpoint, { timeoutMs: 200 });
    await expect(client.send('GetItem', GET_ITEM)).resolves.toMatchObject({ Item: { pk: { S: 'x' } }, $metadata: { attempts: 2 } });
    expect(received).toHaveLength(2);
  });

  it('ECONNREFUSED: retried, then the connection error with $metadata.attempts 3', async () => {
    const { endpoint, server } = await localServer(() => undefined);
    servers.pop();
    server.close();
    await once(server, 'close');
    const { client, delays } = ddbClient(endpoint);
    await expect(client.send('GetItem', GET_ITEM)).rejects.toMatchObject({ code: 'ECONNREFUSED', $metadata: { attempts: 3 } });
    expect(delays).toEqual([[0, 'transient'], [1, 'transient']]);
  });

  it('a clock-skew error whose Date is an hour ahead: signed again with the server’s time and retried (as the SDK corrects it)', async () => {
    const serverTime = new Date(Date.now() + 3_600_000);
    const { endpoint, received } = await localServer((_request, n, res) =>
      n === 1 ? jsonAnswer(res, 400, { __type: 'com.amazon.coral.service#InvalidSignatureException', message: 'Signature not yet current' }, { date: serverTime.toUTCString() }) : jsonAnswer(res, 200, {}),
    );
    const { client, delays } = ddbClient(endpoint);
    await expect(client.send('GetItem', GET_ITEM)).resolves.toMatchObject({ $metadata: { attempts: 2 } });
    expect(delays).toEqual([[0, 'transient']]);
    const [first, second] = received.map((r) => parseAmzDate(String(r.headers['x-amz-date'])).getTime());
    expect(Math.abs(first! - Date.now())).toBeLessThan(60_000);
    expect(Math.abs(second! - serverTime.getTime())).toBeLessThan(60_000);
  });

  it('S3 over a custom endpoint: path-style, the body and Content-MD5 as sent, the signature the SDK’s signer computes for what arrived', async () => {
    const { endpoint, port, received } = await localServer((request, _n, res) => {
      res.writeHead(request.method === 'HEAD' ? 200 : 204, request.method === 'HEAD' ? { 'last-modified': 'Fri, 20 Nov 2026 10:05:07 GMT', 'content-length': '42' } : {});
      res.end();
    });
    const client = new ServiceClient<S3Operations>(S3, { region: REGION, credentials: SESSION_CREDENTIALS, endpoint, retryDelay: () => 0 });
    const policy = '{"Version":"2012-10-17","Statement":[{"Sid":"ü €","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pca-crl.example.com/*"}]}';
    await client.send('PutBucketPolicy', { Bucket: 'pca-crl.example.com', Policy: policy, ExpectedBucketOwner: '111122223333' });
    const head = await client.send('HeadObject', { Bucket: 'pca-crl-111122223333', Key: 'custom path/CRL ü+1.crl' });
    expect(head.LastModified).toEqual(new Date('2026-11-20T10:05:07Z'));
    expect(head.ContentLength).toBe(42);

    const [put, headRequest] = received;
    expect(put).toMatchObject({ method: 'PUT', url: '/pca-crl.example.com/?policy=', body: policy });
    expect(put!.headers).toMatchObject({ 'content-md5': expect.any(String), 'x-amz-expected-bucket-owner': '111122223333', 'x-amz-security-token': SESSION_CREDENTIALS.sessionToken, 'content-length': String(Buffer.byteLength(policy)) });
    expect(headRequest).toMatchObject({ method: 'HEAD', url: '/pca-crl-111122223333/custom%20path/CRL%20%C3%BC%2B1.crl', body: '' });
    for (const request of received) expect(request.headers.authorization).toBe(await sdkSignatureOf(request, port, 's3', SESSION_CREDENTIALS));
  });
});

describe('credentials from the environment', () => {
  it.each<[string, Record<string, string | undefined>, string]>([
    ['neither key', { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }, 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are missing'],
    ['no secret', { AWS_SECRET_ACCESS_KEY: '' }, 'AWS_SECRET_ACCESS_KEY is missing'],
    ['no access key', { AWS_ACCESS_KEY_ID: undefined }, 'AWS_ACCESS_KEY_ID is missing'],
  ])('%s: CredentialsMissing before any request', async (_label, env, message) => {
    const { endpoint, received } = await localServer((_request, _n, res) => jsonAnswer(res, 200, {}));
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const client = new ServiceClient<DynamoDbOperations>(DYNAMODB, { region: REGION, endpoint, retryDelay: () => 0 });
    await expect(client.send('GetItem', GET_ITEM)).rejects.toThrow(expect.objectContaining({ name: 'CredentialsMissing', message: expect.stringContaining(message) }));
    expect(received).toHaveLength(0);
  });

  it('read at each call, with the session token', async () => {
    const { endpoint, port, received } = await localServer((_request, _n, res) => jsonAnswer(res, 200, {}));
    const client = new ServiceClient<DynamoDbOperations>(DYNAMODB, { region: REGION, endpoint });
    vi.stubEnv('AWS_ACCESS_KEY_ID', SESSION_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', SESSION_CREDENTIALS.secretAccessKey);
    vi.stubEnv('AWS_SESSION_TOKEN', SESSION_CREDENTIALS.sessionToken);
    await client.send('GetItem', GET_ITEM);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDROTATED');
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    await client.send('GetItem', GET_ITEM);
    expect(received[0]!.headers['x-amz-security-token']).toBe(SESSION_CREDENTIALS.sessionToken);
    expect(received[0]!.headers.authorization).toBe(await sdkSignatureOf(received[0]!, port, 'dynamodb', SESSION_CREDENTIALS));
    expect(received[1]!.headers).not.toHaveProperty('x-amz-security-token');
    expect(received[1]!.headers.authorization).toContain('Credential=AKIDROTATED/');
  });
});
