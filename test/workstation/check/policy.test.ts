/**
 * The read-only policy docs/check-and-snapshot.md gives covers every operation check and
 * snapshot send and nothing more. The operations are taken from the simulated account's
 * call log over every account file; the action each needs is written out here from the
 * operation's API reference page, not taken from src/workstation/check/policy.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checkAccount } from '../../../src/workstation/check/check-account';
import { simulatedClients } from '../../../src/workstation/check/clients';
import { READ_ONLY_POLICY } from '../../../src/workstation/check/policy';
import { SnapshotError, takeSnapshot } from '../../../src/workstation/check/snapshot';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import { loadConfig } from '../../../src/lambda/runtime/config';
import { parseAccountFile } from '../../../src/workstation/local/account-file';
import { RESOURCE_STAR_ALLOWED } from '../../deploy/least-privilege';
import { everyAccountFile, json } from './helpers';

/** Operation → IAM action, as each operation's page says ("you must have the … permission"). */
const ACTION_OF: Record<string, string> = {
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsprivatecertificateauthority.html
  ListCertificateAuthorities: 'acm-pca:ListCertificateAuthorities',
  DescribeCertificateAuthority: 'acm-pca:DescribeCertificateAuthority',
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html
  GetBucketPolicy: 's3:GetBucketPolicy',
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetPublicAccessBlock.html
  GetPublicAccessBlock: 's3:GetBucketPublicAccessBlock',
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketOwnershipControls.html
  GetBucketOwnershipControls: 's3:GetBucketOwnershipControls',
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html
  GetBucketEncryption: 's3:GetEncryptionConfiguration',
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
  GetBucketLocation: 's3:GetBucketLocation',
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html ("s3:ListBucket")
  ListObjectsV2: 's3:ListBucket',
};

afterEach(() => resetClients());

describe('the read-only policy', () => {
  it('grants exactly the actions of the operations check and snapshot send', async () => {
    const sent = new Set<string>();
    for (const path of everyAccountFile()) {
      const file = parseAccountFile(json(path));
      const now = () => new Date('2026-11-20T10:00:00Z');
      const account = simulatedClients(file, { now });
      await checkAccount({ region: file.region, config: loadConfig({ MODE: 'dry-run' }), auditBuckets: file.buckets.map((bucket) => bucket.Name), now });
      await takeSnapshot({ region: file.region, now }).catch((error: unknown) => {
        if (!(error instanceof SnapshotError)) throw error;
      });
      for (const call of account.calls) sent.add(call.operation);
      resetClients();
    }
    const needed = [...sent].map((operation) => ACTION_OF[operation] ?? `no action known for ${operation}`).sort();
    const granted = READ_ONLY_POLICY.Statement.flatMap((statement) => statement.Action).sort();
    expect(granted).toEqual(needed);
  });

  it('uses Resource "*" only for an action with no resource type, and allows nothing else', () => {
    for (const statement of READ_ONLY_POLICY.Statement) {
      expect(statement.Effect).toBe('Allow');
      if (statement.Resource === '*') for (const action of statement.Action) expect(RESOURCE_STAR_ALLOWED).toHaveProperty([action]);
    }
  });
});
