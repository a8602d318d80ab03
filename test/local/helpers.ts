/**
 * Shared set-up for the simulated account's tests: the fixtures, a settable clock and
 * the product's own AWS clients (src/lib/aws/) answered by an account through its transport.
 */
import { readFileSync } from 'node:fs';
import { ServiceClient, type ClientOptions } from '../../src/lib/aws/client';
import type { HttpRequest } from '../../src/lib/aws/sigv4';
import { ACM_PCA, type AcmPcaOperations } from '../../src/lib/aws/services/acm-pca';
import { S3, type S3Operations } from '../../src/lib/aws/services/s3';
import { SNS, type SnsOperations } from '../../src/lib/aws/services/sns';
import type { ServiceName } from '../../src/lib/clients/registry';
import { parseAccountFile, type AccountFile } from '../../src/local/account-file';
import { SimulatedAccount } from '../../src/local/simulated-account';

export const CA_ID = '11223344-1234-1122-2233-112233445566';
export const CA_ARN = `arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/${CA_ID}`;
export const CRL_BUCKET = 'pca-crl-111122223333';
export const AUDIT_BUCKET = 'pca-audit-111122223333';
export const CRL_KEY = `crl/${CA_ID}.crl`;
export const FAILURE_AT = '2026-11-20T10:00:00.000Z';

export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/accounts/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

export function fixture(name: string): AccountFile {
  return parseAccountFile(fixtureJson(name));
}

/** The grant AWS documents for Private CA (crl-planning), restricted to one CA. */
export function pcaGrantPolicy(bucket = CRL_BUCKET, caArn = CA_ARN): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowPrivateCa',
        Effect: 'Allow',
        Principal: { Service: 'acm-pca.amazonaws.com' },
        Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl', 's3:GetBucketLocation'],
        Resource: [`arn:aws:s3:::${bucket}/*`, `arn:aws:s3:::${bucket}`],
        Condition: { StringEquals: { 'aws:SourceAccount': '111122223333', 'aws:SourceArn': caArn } },
      },
    ],
  });
}

/** A clock the test moves by hand. */
export class TestClock {
  #time: number;
  constructor(start: string) {
    this.#time = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.#time);
  set(time: string): Date {
    this.#time = Date.parse(time);
    return this.now();
  }
}

const clientOptions: ClientOptions = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };

/**
 * The product's clients whose attempts `account` answers (in place of HTTP), with the
 * clients' default retries; `options` over the defaults (e.g. localClientOptions()).
 */
export function attachedClients(account: SimulatedAccount, options: ClientOptions = clientOptions) {
  const settings = { ...options, transport: account.transport };
  const s3 = new ServiceClient<S3Operations>(S3, settings);
  const pca = new ServiceClient<AcmPcaOperations>(ACM_PCA, settings);
  const sns = new ServiceClient<SnsOperations>(SNS, settings);
  return { s3, pca, sns };
}

/**
 * One attempt handed straight to the account's transport, as a client hands it: for the
 * operations the account models (or not) that the product's clients do not send
 * (S3 GetBucketLocation, HeadBucket, DeleteBucket, SNS CreateTopic...).
 */
export function sendThroughTransport(account: SimulatedAccount, service: ServiceName, operation: string, input: Record<string, unknown>) {
  const request: HttpRequest = { method: 'POST', protocol: 'https:', hostname: 'simulated.invalid', path: '/', query: {}, headers: {}, body: '' };
  return account.transport({ service, operation, input, request, attempt: 1 });
}

/** An account from a fixture, after `edit` changes its file, with clients and a clock. */
export function simulate(name: string, start: string, edit: (file: AccountFile) => void = () => {}) {
  const file = fixture(name);
  edit(file);
  const clock = new TestClock(start);
  const account = new SimulatedAccount(file, { now: clock.now });
  return { account, clock, ...attachedClients(account) };
}

export function bucketOf(account: SimulatedAccount, name: string) {
  const bucket = account.toAccountFile().buckets.find((b) => b.Name === name);
  if (!bucket) throw new Error(`no bucket ${name}`);
  return bucket;
}

export function caOf(account: SimulatedAccount, arn = CA_ARN) {
  const ca = account.toAccountFile().certificateAuthorities.find((c) => c.Arn === arn);
  if (!ca) throw new Error(`no CA ${arn}`);
  return ca;
}
