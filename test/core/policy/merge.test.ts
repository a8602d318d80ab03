import { describe, expect, it } from 'vitest';
import {
  analyzeBucketPolicy,
  MAX_POLICY_BYTES,
  mergePcaGrant,
  PolicyParseError,
  PolicyTooLarge,
  requiredPcaStatement,
  type Statement,
} from '../../../src/core/policy';
import {
  ACCOUNT,
  AUDIT_REQUEST,
  BUCKET_ARN,
  CA_ARN,
  CRL_REQUEST,
  documentedGrant,
  OTHER_ACCOUNT,
  OTHER_CA_ARN,
  PCA,
  policyText,
  ROLE_ARN,
  SID,
} from './fixtures';

/** The grant this CA should receive, written out by hand. */
const OUR_GRANT = {
  Sid: SID,
  Effect: 'Allow',
  Principal: { Service: PCA },
  Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl', 's3:GetBucketLocation'],
  Resource: [`${BUCKET_ARN}/*`, BUCKET_ARN],
  Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': CA_ARN } },
};
const withSid = (sid: string) => ({ ...OUR_GRANT, Sid: sid });
const readOnly: Statement = { Sid: 'ReadOnly', Effect: 'Allow', Principal: { AWS: ROLE_ARN }, Action: 's3:GetObject', Resource: `${BUCKET_ARN}/*` };
const wrongAccount = documentedGrant({ Condition: { StringEquals: { 'aws:SourceAccount': OTHER_ACCOUNT } } });

describe('requiredPcaStatement', () => {
  it('writes the grant AWS documents, restricted to the CA, in the request partition', () => {
    // Act
    const statement = requiredPcaStatement({ ...CRL_REQUEST, partition: 'aws-us-gov' }, 'MySid');

    // Assess
    expect(statement).toEqual({
      Sid: 'MySid',
      Effect: 'Allow',
      Principal: { Service: 'acm-pca.amazonaws.com' },
      Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl', 's3:GetBucketLocation'],
      Resource: ['arn:aws-us-gov:s3:::crl-bucket/*', 'arn:aws-us-gov:s3:::crl-bucket'],
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': CA_ARN } },
    });
  });
});

describe('mergePcaGrant: adding the grant', () => {
  it.each([
    ['null', null],
    ['an empty string', ''],
  ])('creates a new policy when the bucket has none (%s)', (_title, text) => {
    // Act
    const result = mergePcaGrant(text, CRL_REQUEST);

    // Assess
    expect(result).toEqual({
      changed: true,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [OUR_GRANT] }),
      added: OUR_GRANT,
      sid: SID,
      sizeBytes: Buffer.byteLength(result.policy, 'utf8'),
    });
  });

  it('appends the grant after the existing statements and keeps every top-level key in its order', () => {
    // Prepare: Statement is not last, and an unknown key is present
    const original = { Id: 'Policy1', Statement: [readOnly], Version: '2012-10-17', Custom: { a: [1, 2] } };

    // Act
    const result = mergePcaGrant(JSON.stringify(original, null, 2), CRL_REQUEST);

    // Assess
    expect(result.changed).toBe(true);
    expect(result.policy).toBe(JSON.stringify({ ...original, Statement: [readOnly, OUR_GRANT] }));
    expect(Object.keys(JSON.parse(result.policy))).toEqual(['Id', 'Statement', 'Version', 'Custom']);
  });

  it('turns a single Statement object into a list of the original and the grant', () => {
    // Prepare
    const text = JSON.stringify({ Version: '2012-10-17', Statement: readOnly });

    // Act
    const result = mergePcaGrant(text, CRL_REQUEST);

    // Assess
    expect(JSON.parse(result.policy)).toEqual({ Version: '2012-10-17', Statement: [readOnly, OUR_GRANT] });
  });

  it('keeps a document without Version without adding one', () => {
    // Prepare
    const text = JSON.stringify({ Statement: [readOnly] });

    // Act
    const result = mergePcaGrant(text, CRL_REQUEST);

    // Assess
    expect(JSON.parse(result.policy)).toEqual({ Statement: [readOnly, OUR_GRANT] });
  });

  it.each<[string, unknown[]]>([
    ['duplicate Sids', [readOnly, { ...readOnly, Action: 's3:ListBucket', Resource: BUCKET_ARN }]],
    [
      'statements without Sid',
      [
        { Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: BUCKET_ARN },
        { ...readOnly, Sid: undefined },
      ],
    ],
    [
      'string and list spellings, conditions and NotPrincipal',
      [
        {
          Sid: 'A',
          Effect: 'Deny',
          NotPrincipal: { AWS: [ROLE_ARN] },
          NotAction: 's3:Get*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': false } },
        },
        {
          Sid: 'B',
          Effect: 'Allow',
          Principal: '*',
          Action: ['s3:GetObject'],
          NotResource: [`${BUCKET_ARN}/private/*`],
          Condition: { NumericLessThan: { 's3:max-keys': 10 } },
        },
      ],
    ],
    ['a statement of a grant to another account', [wrongAccount]],
  ])('keeps %s exactly as they were', (_title, statements) => {
    // Prepare
    const text = JSON.stringify({ Version: '2012-10-17', Statement: statements });

    // Act
    const result = mergePcaGrant(text, CRL_REQUEST);

    // Assess
    const merged = JSON.parse(result.policy) as { Statement: unknown[] };
    expect(merged.Statement.slice(0, -1)).toEqual(JSON.parse(JSON.stringify(statements)));
    expect(merged.Statement.at(-1)).toEqual(OUR_GRANT);
  });

  it("keeps another CA's statement in a shared bucket and adds one for this CA", () => {
    // Prepare
    const theirs = documentedGrant({ Sid: 'OtherCa' }, OTHER_CA_ARN);

    // Act
    const result = mergePcaGrant(policyText([theirs]), CRL_REQUEST);

    // Assess
    expect(JSON.parse(result.policy)).toEqual({ Version: '2012-10-17', Statement: [theirs, OUR_GRANT] });
    expect(analyzeBucketPolicy(result.policy, { ...CRL_REQUEST, caArn: OTHER_CA_ARN }).compliant).toBe(true);
  });

  it('adds the full grant when only 3 of the 4 actions are granted, keeping the partial statement', () => {
    // Prepare
    const partial = documentedGrant({ Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl'] });

    // Act
    const result = mergePcaGrant(policyText([partial]), CRL_REQUEST);

    // Assess
    expect(JSON.parse(result.policy).Statement).toEqual([partial, OUR_GRANT]);
  });

  it.each([
    ['the Sid is free', [readOnly], SID],
    ['a different statement uses the Sid', [{ ...wrongAccount, Sid: SID }], `${SID}2`],
    [
      'the Sid and its suffix 2 are used',
      [
        { ...wrongAccount, Sid: SID },
        { ...readOnly, Sid: `${SID}2` },
      ],
      `${SID}3`,
    ],
    ['the Sid is used in another letter case', [{ ...readOnly, Sid: SID.toLowerCase() }], `${SID}2`],
  ])('names the grant with a free Sid when %s', (_title, statements, sid) => {
    // Act
    const result = mergePcaGrant(policyText(statements as Statement[]), CRL_REQUEST);

    // Assess
    expect(result.sid).toBe(sid);
    expect(JSON.parse(result.policy).Statement.at(-1)).toEqual(withSid(sid));
  });

  it('builds the Sid from the CA id without its dashes', () => {
    // Act
    const result = mergePcaGrant(null, { ...CRL_REQUEST, caId: 'abcdef01-2345-6789-abcd-ef0123456789' });

    // Assess
    expect(result.sid).toBe('AllowAcmPcaWriteabcdef0123456789abcdef0123456789');
  });

  it('refuses a policy it cannot read', () => {
    // Act
    const merge = (): unknown => mergePcaGrant('{"Statement": "x"}', CRL_REQUEST);

    // Assess
    expect(merge).toThrow(PolicyParseError);
  });
});

describe('mergePcaGrant: leaving a compliant policy alone', () => {
  it.each<[string, string]>([
    ['the documented grant, pretty-printed', JSON.stringify({ Version: '2012-10-17', Statement: [documentedGrant()] }, null, 4)],
    ["the console's default without aws:SourceArn", policyText(documentedGrant({ Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }))],
    [
      'two statements that together cover the actions',
      policyText([documentedGrant({ Action: 's3:Put*' }), documentedGrant({ Sid: 'B', Action: 's3:GetBucket*' })]),
    ],
    [
      "a grant with a Deny that blocks (Denies are the caller's business)",
      policyText([
        documentedGrant(),
        { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-x' } } },
      ]),
    ],
  ])('returns %s unchanged, byte for byte', (_title, text) => {
    // Act
    const result = mergePcaGrant(text, CRL_REQUEST);

    // Assess
    expect(result).toEqual({ changed: false, policy: text, added: null, sid: null, sizeBytes: Buffer.byteLength(text, 'utf8') });
  });

  it.each<[string, string | null, typeof CRL_REQUEST]>([
    ['no policy', null, CRL_REQUEST],
    ['an unrelated policy with a single Statement object', policyText(readOnly, { Id: 'x' }), CRL_REQUEST],
    ["another CA's grant", policyText([documentedGrant({}, OTHER_CA_ARN)]), CRL_REQUEST],
    ['a grant with the Sid taken', policyText([{ ...wrongAccount, Sid: SID }]), CRL_REQUEST],
    ['an audit report bucket', null, AUDIT_REQUEST],
  ])('is idempotent: merging the merge of %s changes nothing', (_title, text, req) => {
    // Prepare
    const first = mergePcaGrant(text, req);

    // Act
    const second = mergePcaGrant(first.policy, req);

    // Assess
    expect(first.changed).toBe(true);
    expect(second).toEqual({ changed: false, policy: first.policy, added: null, sid: null, sizeBytes: first.sizeBytes });
    expect(analyzeBucketPolicy(first.policy, req).missing).toEqual([]);
  });
});

describe('mergePcaGrant: the 20 KB limit', () => {
  /**
   * A policy whose merge is exactly `target` bytes long, padded with `fill` in a condition
   * value. `growth` is what the merge adds (ASCII, so as many characters as bytes).
   */
  function policyMergingTo(target: number, fill: string): { text: string; growth: number } {
    const build = (padding: string): string => policyText([{ ...readOnly, Condition: { StringEquals: { 'aws:UserAgent': padding } } }]);
    const empty = build('');
    const growth = mergePcaGrant(empty, CRL_REQUEST).sizeBytes - Buffer.byteLength(empty, 'utf8');
    const room = target - growth - Buffer.byteLength(empty, 'utf8');
    const unit = Buffer.byteLength(fill, 'utf8');
    const text = build(fill.repeat(Math.floor(room / unit)) + 'x'.repeat(room % unit));
    expect(Buffer.byteLength(text, 'utf8') + growth).toBe(target);
    return { text, growth };
  }

  it('writes a merged policy of exactly the limit', () => {
    // Prepare
    const { text } = policyMergingTo(MAX_POLICY_BYTES, 'x');

    // Act
    const result = mergePcaGrant(text, CRL_REQUEST);

    // Assess
    expect(result.sizeBytes).toBe(MAX_POLICY_BYTES);
    expect(result.changed).toBe(true);
  });

  it.each([
    ['ASCII', 'x'],
    ['two-byte characters, counted in UTF-8 bytes', 'é'],
  ])('refuses a merged policy one byte over the limit (%s)', (_title, fill) => {
    // Prepare
    const { text } = policyMergingTo(MAX_POLICY_BYTES + 1, fill);

    // Act
    const merge = (): unknown => mergePcaGrant(text, CRL_REQUEST);

    // Assess
    expect(merge).toThrow(PolicyTooLarge);
    expect(merge).toThrow(expect.objectContaining({ name: 'PolicyTooLarge', sizeBytes: MAX_POLICY_BYTES + 1, limitBytes: 20480 }));
    expect(merge).toThrow(/20481 bytes.*20480 bytes/);
  });

  it('counts bytes, not characters: a policy under the limit in characters can be over it in bytes', () => {
    // Prepare
    const { text, growth } = policyMergingTo(MAX_POLICY_BYTES + 1000, 'é');
    const mergedCharacters = text.length + growth;

    // Act
    const merge = (): unknown => mergePcaGrant(text, CRL_REQUEST);

    // Assess
    expect(mergedCharacters).toBeLessThan(MAX_POLICY_BYTES);
    expect(merge).toThrow(PolicyTooLarge);
  });
});
