/** Shared inputs of the policy tests: one CA, its bucket, and policy builders. */
import type { PcaWriteRequest, Statement } from '../../../src/core/policy';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const CA_ID = '11111111-2222-3333-4444-555555555555';
export const OTHER_CA_ID = '99999999-8888-7777-6666-555555555555';
export const CA_ARN = `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/${CA_ID}`;
export const OTHER_CA_ARN = `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/${OTHER_CA_ID}`;
export const BUCKET = 'crl-bucket';
export const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
export const TEST_KEY = 'acm-pca-permission-test-key';
export const CRL_KEY = `crl/${CA_ID}.crl`;
export const SID = 'AllowAcmPcaWrite11111111222233334444555555555555';
export const PCA = 'acm-pca.amazonaws.com';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/Admin`;

export const CRL_REQUEST: PcaWriteRequest = {
  partition: 'aws',
  bucket: BUCKET,
  caArn: CA_ARN,
  account: ACCOUNT,
  caId: CA_ID,
  objectKeys: [TEST_KEY, CRL_KEY],
  objectAcl: 'public-read',
};

export const AUDIT_REQUEST: PcaWriteRequest = {
  ...CRL_REQUEST,
  objectKeys: [`audit-report/${CA_ID}/report.json`],
  objectAcl: 'bucket-owner-full-control',
};

export const FOUR_ACTIONS = ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl', 's3:GetBucketLocation'];

/** Every pair the CRL request needs, in the order the analysis reports them. */
export const CRL_PAIRS = [
  { action: 's3:GetBucketAcl', resource: BUCKET_ARN },
  { action: 's3:GetBucketLocation', resource: BUCKET_ARN },
  { action: 's3:PutObject', resource: `${BUCKET_ARN}/${TEST_KEY}` },
  { action: 's3:PutObjectAcl', resource: `${BUCKET_ARN}/${TEST_KEY}` },
  { action: 's3:PutObject', resource: `${BUCKET_ARN}/${CRL_KEY}` },
  { action: 's3:PutObjectAcl', resource: `${BUCKET_ARN}/${CRL_KEY}` },
];
export const CRL_BUCKET_PAIRS = CRL_PAIRS.slice(0, 2);
export const CRL_OBJECT_PAIRS = CRL_PAIRS.slice(2);

/** The grant AWS documents, for `caArn`, written by hand (not by the code under test). */
export function documentedGrant(overrides: Partial<Statement> = {}, caArn = CA_ARN): Statement {
  return {
    Sid: 'AllowPcaCrl',
    Effect: 'Allow',
    Principal: { Service: PCA },
    Action: FOUR_ACTIONS,
    Resource: [`${BUCKET_ARN}/*`, BUCKET_ARN],
    Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': caArn } },
    ...overrides,
  };
}

/** An Allow for PCA on everything in the bucket, with only the given condition. */
export function allowWith(condition: Statement['Condition'], overrides: Partial<Statement> = {}): Statement {
  const statement: Statement = { Effect: 'Allow', Principal: { Service: PCA }, Action: 's3:*', Resource: '*', ...overrides };
  if (condition !== undefined) statement.Condition = condition;
  return statement;
}

export function policyText(statements: Statement | Statement[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ Version: '2012-10-17', ...extra, Statement: statements });
}
