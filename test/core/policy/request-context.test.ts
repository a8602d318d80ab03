/**
 * The request context of Private CA's writes: one table in request-context.ts, the same
 * table in docs/policy-evaluation.md, and what the evaluator reads from it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lookupKey, PCA_REQUEST_CONTEXT, pcaRequestContext } from '../../../src/core/policy/request-context';
import { CRL_REQUEST } from './fixtures';

const DOC = new URL('../../../docs/policy-evaluation.md', import.meta.url);

function documentedRows(): Array<{ key: string; value: string; sources: string[] }> {
  const text = readFileSync(DOC, 'utf8');
  const table = text.split('<!-- request-context table: start -->')[1]!.split('<!-- request-context table: end -->')[0]!;
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [key, value, , sources] = line.split(' | ').map((cell) => cell.replace(/^\| /, '').replace(/ \|$/, ''));
      return { key: key!.replace(/^`|`$/g, ''), value: value!, sources: [...sources!.matchAll(/<([^>]+)>/g)].map((match) => match[1]!) };
    });
}

describe('the request-context table', () => {
  it('is the same, key for key, value for value and source for source, in docs/policy-evaluation.md', () => {
    // Prepare
    const fromCode = PCA_REQUEST_CONTEXT.map((fact) => ({ key: `${fact.key}${fact.prefix ? '*' : ''}`, value: fact.summary, sources: fact.sources }));

    // Act
    const fromDoc = documentedRows();

    // Assess
    expect(fromDoc).toEqual(fromCode);
  });

  it('names each key once and cites an AWS page for each', () => {
    // Act
    const keys = PCA_REQUEST_CONTEXT.map((fact) => fact.key.toLowerCase());

    // Assess
    expect(new Set(keys).size).toBe(keys.length);
    for (const fact of PCA_REQUEST_CONTEXT) {
      expect(fact.sources.length).toBeGreaterThan(0);
      for (const source of fact.sources) expect(source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
  });
});

describe('pcaRequestContext', () => {
  const put = pcaRequestContext(CRL_REQUEST, 's3:PutObject');
  const getAcl = pcaRequestContext(CRL_REQUEST, 's3:GetBucketAcl');

  it.each([
    ['aws:SourceArn', { state: 'present', values: [CRL_REQUEST.caArn] }],
    ['AWS:SOURCEACCOUNT', { state: 'present', values: [CRL_REQUEST.account] }],
    ['aws:PrincipalServiceName', { state: 'present', values: ['acm-pca.amazonaws.com'] }],
    ['aws:PrincipalIsAWSService', { state: 'present', values: ['true'] }],
    ['aws:SecureTransport', { state: 'present', values: ['true'] }],
    ['s3:x-amz-acl', { state: 'present', values: ['public-read'] }],
    ['aws:PrincipalOrgID', { state: 'absent' }],
    ['aws:PrincipalTag/team', { state: 'absent' }],
    ['aws:PrincipalAccount', { state: 'present-unknown' }],
    ['aws:CurrentTime', { state: 'present-unknown' }],
    ['aws:ResourceAccount', { state: 'present-unknown' }],
    ['aws:SourceIp', { state: 'unknown' }],
    ['aws:SourceVpce', { state: 'unknown' }],
    ['aws:ResourceTag/team', { state: 'unknown' }],
    ['custom:Anything', { state: 'unknown' }],
  ])('for s3:PutObject, %s is %j', (key, state) => {
    expect(lookupKey(put, key)).toEqual(state);
  });

  it('has no canned ACL for the bucket actions', () => {
    expect(lookupKey(getAcl, 's3:x-amz-acl')).toEqual({ state: 'absent' });
  });

  it('knows the bucket owner when the request names it', () => {
    const context = pcaRequestContext({ ...CRL_REQUEST, bucketOwner: '111122223333' }, 's3:PutObject');
    expect(lookupKey(context, 's3:ResourceAccount')).toEqual({ state: 'present', values: ['111122223333'] });
  });
});
