/**
 * Shared set-up for the simulated account's tests: the fixtures, a settable clock and
 * real SDK clients attached to an account.
 */
import { readFileSync } from 'node:fs';
import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { parseAccountFile, type AccountFile } from '../../../src/workstation/local/account-file';
import { SimulatedAccount } from '../../../src/workstation/local/simulated-account';

export const CA_ID = '11223344-1234-1122-2233-112233445566';
export const CA_ARN = `arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/${CA_ID}`;
export const CRL_BUCKET = 'pca-crl-111122223333';
export const AUDIT_BUCKET = 'pca-audit-111122223333';
export const CRL_KEY = `crl/${CA_ID}.crl`;
export const FAILURE_AT = '2026-11-20T10:00:00.000Z';

export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../fixtures/accounts/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
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

/** Real SDK v3 clients whose requests are answered by `account` (one attempt each, as the SDK's retries are tested in faults.test.ts). */
export function attachedClients(account: SimulatedAccount) {
  const options = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1, requestHandler: account.requestHandler };
  return { s3: new S3Client(options), pca: new ACMPCAClient(options), sns: new SNSClient(options) };
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
