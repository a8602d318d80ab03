/**
 * Which statements S3 would call public (Block Public Access, "The meaning of public"):
 * an Allow for every principal, unless a condition limits it to fixed values of a
 * restricting key. Where the documentation is unclear the function says "public".
 */
import { describe, expect, it } from 'vitest';
import { parseBucketPolicy, publicStatements, type Statement } from '../../../src/core/policy';
import { ACCOUNT, BUCKET_ARN, documentedGrant, policyText, ROLE_ARN } from './fixtures';

/** An Allow of s3:GetObject on the CRLs, for `principal`, with only the given condition. */
function readCrls(principal: Statement['Principal'], condition?: Statement['Condition']): Statement {
  const statement: Statement = { Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: `${BUCKET_ARN}/crl/*` };
  if (condition !== undefined) statement.Condition = condition;
  return statement;
}

const isPublic = (statement: Statement): boolean => publicStatements(parseBucketPolicy(policyText([statement]))).length > 0;

describe('publicStatements: statements S3 would call public', () => {
  it.each<[string, Statement]>([
    ['Principal "*" with no condition', readCrls('*')],
    ['Principal {"AWS": "*"}', readCrls({ AWS: '*' })],
    ['"*" among other AWS principals', readCrls({ AWS: [ROLE_ARN, '*'] })],
    ['NotPrincipal in an Allow', { Effect: 'Allow', NotPrincipal: { AWS: ROLE_ARN }, Action: 's3:GetObject', Resource: `${BUCKET_ARN}/*` }],
    ['a condition on a key that does not restrict the caller (aws:SecureTransport)', readCrls('*', { Bool: { 'aws:SecureTransport': 'true' } })],
    ['StringLike aws:SourceVpc "vpc-*" (the documentation\'s example)', readCrls('*', { StringLike: { 'aws:SourceVpc': 'vpc-*' } })],
    ['StringEquals aws:SourceVpce with a ? in the value', readCrls('*', { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4?' } })],
    ['aws:SourceArn with a policy variable', readCrls('*', { ArnEquals: { 'aws:SourceArn': 'arn:aws:iam::111122223333:user/${aws:username}' } })],
    ['aws:SourceAccount with one fixed and one wildcard value', readCrls('*', { StringLike: { 'aws:SourceAccount': [ACCOUNT, '*'] } })],
    ['StringNotEquals aws:PrincipalOrgID (negated)', readCrls('*', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-exampleorgid' } })],
    ['StringEqualsIfExists aws:SourceVpce (holds without the key)', readCrls('*', { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } })],
    [
      'ForAnyValue:StringEquals aws:PrincipalOrgID (set operators are not trusted)',
      readCrls('*', { 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgID': 'o-exampleorgid' } }),
    ],
    ['Null aws:SourceVpce false', readCrls('*', { Null: { 'aws:SourceVpce': 'false' } })],
    ['aws:userid "AROLEID:*" (unclear in the documentation: taken as public)', readCrls('*', { StringLike: { 'aws:userid': 'AROAEXAMPLEROLEID:*' } })],
    [
      'aws:PrincipalOrgPaths (not a documented restricting key)',
      readCrls('*', { StringEquals: { 'aws:PrincipalOrgPaths': 'o-exampleorgid/r-ab12/ou-ab12-11111111/' } }),
    ],
    ['aws:SourceIp 0.0.0.0/0', readCrls('*', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } })],
    ['aws:SourceIp 0.0.0.0/1 (wider than /8)', readCrls('*', { IpAddress: { 'aws:SourceIp': '0.0.0.0/1' } })],
    ['aws:SourceIp ::/0', readCrls('*', { IpAddress: { 'aws:SourceIp': '::/0' } })],
    ['aws:SourceIp with one narrow and one wide range', readCrls('*', { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '0.0.0.0/0'] } })],
    ['NotIpAddress aws:SourceIp', readCrls('*', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })],
    ['aws:SourceIp with StringEquals instead of IpAddress', readCrls('*', { StringEquals: { 'aws:SourceIp': '203.0.113.7' } })],
    ['aws:SourceIp that is not an address', readCrls('*', { IpAddress: { 'aws:SourceIp': 'example.com' } })],
    // Not standard CIDR notation (read with ipaddr.js): not a fixed set of addresses.
    ['aws:SourceIp with an IPv4 part over 255 (256.0.0.0/8)', readCrls('*', { IpAddress: { 'aws:SourceIp': '256.0.0.0/8' } })],
    ['aws:SourceIp in a legacy IPv4 form (10.1/16)', readCrls('*', { IpAddress: { 'aws:SourceIp': '10.1/16' } })],
    ['aws:SourceIp in hexadecimal (0x0a.0.0.0/8)', readCrls('*', { IpAddress: { 'aws:SourceIp': '0x0a.0.0.0/8' } })],
    ['aws:SourceIp with a prefix longer than the address (10.0.0.0/33)', readCrls('*', { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } })],
    ['aws:SourceIp with an empty prefix (10.0.0.0/)', readCrls('*', { IpAddress: { 'aws:SourceIp': '10.0.0.0/' } })],
    ['aws:SourceIp that is not an IPv6 address (2001:db8:::/48)', readCrls('*', { IpAddress: { 'aws:SourceIp': '2001:db8:::/48' } })],
    ['aws:SourceIp with an IPv6 zone (fe80::1%eth0)', readCrls('*', { IpAddress: { 'aws:SourceIp': 'fe80::1%eth0' } })],
    ['aws:SourceIp 2001:db8::/31 (wider than /32)', readCrls('*', { IpAddress: { 'aws:SourceIp': '2001:db8::/31' } })],
  ])('public: %s', (_title, statement) => {
    expect(isPublic(statement)).toBe(true);
  });

  it.each<[string, Statement]>([
    ['the Private CA grant (service principal, aws:SourceAccount and aws:SourceArn)', documentedGrant()],
    ['an Allow for one role, with no condition', readCrls({ AWS: ROLE_ARN })],
    ['an Allow for an account id', readCrls({ AWS: ACCOUNT })],
    [
      'a Deny for every principal',
      { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `${BUCKET_ARN}/*`, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ],
    ['StringEquals aws:SourceVpce', readCrls('*', { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } })],
    ['StringEquals aws:SourceVpc', readCrls('*', { StringEquals: { 'aws:SourceVpc': 'vpc-111bbb22' } })],
    ['StringEquals aws:PrincipalOrgID', readCrls({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorgid' } })],
    ['StringEquals aws:PrincipalAccount', readCrls('*', { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } })],
    ['ArnEquals aws:PrincipalArn', readCrls('*', { ArnEquals: { 'aws:PrincipalArn': ROLE_ARN } })],
    ['StringEquals aws:SourceAccount as a JSON number', readCrls('*', { StringEquals: { 'aws:SourceAccount': Number(ACCOUNT) } })],
    ['StringEqualsIgnoreCase aws:SourceOwner', readCrls('*', { StringEqualsIgnoreCase: { 'aws:SourceOwner': ACCOUNT } })],
    [
      'StringLike aws:SourceArn without a wildcard',
      readCrls('*', { StringLike: { 'aws:SourceArn': `arn:aws:cloudfront::${ACCOUNT}:distribution/EDFDVBD6EXAMPLE` } }),
    ],
    ['StringEquals aws:userid (no wildcard)', readCrls('*', { StringEquals: { 'aws:userid': 'AIDAEXAMPLEUSERID' } })],
    ['StringEquals s3:DataAccessPointAccount', readCrls('*', { StringEquals: { 's3:DataAccessPointAccount': ACCOUNT } })],
    ['a key name in lower case (aws:sourcevpce)', readCrls('*', { StringEquals: { 'aws:sourcevpce': 'vpce-1a2b3c4d' } })],
    [
      'an unrelated condition ANDed with a restricting one',
      readCrls('*', { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }),
    ],
    ['aws:SourceIp 203.0.113.0/24', readCrls('*', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })],
    ['aws:SourceIp 10.0.0.0/8 (the widest range taken as restricting)', readCrls('*', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })],
    ['aws:SourceIp as a single address', readCrls('*', { IpAddress: { 'aws:SourceIp': '203.0.113.7' } })],
    ['aws:SourceIp 2001:db8::/32', readCrls('*', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } })],
    [
      "aws:SourceIp 2001:DB8:1234:5678::/64 (the operators page's example, upper case)",
      readCrls('*', { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }),
    ],
    ['aws:SourceIp as a single IPv6 address', readCrls('*', { IpAddress: { 'aws:SourceIp': '2001:db8::7' } })],
    ['aws:SourceIp 203.0.113.0/24 written with spaces around it', readCrls('*', { IpAddress: { 'aws:SourceIp': ' 203.0.113.0/24 ' } })],
  ])('not public: %s', (_title, statement) => {
    expect(isPublic(statement)).toBe(false);
  });

  it('names each public statement by index and Sid, in policy order, with the reason', () => {
    // Prepare
    const text = policyText([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: `${BUCKET_ARN}/*`,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      { ...readCrls('*'), Sid: 'PublicReadCrls' },
      documentedGrant(),
      readCrls({ AWS: '*' }),
    ]);

    // Act
    const found = publicStatements(parseBucketPolicy(text));

    // Assess
    expect(found.map(({ index, sid }) => ({ index, sid }))).toEqual([
      { index: 1, sid: 'PublicReadCrls' },
      { index: 3, sid: undefined },
    ]);
    expect(found[0]!.why).toMatch(/Principal "\*"/);
    expect(found[1]!.why).toMatch(/Principal \{"AWS": "\*"\}/);
    expect(found[1]).not.toHaveProperty('sid');
  });

  it('finds nothing in a bucket without a policy', () => {
    expect(publicStatements(parseBucketPolicy(null))).toEqual([]);
  });
});
