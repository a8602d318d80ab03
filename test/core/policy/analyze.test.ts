import { describe, expect, it } from 'vitest';
import { analyzeBucketPolicy, type Statement } from '../../../src/core/policy';
import {
  ACCOUNT,
  allowWith,
  AUDIT_REQUEST,
  BUCKET_ARN,
  CA_ARN,
  CRL_BUCKET_PAIRS,
  CRL_KEY,
  CRL_OBJECT_PAIRS,
  CRL_PAIRS,
  CRL_REQUEST,
  documentedGrant,
  OTHER_ACCOUNT,
  OTHER_CA_ARN,
  OTHER_CA_ID,
  PCA,
  policyText,
  ROLE_ARN,
  TEST_KEY,
} from './fixtures';

const onlyActions = (actions: string[]) => CRL_PAIRS.filter((pair) => actions.includes(pair.action));

describe('analyzeBucketPolicy: policies that let Private CA write', () => {
  it.each<[string, Statement | Statement[]]>([
    ['the documented grant', [documentedGrant()]],
    ['the documented grant as a single Statement object', documentedGrant()],
    ['one statement per CA in a shared bucket', [documentedGrant({ Sid: 'OtherCa' }, OTHER_CA_ARN), documentedGrant({ Sid: 'ThisCa' })]],
    [
      'aws:SourceArn as a list of CA ARNs',
      [documentedGrant({ Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': [OTHER_CA_ARN, CA_ARN] } } })],
    ],
    ["the console's default without aws:SourceArn", [documentedGrant({ Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } })]],
    [
      'ArnLike on aws:SourceArn with every CA of the account',
      [
        documentedGrant({
          Condition: {
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
            ArnLike: { 'aws:SourceArn': `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/*` },
          },
        }),
      ],
    ],
    ['Principal "*" with the source conditions', [documentedGrant({ Principal: '*' })]],
    ['Principal {"AWS": "*"} with the source conditions', [documentedGrant({ Principal: { AWS: '*' } })]],
    ['Service listed among other services', [documentedGrant({ Principal: { Service: ['cloudtrail.amazonaws.com', PCA] } })]],
    ['Action "s3:*"', [documentedGrant({ Action: 's3:*' })]],
    ['Action "*"', [documentedGrant({ Action: '*' })]],
    [
      'two statements that together cover the four actions',
      [
        documentedGrant({ Sid: 'Objects', Action: ['s3:PutObject', 's3:PutObjectAcl'], Resource: `${BUCKET_ARN}/*` }),
        documentedGrant({ Sid: 'Bucket', Action: ['s3:GetBucketAcl', 's3:GetBucketLocation'], Resource: BUCKET_ARN }),
      ],
    ],
    ['Resource "arn:aws:s3:::crl-bucket*"', [documentedGrant({ Resource: `${BUCKET_ARN}*` })]],
    ['Resource "*"', [documentedGrant({ Resource: '*' })]],
    ['action names in other letter cases', [documentedGrant({ Action: ['S3:PUTOBJECT', 's3:putobjectacl', 'S3:GetBucketAcl', 's3:getbucketlocation'] })]],
    ['action wildcards "s3:Put*" and "s3:Get?ucket*"', [documentedGrant({ Action: ['s3:Put*', 's3:Get?ucket*'] })]],
    ['NotAction naming only other actions', [documentedGrant({ Action: undefined, NotAction: ['s3:DeleteObject', 's3:GetObject'] })]],
    ['NotResource naming only another bucket', [documentedGrant({ Resource: undefined, NotResource: 'arn:aws:s3:::other-bucket/*' })]],
    ['condition key names in lower case', [documentedGrant({ Condition: { StringEquals: { 'aws:sourceaccount': ACCOUNT, 'AWS:SOURCEARN': CA_ARN } } })]],
    ['the account as a JSON number', [documentedGrant({ Condition: { StringEquals: { 'aws:SourceAccount': Number(ACCOUNT) } } })]],
    [
      'an unrelated Deny on s3:DeleteObject beside the grant',
      [documentedGrant(), { Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: `${BUCKET_ARN}/*` }],
    ],
  ])('is compliant with %s', (_title, statements) => {
    // Prepare
    const text = policyText(statements);

    // Act
    const analysis = analyzeBucketPolicy(text, CRL_REQUEST);

    // Assess
    expect(analysis).toMatchObject({ compliant: true, missing: [], blockingDenies: [], uncertainAllows: [] });
  });

  it('finds compliant the documented grant for an audit report key', () => {
    // Act
    const analysis = analyzeBucketPolicy(policyText([documentedGrant()]), AUDIT_REQUEST);

    // Assess
    expect(analysis.compliant).toBe(true);
  });

  it.each([
    ['aws', 'arn:aws:s3:::crl-bucket', true],
    ['aws-cn', 'arn:aws-cn:s3:::crl-bucket', true],
    ['aws-us-gov', 'arn:aws-us-gov:s3:::crl-bucket', true],
    ['aws-cn', 'arn:aws:s3:::crl-bucket', false],
  ] as const)('in partition %s, a grant on %s is compliant: %s', (partition, bucketArn, compliant) => {
    // Prepare
    const text = policyText([documentedGrant({ Resource: [bucketArn, `${bucketArn}/*`] })]);

    // Act
    const analysis = analyzeBucketPolicy(text, { ...CRL_REQUEST, partition });

    // Assess
    expect(analysis.compliant).toBe(compliant);
  });
});

describe('analyzeBucketPolicy: what is missing', () => {
  it.each<[string, string | null, typeof CRL_PAIRS]>([
    ['no policy', null, CRL_PAIRS],
    ['an empty statement list', policyText([]), CRL_PAIRS],
    ['aws:SourceArn naming another CA', policyText([documentedGrant({}, OTHER_CA_ARN)]), CRL_PAIRS],
    ['aws:SourceAccount of another account', policyText([documentedGrant({ Condition: { StringEquals: { 'aws:SourceAccount': OTHER_ACCOUNT } } })]), CRL_PAIRS],
    [
      'only 3 of the 4 actions',
      policyText([documentedGrant({ Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl'] })]),
      onlyActions(['s3:GetBucketLocation']),
    ],
    ['Action "s3:Get*"', policyText([documentedGrant({ Action: 's3:Get*' })]), CRL_OBJECT_PAIRS],
    ['NotAction "s3:Put*"', policyText([documentedGrant({ Action: undefined, NotAction: 's3:Put*' })]), CRL_OBJECT_PAIRS],
    ['object resource limited to crl-bucket/other/*', policyText([documentedGrant({ Resource: [BUCKET_ARN, `${BUCKET_ARN}/other/*`] })]), CRL_OBJECT_PAIRS],
    [
      'object resource naming only the test key',
      policyText([documentedGrant({ Resource: [BUCKET_ARN, `${BUCKET_ARN}/${TEST_KEY}`] })]),
      CRL_OBJECT_PAIRS.filter((pair) => pair.resource.endsWith(CRL_KEY)),
    ],
    ['Resource as the bucket ARN string only', policyText([documentedGrant({ Resource: BUCKET_ARN })]), CRL_OBJECT_PAIRS],
    ['Resource as the objects ARN string only', policyText([documentedGrant({ Resource: `${BUCKET_ARN}/*` })]), CRL_BUCKET_PAIRS],
    ['Resource in other letter case', policyText([documentedGrant({ Resource: 'arn:aws:s3:::CRL-BUCKET*' })]), CRL_PAIRS],
    ['NotResource covering the objects', policyText([documentedGrant({ Resource: undefined, NotResource: `${BUCKET_ARN}/*` })]), CRL_OBJECT_PAIRS],
    ['Principal naming the account root', policyText([documentedGrant({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })]), CRL_PAIRS],
    ['Principal naming the account id', policyText([documentedGrant({ Principal: { AWS: ACCOUNT } })]), CRL_PAIRS],
    ['Principal naming another service', policyText([documentedGrant({ Principal: { Service: 'cloudtrail.amazonaws.com' } })]), CRL_PAIRS],
    ['a Deny only, which grants nothing', policyText([{ ...documentedGrant(), Effect: 'Deny', Principal: { AWS: ROLE_ARN } }]), CRL_PAIRS],
  ])('with %s, reports the pairs no Allow grants', (_title, text, missing) => {
    // Act
    const analysis = analyzeBucketPolicy(text, CRL_REQUEST);

    // Assess
    expect(analysis.missing).toEqual(missing);
    expect(analysis.compliant).toBe(false);
  });

  it('refuses a request that names no object key', () => {
    // Act
    const analyze = (): unknown => analyzeBucketPolicy(null, { ...CRL_REQUEST, objectKeys: [] });

    // Assess
    expect(analyze).toThrow(/at least one object key/);
  });

  it('checks a repeated object key once', () => {
    // Act
    const analysis = analyzeBucketPolicy(null, { ...CRL_REQUEST, objectKeys: [TEST_KEY, CRL_KEY, TEST_KEY] });

    // Assess
    expect(analysis.missing).toEqual(CRL_PAIRS);
  });
});

describe('analyzeBucketPolicy: which statements grant', () => {
  it("lists the statements that certainly grant, not the other CA's", () => {
    // Prepare
    const text = policyText([
      documentedGrant({ Sid: 'OtherCa' }, OTHER_CA_ARN),
      { Effect: 'Allow', Principal: { AWS: ROLE_ARN }, Action: 's3:*', Resource: '*' },
      documentedGrant({ Sid: 'ThisCa' }),
    ]);

    // Act
    const analysis = analyzeBucketPolicy(text, CRL_REQUEST);

    // Assess
    expect(analysis.grantingStatements.map((ref) => [ref.index, ref.sid])).toEqual([[2, 'ThisCa']]);
    expect(analysis.grantingStatements[0]?.statement).toEqual(documentedGrant({ Sid: 'ThisCa' }));
  });

  it('lists both statements when two cover the actions together, and a statement without Sid has no sid', () => {
    // Prepare
    const objects = documentedGrant({ Sid: undefined, Action: 's3:Put*' });
    delete objects.Sid;
    const text = policyText([objects, documentedGrant({ Sid: 'Bucket', Action: 's3:GetBucket*' })]);

    // Act
    const analysis = analyzeBucketPolicy(text, CRL_REQUEST);

    // Assess
    expect(analysis.grantingStatements).toEqual([
      { index: 0, statement: objects },
      { index: 1, sid: 'Bucket', statement: documentedGrant({ Sid: 'Bucket', Action: 's3:GetBucket*' }) },
    ]);
  });
});

describe('analyzeBucketPolicy: Allows that depend on unknown values', () => {
  it.each<[string, Statement['Condition']]>([
    ['aws:SourceIp', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }],
    ['an unknown key', { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'custom:Team': 'pki' } }],
    ['aws:SourceVpce', { StringEquals: { 'aws:SourceVpce': 'vpce-1' } }],
  ])('reports an Allow conditioned on %s as uncertain and keeps its pairs missing', (_title, condition) => {
    // Prepare
    const text = policyText([allowWith(condition, { Sid: 'Maybe' })]);

    // Act
    const analysis = analyzeBucketPolicy(text, CRL_REQUEST);

    // Assess
    expect(analysis.missing).toEqual(CRL_PAIRS);
    expect(analysis.uncertainAllows.map((ref) => ref.sid)).toEqual(['Maybe']);
    expect(analysis.grantingStatements).toEqual([]);
    expect(analysis.compliant).toBe(false);
  });

  it('does not report an uncertain Allow when another statement already grants every pair', () => {
    // Prepare
    const text = policyText([allowWith({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }), documentedGrant()]);

    // Act
    const analysis = analyzeBucketPolicy(text, CRL_REQUEST);

    // Assess
    expect(analysis.uncertainAllows).toEqual([]);
    expect(analysis.compliant).toBe(true);
  });
});

describe('analyzeBucketPolicy: a service principal name in another case (IAM does not say whether case counts)', () => {
  it('takes an Allow naming ACM-PCA.amazonaws.com as an uncertain grant, not a grant', () => {
    const analysis = analyzeBucketPolicy(policyText([documentedGrant({ Sid: 'Upper', Principal: { Service: 'ACM-PCA.amazonaws.com' } })]), CRL_REQUEST);
    expect(analysis.compliant).toBe(false);
    expect(analysis.missing).toEqual(CRL_PAIRS);
    expect(analysis.uncertainAllows.map((ref) => ref.sid)).toEqual(['Upper']);
  });

  it('takes a Deny naming Acm-Pca.amazonaws.com as a possible block', () => {
    const deny: Statement = { Sid: 'Mixed', Effect: 'Deny', Principal: { Service: 'Acm-Pca.amazonaws.com' }, Action: 's3:*', Resource: `${BUCKET_ARN}/*` };
    const analysis = analyzeBucketPolicy(policyText([documentedGrant(), deny]), CRL_REQUEST);
    expect(analysis.blockingDenies.map(({ sid, certainty }) => ({ sid, certainty }))).toEqual([{ sid: 'Mixed', certainty: 'possible' }]);
    expect(analysis.compliant).toBe(false);
  });
});

describe('analyzeBucketPolicy: Denies that block Private CA', () => {
  const ALL_FOUR = ['s3:GetBucketAcl', 's3:GetBucketLocation', 's3:PutObject', 's3:PutObjectAcl'];
  const orgDeny = (extra: Statement['Condition'] = {}): Statement => ({
    Sid: 'DenyOutsideOrg',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
    Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-x' }, ...extra },
  });
  const deny = (fields: Partial<Statement>): Statement => ({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', ...fields });

  it.each<[string, Statement, Array<{ certainty: string; actions: string[] }>]>([
    ['every principal outside the organisation', orgDeny(), [{ certainty: 'certain', actions: ALL_FOUR }]],
    ['outside the organisation unless an AWS service (BoolIfExists)', orgDeny({ BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } }), []],
    ['outside the organisation unless an AWS service (Bool)', orgDeny({ Bool: { 'aws:PrincipalIsAWSService': false } }), []],
    ['requests without TLS', deny({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }), []],
    [
      'every principal except a role (NotPrincipal)',
      deny({ Principal: undefined, NotPrincipal: { AWS: ROLE_ARN } }),
      [{ certainty: 'certain', actions: ALL_FOUR }],
    ],
    ['every principal except a role and Private CA', deny({ Principal: undefined, NotPrincipal: { AWS: ROLE_ARN, Service: PCA } }), []],
    [
      'requests not through VPC endpoint vpce-1',
      deny({ Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } } }),
      [{ certainty: 'possible', actions: ALL_FOUR }],
    ],
    [
      'requests from outside 10.0.0.0/8 (unknown operator)',
      deny({ Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }),
      [{ certainty: 'possible', actions: ALL_FOUR }],
    ],
    ['s3:DeleteObject', deny({ Action: 's3:DeleteObject' }), []],
    ['a role only', deny({ Principal: { AWS: ROLE_ARN } }), []],
    ['another bucket', deny({ Resource: 'arn:aws:s3:::other-bucket/*' }), []],
    [
      'Private CA on s3:PutObjectAcl, unconditionally',
      deny({ Principal: { Service: PCA }, Action: 's3:PutObjectAcl' }),
      [{ certainty: 'certain', actions: ['s3:PutObjectAcl'] }],
    ],
    [
      'everything but the bucket (NotResource)',
      deny({ Resource: undefined, NotResource: BUCKET_ARN }),
      [{ certainty: 'certain', actions: ['s3:PutObject', 's3:PutObjectAcl'] }],
    ],
    ['other source accounts (confused-deputy guard)', deny({ Condition: { StringNotEquals: { 'aws:SourceAccount': ACCOUNT } } }), []],
    [
      'requests from CAs other than another one',
      deny({ Condition: { ArnNotLike: { 'aws:SourceArn': OTHER_CA_ARN } } }),
      [{ certainty: 'certain', actions: ALL_FOUR }],
    ],
    [
      'everything but reads (NotAction s3:Get*)',
      deny({ Action: undefined, NotAction: 's3:Get*' }),
      [{ certainty: 'certain', actions: ['s3:PutObject', 's3:PutObjectAcl'] }],
    ],
  ])('with a Deny of %s, reports the blocking Denies', (_title, denyStatement, expected) => {
    // Prepare
    const text = policyText([documentedGrant(), denyStatement]);

    // Act
    const analysis = analyzeBucketPolicy(text, CRL_REQUEST);

    // Assess
    expect(analysis.blockingDenies.map(({ certainty, actions }) => ({ certainty, actions }))).toEqual(expected);
    expect(analysis.blockingDenies.map((d) => d.index)).toEqual(expected.map(() => 1));
    expect(analysis.missing).toEqual([]);
    expect(analysis.compliant).toBe(expected.length === 0);
  });

  it.each([
    ['public-read', [{ certainty: 'certain', actions: ['s3:PutObject'] }]],
    ['bucket-owner-full-control', []],
  ] as const)('a Deny of s3:PutObject unless the ACL is bucket-owner-full-control, for object ACL %s', (objectAcl, expected) => {
    // Prepare
    const text = policyText([
      documentedGrant(),
      deny({ Action: 's3:PutObject', Condition: { StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } }),
    ]);

    // Act
    const analysis = analyzeBucketPolicy(text, { ...CRL_REQUEST, objectAcl });

    // Assess
    expect(analysis.blockingDenies.map(({ certainty, actions }) => ({ certainty, actions }))).toEqual(expected);
  });

  it('explains a certain block by naming the statement, the actions and the absent key', () => {
    // Prepare
    const text = policyText([documentedGrant(), orgDeny()]);

    // Act
    const [blocking] = analyzeBucketPolicy(text, CRL_REQUEST).blockingDenies;

    // Assess
    expect(blocking).toMatchObject({ index: 1, sid: 'DenyOutsideOrg', statement: orgDeny() });
    expect(blocking?.why).toBe(
      'statement 2 (Sid "DenyOutsideOrg") denies s3:GetBucketAcl, s3:GetBucketLocation, s3:PutObject, s3:PutObjectAcl ' +
        "to every principal; its condition holds for Private CA (aws:PrincipalOrgID is absent from Private CA's request)",
    );
  });

  it('explains a possible block by naming the key whose value is unknown', () => {
    // Prepare
    const text = policyText([deny({ Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } } })]);

    // Act
    const [blocking] = analyzeBucketPolicy(text, CRL_REQUEST).blockingDenies;

    // Assess
    expect(blocking?.why).toBe(
      'statement 1 (no Sid) may deny s3:GetBucketAcl, s3:GetBucketLocation, s3:PutObject, s3:PutObjectAcl ' +
        'to every principal, depending on its condition (aws:SourceVpce is not known in advance)',
    );
  });

  it.each([
    ['an unconditional Deny', deny({ Action: 's3:PutObject*' }), /denies s3:PutObject, s3:PutObjectAcl to every principal, with no condition$/],
    [
      'a NotPrincipal Deny',
      deny({ Principal: undefined, NotPrincipal: { AWS: ROLE_ARN } }),
      /to every principal its NotPrincipal does not name, which includes acm-pca.amazonaws.com/,
    ],
    [
      'a Deny naming Private CA',
      deny({ Principal: { Service: PCA }, Action: 's3:GetBucketAcl' }),
      /denies s3:GetBucketAcl to acm-pca.amazonaws.com, with no condition/,
    ],
    [
      'a Deny on the ACL',
      deny({ Action: 's3:PutObject', Condition: { StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } }),
      /its condition holds for Private CA \(s3:x-amz-acl is "public-read"\)/,
    ],
  ])('explains %s', (_title, denyStatement, why) => {
    // Act
    const [blocking] = analyzeBucketPolicy(policyText([denyStatement]), CRL_REQUEST).blockingDenies;

    // Assess
    expect(blocking?.why).toMatch(why);
  });

  it('reports a Deny that blocks although the Allow grants everything, and every blocking Deny in order', () => {
    // Prepare
    const text = policyText([orgDeny(), documentedGrant(), deny({ Sid: 'NoVpce', Condition: { StringNotEquals: { 'aws:SourceVpce': 'v' } } })]);

    // Act
    const analysis = analyzeBucketPolicy(text, CRL_REQUEST);

    // Assess
    expect(analysis.missing).toEqual([]);
    expect(analysis.blockingDenies.map((d) => [d.index, d.certainty])).toEqual([
      [0, 'certain'],
      [2, 'possible'],
    ]);
    expect(analysis.compliant).toBe(false);
  });

  it('judges a Deny for every CA but one by the CA of the request', () => {
    // Prepare: a Deny for every CA but this one blocks another CA writing to the same bucket
    const text = policyText([
      documentedGrant({ Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }),
      deny({ Condition: { ArnNotEquals: { 'aws:SourceArn': CA_ARN } } }),
    ]);
    const otherCa = { ...CRL_REQUEST, caArn: OTHER_CA_ARN, caId: OTHER_CA_ID };

    // Act
    const mine = analyzeBucketPolicy(text, CRL_REQUEST);
    const theirs = analyzeBucketPolicy(text, otherCa);

    // Assess
    expect(mine.compliant).toBe(true);
    expect(theirs.blockingDenies.map((d) => d.certainty)).toEqual(['certain']);
  });
});
