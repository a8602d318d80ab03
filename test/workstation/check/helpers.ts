/** What the check and snapshot tests share: the several-CAs account, the read operations, a permission-failure event per CA. */
import { readdirSync, readFileSync } from 'node:fs';
import { parseAccountFile, type AccountFile } from '../../../src/workstation/local/account-file';

export const ROOT = new URL('../../../', import.meta.url);
export const json = (path: string): any => JSON.parse(readFileSync(new URL(path, ROOT), 'utf8'));

export const SEVERAL_CAS = 'test/fixtures/accounts/several-cas.json';
/** The time the several-CAs account's failing CAs last failed (Simulation.CrlFailureAt): its simulated Private CA has done nothing yet. */
export const ACCOUNT_TIME = '2026-11-20T10:00:00Z';

export function severalCas(): AccountFile {
  return parseAccountFile(json(SEVERAL_CAS));
}

export const caArn = (n: number) => `arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/c0ffee00-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * The operations the two commands may send, written out from the Private CA and S3 API
 * references (Get, List and Describe calls only), not imported from the product: a test
 * that finds any other operation in the simulated account's call log fails.
 */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([
  'ListCertificateAuthorities',
  'DescribeCertificateAuthority',
  'GetBucketPolicy',
  'GetPublicAccessBlock',
  'GetBucketOwnershipControls',
  'GetBucketEncryption',
  'GetBucketLocation',
  'ListObjectsV2',
]);

/** Every account file of the repository: the demo's, the tests' fixtures. */
export function everyAccountFile(): string[] {
  return ['events/accounts', 'test/fixtures/accounts'].flatMap((dir) =>
    readdirSync(new URL(`${dir}/`, ROOT))
      .filter((file) => file.endsWith('.json'))
      .map((file) => `${dir}/${file}`),
  );
}

/** A CRL permission failure of CA `arn`, as Private CA sends it (events/crl-s3-permission-failure.json, moved to the CA). */
export function permissionFailure(arn: string, time = ACCOUNT_TIME): Record<string, unknown> {
  return { ...json('events/crl-s3-permission-failure.json'), id: `check-test-${arn.slice(-12)}`, time, resources: [arn] };
}
