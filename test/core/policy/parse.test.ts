import { describe, expect, it } from 'vitest';
import { describeStatement, parseBucketPolicy, PolicyParseError } from '../../../src/core/policy';
import { documentedGrant } from './fixtures';

const ok = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' };
const withStatement = (statement: unknown): string => JSON.stringify({ Version: '2012-10-17', Statement: statement });
const withFirst = (fields: Record<string, unknown>, drop: string[] = []): string => {
  const statement: Record<string, unknown> = { ...ok, ...fields };
  for (const name of drop) delete statement[name];
  return withStatement([statement]);
};

describe('parseBucketPolicy', () => {
  it.each([
    ['null', null],
    ['an empty string', ''],
    ['whitespace', '  \n'],
  ])('reads %s as "no policy"', (_title, text) => {
    // Act
    const parsed = parseBucketPolicy(text);

    // Assess
    expect(parsed).toEqual({ document: null, statements: [] });
  });

  it.each([
    ['text that is not JSON', 'not a policy', /not valid JSON/],
    ['truncated JSON', '{"Statement": [', /not valid JSON/],
    ['a JSON list', '[]', /must be a JSON object, not a list/],
    ['a JSON string', '"policy"', /must be a JSON object, not a string/],
    ['JSON null', 'null', /must be a JSON object, not null/],
    ['a document without Statement', '{"Version":"2012-10-17"}', /has no Statement/],
    ['Statement as a string', withStatement('Allow everything'), /Statement must be an object or a list, not a string/],
    ['Statement as a number', withStatement(3), /Statement must be an object or a list, not a number/],
    ['Statement as null', withStatement(null), /Statement must be an object or a list, not null/],
    ['a statement that is a string', withStatement(['x']), /statement 1 must be an object, not a string/],
    ['a second statement that is null', withStatement([ok, null]), /statement 2 must be an object, not null/],
    ['a statement that is a list', withStatement([[ok]]), /statement 1 must be an object, not a list/],
    ['Effect in lower case', withFirst({ Effect: 'allow' }), /statement 1 has Effect "allow"; expected "Allow" or "Deny"/],
    ['Effect missing', withFirst({}, ['Effect']), /statement 1 has Effect missing/],
    ['Effect as a boolean', withFirst({ Effect: true }), /statement 1 has Effect true/],
    ['Sid as a number', withFirst({ Sid: 5 }), /statement 1 has a Sid that is not a string/],
    ['both Action and NotAction', withFirst({ NotAction: 's3:*' }), /statement 1 has both Action and NotAction/],
    ['neither Action nor NotAction', withFirst({}, ['Action']), /statement 1 has neither Action nor NotAction/],
    ['Action as a number', withFirst({ Action: 5 }), /statement 1 Action must be a string or a list of strings, not a number/],
    ['Action list with a number', withFirst({ Action: ['s3:GetObject', 5] }), /statement 1 Action must be a string or a list of strings, not a list/],
    ['NotAction as an object', withFirst({ NotAction: { s3: '*' } }, ['Action']), /statement 1 NotAction must be a string or a list of strings, not an object/],
    ['neither Resource nor NotResource', withFirst({}, ['Resource']), /statement 1 has neither Resource nor NotResource/],
    ['both Resource and NotResource', withFirst({ NotResource: '*' }), /statement 1 has both Resource and NotResource/],
    ['Resource as null', withFirst({ Resource: null }), /statement 1 Resource must be a string or a list of strings, not null/],
    ['neither Principal nor NotPrincipal', withFirst({}, ['Principal']), /statement 1 has neither Principal nor NotPrincipal/],
    ['both Principal and NotPrincipal', withFirst({ NotPrincipal: '*' }), /statement 1 has both Principal and NotPrincipal/],
    [
      'Principal as an ARN string',
      withFirst({ Principal: 'arn:aws:iam::111122223333:root' }),
      /statement 1 Principal must be "\*" or an object, not "arn:aws:iam::111122223333:root"/,
    ],
    ['Principal as a list', withFirst({ Principal: ['*'] }), /statement 1 Principal must be "\*" or an object, not a list/],
    [
      'Principal with a numeric AWS value',
      withFirst({ Principal: { AWS: 111122223333 } }),
      /statement 1 Principal.AWS must be a string or a list of strings, not a number/,
    ],
    [
      'NotPrincipal with a Service object value',
      withFirst({ NotPrincipal: { Service: { x: 1 } } }, ['Principal']),
      /statement 1 NotPrincipal.Service must be a string or a list of strings/,
    ],
    ['Condition as a string', withFirst({ Condition: 'always' }), /statement 1 Condition must be an object, not a string/],
    [
      'Condition operator mapped to a string',
      withFirst({ Condition: { StringEquals: 'x' } }),
      /statement 1 Condition operator StringEquals must map keys to values, not a string/,
    ],
    [
      'Condition value as an object',
      withFirst({ Condition: { StringEquals: { 'aws:SourceAccount': { a: 1 } } } }),
      /statement 1 Condition StringEquals aws:SourceAccount must be a string, number, boolean or a list of them/,
    ],
    [
      'Condition value list holding null',
      withFirst({ Condition: { Bool: { 'aws:SecureTransport': [null] } } }),
      /statement 1 Condition Bool aws:SecureTransport must be a string/,
    ],
  ])('refuses %s with a PolicyParseError naming the problem', (_title, text, message) => {
    // Act
    const parse = (): unknown => parseBucketPolicy(text);

    // Assess
    expect(parse).toThrow(PolicyParseError);
    expect(parse).toThrow(message);
  });

  it('names its error PolicyParseError and keeps the JSON error as cause', () => {
    // Act
    let caught: unknown;
    try {
      parseBucketPolicy('{');
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(PolicyParseError);
    expect((caught as Error).name).toBe('PolicyParseError');
    expect((caught as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it.each([
    ['a single statement object', documentedGrant(), 1],
    ['a list of statements', [documentedGrant(), { ...documentedGrant(), Sid: 'Second' }], 2],
    ['an empty statement list', [], 0],
  ])('accepts Statement as %s', (_title, statement, count) => {
    // Act
    const parsed = parseBucketPolicy(withStatement(statement));

    // Assess
    expect(parsed.statements).toHaveLength(count);
    expect(parsed.statements.map((s) => s.index)).toEqual([...Array(count).keys()]);
  });

  it.each([
    ['Action, Resource and Service as strings', { Effect: 'Deny', Principal: { Service: 'x' }, Action: 's3:*', Resource: '*' }],
    ['Action, Resource and Service as lists', { Effect: 'Deny', Principal: { Service: ['x', 'y'] }, Action: ['s3:*'], Resource: ['*'] }],
    [
      'NotPrincipal, NotAction and NotResource',
      { Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::1:root' }, NotAction: 's3:Get*', NotResource: ['a', 'b'] },
    ],
    [
      'condition values as number, boolean and list',
      { ...ok, Condition: { Bool: { 'aws:SecureTransport': true }, StringEquals: { 'aws:SourceAccount': [111122223333, 'x'] } } },
    ],
    ['an unknown condition operator', { ...ok, Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } }],
  ])('accepts a statement with %s and keeps it as written', (_title, statement) => {
    // Act
    const parsed = parseBucketPolicy(withStatement([statement]));

    // Assess
    expect(parsed.statements[0]?.statement).toEqual(statement);
  });

  it.each([
    ['a Sid', { ...ok, Sid: 'Mine' }, 'Mine'],
    ['no Sid', ok, undefined],
    ['an empty Sid', { ...ok, Sid: '' }, undefined],
  ])('records the Sid of a statement with %s', (_title, statement, sid) => {
    // Act
    const parsed = parseBucketPolicy(withStatement([statement]));

    // Assess
    expect(parsed.statements[0]?.sid).toBe(sid);
  });
});

describe('describeStatement', () => {
  it.each([
    [{ index: 1, sid: 'DenyOutsideOrg' }, 'statement 2 (Sid "DenyOutsideOrg")'],
    [{ index: 2 }, 'statement 3 (no Sid)'],
    [{ index: 0, sid: 'A' }, 'statement 1 (Sid "A")'],
  ])('names %j as "%s", counting from 1', (ref, expected) => {
    // Act
    const sentence = describeStatement({ ...ref, statement: documentedGrant() });

    // Assess
    expect(sentence).toBe(expected);
  });
});
