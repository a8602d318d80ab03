import { describe, expect, it } from 'vitest';
import { mergePcaGrant, PolicyDuplicateKeys, PolicyParseError, repeatedKeys } from '../../../src/core/policy';
import { ACCOUNT, CA_ARN, CRL_REQUEST, documentedGrant, policyText } from './fixtures';

const grant = JSON.stringify(documentedGrant());

describe('repeatedKeys', () => {
  it.each<[string, string, string[]]>([
    ['a policy without repetition', policyText([documentedGrant()]), []],
    ['no policy (an empty text)', '', []],
    ['no policy (whitespace)', ' \n', []],
    ['Version twice at the top', `{"Version":"2012-10-17","Version":"2008-10-17","Statement":[${grant}]}`, ['$.Version']],
    ['Statement twice at the top (a whole list lost)', `{"Version":"2012-10-17","Statement":[${grant}],"Statement":[]}`, ['$.Statement']],
    [
      'a condition key twice in one operator',
      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceArn":"${CA_ARN}","aws:SourceArn":"x"}}}]}`,
      ['$.Statement[0].Condition.StringEquals["aws:SourceArn"]'],
    ],
    [
      'an operator twice in one Condition, in the second statement',
      `{"Statement":[${grant},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":"${ACCOUNT}"},"StringNotEquals":{"aws:PrincipalOrgID":"o-1"}}}]}`,
      ['$.Statement[1].Condition.StringNotEquals'],
    ],
    [
      'Effect twice in a single Statement object',
      `{"Statement":{"Effect":"Allow","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}}`,
      ['$.Statement.Effect'],
    ],
    ['a key three times is reported once', '{"Statement":[],"Id":"a","Id":"b","Id":"c"}', ['$.Id']],
    ['two names that JSON.parse also reads as one ("A" and "\\u0041")', '{"Statement":[],"A":1,"\\u0041":2}', ['$.A']],
    ['the same name in two different objects is no repetition', `{"Statement":[{"Sid":"a","Effect":"Allow"},{"Sid":"b","Effect":"Allow"}]}`, []],
    ['names that differ only in case are different JSON keys', '{"Statement":[],"Id":"a","id":"b"}', []],
    ['repetition deep inside an unknown top-level key', '{"Statement":[],"x-custom":{"a":[{"b":{"c":1,"c":2}}]}}', ['$["x-custom"].a[0].b.c']],
  ])('%s', (_title, text, expected) => {
    // Act
    const paths = repeatedKeys(text);

    // Assess
    expect(paths).toEqual(expected);
  });
});

describe('mergePcaGrant on a policy that repeats a key', () => {
  // JSON.parse keeps the second StringEquals only: a merge would drop the aws:SourceAccount one.
  const text = `{"Version":"2012-10-17","Statement":[{"Sid":"Guard","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"444455556666"},"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}`;

  it('refuses with PolicyDuplicateKeys naming the JSON path, instead of writing a policy without the lost member', () => {
    // Act
    let caught: unknown;
    try {
      mergePcaGrant(text, CRL_REQUEST);
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(PolicyDuplicateKeys);
    expect(caught).toMatchObject({ name: 'PolicyDuplicateKeys', paths: ['$.Statement[0].Condition.StringEquals'], retryable: false });
    expect((caught as Error).message).toContain('$.Statement[0].Condition.StringEquals');
  });

  it('still reports text that is not JSON as PolicyParseError', () => {
    // Act
    const merge = (): unknown => mergePcaGrant('{"Statement": [', CRL_REQUEST);

    // Assess
    expect(merge).toThrow(PolicyParseError);
  });
});
