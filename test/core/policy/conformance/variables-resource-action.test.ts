/**
 * Policy variables, the Resource element and the Action element, from "IAM policy
 * elements: Variables and tags", "IAM JSON policy elements: Resource" and "IAM JSON
 * policy elements: Action".
 */
import { describe, expect, it } from 'vitest';
import type { ConditionElement } from '../../../../src/core/policy';
import type { Truth } from '../../../../src/core/policy/truth';
import { ABSENT, judge, judgeAction, judgeResource, PAGES, PRESENT, type KeyFact } from './harness';

type Case = [string, ConditionElement, Record<string, KeyFact>, Truth];
type ResourceCase = [string, { Resource: string | string[] } | { NotResource: string | string[] }, string, Record<string, KeyFact>, Truth];

const david = { 'aws:username': 'David' };

describe(`Policy variables in the Condition element (${PAGES.variables}#policy-vars-conditionelement)`, () => {
  it.each<Case>([
    // "Using variables in policies": s3:prefix "${aws:username}/*"; "IAM replaces the
    // variable ${aws:username} with the friendly name of the actual current user".
    [
      "StringLike s3:prefix ${aws:username}/*, David's own prefix",
      { StringLike: { 's3:prefix': ['${aws:username}/*'] } },
      { 's3:prefix': 'David/photos', ...david },
      'yes',
    ],
    [
      "StringLike s3:prefix ${aws:username}/*, another user's prefix",
      { StringLike: { 's3:prefix': ['${aws:username}/*'] } },
      { 's3:prefix': 'Adele/photos', ...david },
      'no',
    ],
    // The SNS topic example: "granted only if the URL matches their AWS user name".
    [
      'StringLike sns:endpoint with the user name',
      { StringLike: { 'sns:endpoint': 'https://example.com/${aws:username}/' }, StringEquals: { 'sns:Protocol': 'https' } },
      { 'sns:endpoint': 'https://example.com/David/', 'sns:Protocol': 'https', ...david },
      'yes',
    ],
    [
      'StringLike sns:endpoint with another name',
      { StringLike: { 'sns:endpoint': 'https://example.com/${aws:username}/' }, StringEquals: { 'sns:Protocol': 'https' } },
      { 'sns:endpoint': 'https://example.com/Adele/', 'sns:Protocol': 'https', ...david },
      'no',
    ],
    // "Key names are case-insensitive. For example, aws:CurrentTime is equivalent to AWS:currenttime."
    [
      'a variable key name in another case',
      { StringEquals: { 'aws:SourceAccount': '${AWS:PrincipalAccount}' } },
      { 'aws:SourceAccount': '111122223333', 'aws:PrincipalAccount': '111122223333' },
      'yes',
    ],
    // "Policy variables with no value": "There is no equal or like value."
    [
      'a variable with no value: StringEquals does not match',
      { StringEquals: { 's3:ExistingObjectTag/Team': '${aws:PrincipalTag/Team}' } },
      { 's3:ExistingObjectTag/Team': 'red', 'aws:PrincipalTag/Team': ABSENT },
      'no',
    ],
    [
      'a variable with no value: StringLike does not match even "*"-like text',
      { StringLike: { 's3:prefix': '${aws:PrincipalTag/Team}*' } },
      { 's3:prefix': 'x', 'aws:PrincipalTag/Team': ABSENT },
      'no',
    ],
    // "Inverted condition operators like StringNotEquals or StringNotLike do match against
    // a null value"; the page's Deny: "Access is specifically denied when aws:principaltag/Team is not set."
    [
      'a variable with no value: StringNotEquals matches (the Deny applies)',
      { StringNotEquals: { 's3:ExistingObjectTag/Team': '${aws:PrincipalTag/Team}' } },
      { 's3:ExistingObjectTag/Team': 'red', 'aws:PrincipalTag/Team': ABSENT },
      'yes',
    ],
    [
      'the same Deny when the tags agree',
      { StringNotEquals: { 's3:ExistingObjectTag/Team': '${aws:PrincipalTag/Team}' } },
      { 's3:ExistingObjectTag/Team': 'red', 'aws:PrincipalTag/Team': 'red' },
      'no',
    ],
    [
      'a variable with no value: StringNotLike matches',
      { StringNotLike: { 's3:prefix': '${aws:PrincipalTag/Team}/*' } },
      { 's3:prefix': 'red/x', 'aws:PrincipalTag/Team': ABSENT },
      'yes',
    ],
    // "Specifying default values": the default stands in when the key has no value.
    [
      'a default value, key without value',
      { StringEquals: { 's3:prefix': "${aws:PrincipalTag/team, 'company-wide'}" } },
      { 's3:prefix': 'company-wide', 'aws:PrincipalTag/team': ABSENT },
      'yes',
    ],
    [
      'a default value, key with a value',
      { StringEquals: { 's3:prefix': "${aws:PrincipalTag/team, 'company-wide'}" } },
      { 's3:prefix': 'company-wide', 'aws:PrincipalTag/team': 'yellow' },
      'no',
    ],
    // "Special characters": ${*}, ${?} and ${$} stand for the characters themselves.
    ['${*} is a literal asterisk in StringLike', { StringLike: { 's3:prefix': 'a${*}b' } }, { 's3:prefix': 'a*b' }, 'yes'],
    ['${*} is not a wildcard', { StringLike: { 's3:prefix': 'a${*}b' } }, { 's3:prefix': 'axb' }, 'no'],
    ['${?} is a literal question mark', { StringLike: { 's3:prefix': 'why${?}' } }, { 's3:prefix': 'why?' }, 'yes'],
    ['${?} is not a single-character wildcard', { StringLike: { 's3:prefix': 'why${?}' } }, { 's3:prefix': 'whyx' }, 'no'],
    ['${$} is a literal dollar sign', { StringEquals: { 's3:prefix': 'cost${$}' } }, { 's3:prefix': 'cost$' }, 'yes'],
    // "If you don't include the Version element and set it to an appropriate version
    // date, variables like ${aws:username} are treated as literal strings in the policy."
    ['no Version: ${aws:username} is literal text', { StringEquals: { 's3:prefix': '${aws:username}' } }, { 's3:prefix': '${aws:username}', ...david }, 'yes'],
    ['no Version: ${aws:username} does not stand for the user', { StringEquals: { 's3:prefix': '${aws:username}' } }, { 's3:prefix': 'David', ...david }, 'no'],
    // "You can use any single-valued condition key as a variable. You can't use a multivalued condition key as a variable."
    [
      'not documented: a multivalued key as a variable',
      { StringEquals: { 's3:prefix': '${aws:TagKeys}' } },
      { 's3:prefix': 'Dept', 'aws:TagKeys': ['Dept', 'Cost-Center'] },
      'maybe',
    ],
    // A key whose value is not known before the request.
    [
      'a variable whose value is not known in advance, where it could match',
      { StringLike: { 's3:prefix': '${aws:userid}/*' } },
      { 's3:prefix': 'AIDA/x', 'aws:userid': PRESENT },
      'maybe',
    ],
    [
      'a variable whose value is not known in advance, where nothing could match',
      { StringLike: { 's3:prefix': 'home/${aws:userid}' } },
      { 's3:prefix': 'work/AIDA', 'aws:userid': PRESENT },
      'no',
    ],
  ])('%s', (title, condition, keys, expected) => {
    const version = title.startsWith('no Version') ? null : '2012-10-17';
    expect(judge(condition, keys, version)).toBe(expected);
  });
});

describe(`Resource element (${PAGES.resource}) and policy variables in it (${PAGES.variables}#policy-vars-resourceelement)`, () => {
  const wildcards = { Resource: 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*' };
  const object = (key: string): string => `arn:aws:s3:::DOC-EXAMPLE-BUCKET/${key}`;
  it.each<ResourceCase>([
    // "Using wildcards in resource ARNs": the objects the page lists as matched...
    ...[
      '1/test/object.jpg',
      '1/2/test/object.jpg',
      '1/2/test/3/object.jpg',
      '1/2/3/test/4/object.jpg',
      '1///test///object.jpg',
      '1/test/.jpg',
      '/test/object.jpg',
      '1/test/',
    ].map((key): ResourceCase => [`DOC-EXAMPLE-BUCKET/*/test/* matches ${key}`, wildcards, object(key), {}, 'yes']),
    // ...and the ones it lists as not matched.
    ...['1-test/object.jpg', 'test/object.jpg', '1/2/test.jpg'].map(
      (key): ResourceCase => [`DOC-EXAMPLE-BUCKET/*/test/* does not match ${key}`, wildcards, object(key), {}, 'no'],
    ),
    ['"all items within a specific Amazon S3 bucket"', { Resource: 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/*' }, object('a/b.txt'), {}, 'yes'],
    ['the bucket/* pattern does not name the bucket itself', { Resource: 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/*' }, 'arn:aws:s3:::DOC-EXAMPLE-BUCKET', {}, 'no'],
    [
      '"all IAM users whose path is /accounting"',
      { Resource: 'arn:aws:iam::111122223333:user/accounting/*' },
      'arn:aws:iam::111122223333:user/accounting/Bob',
      {},
      'yes',
    ],
    ['a wildcard within the account segment only', { Resource: 'arn:aws:sqs:us-east-2:*:queue1' }, 'arn:aws:sqs:us-east-2:111122223333:queue1', {}, 'yes'],
    ['"*" alone is every resource', { Resource: '*' }, 'arn:aws:sqs:us-east-2:111122223333:queue1', {}, 'yes'],
    // "You can't use a wildcard in the service segment": what IAM does then is not documented.
    ['not documented: a wildcard in the service segment', { Resource: 'arn:aws:s*:::DOC-EXAMPLE-BUCKET/*' }, object('x'), {}, 'maybe'],
    // Variables: "IAM replaces the variable ${aws:username} with the friendly name".
    [
      "mybucket/${aws:username}/*, David's object",
      { Resource: 'arn:aws:s3:::mybucket/${aws:username}/*' },
      'arn:aws:s3:::mybucket/David/notes.txt',
      david,
      'yes',
    ],
    [
      "mybucket/${aws:username}/*, Adele's object",
      { Resource: 'arn:aws:s3:::mybucket/${aws:username}/*' },
      'arn:aws:s3:::mybucket/Adele/notes.txt',
      david,
      'no',
    ],
    [
      'user/${aws:username}: David manages his own access keys',
      { Resource: 'arn:aws:iam::111122223333:user/${aws:username}' },
      'arn:aws:iam::111122223333:user/David',
      david,
      'yes',
    ],
    [
      'the queue named after the user in us-east-2',
      { Resource: 'arn:aws:sqs:us-east-2:*:${aws:username}-queue' },
      'arn:aws:sqs:us-east-2:111122223333:David-queue',
      david,
      'yes',
    ],
    [
      'the queue named after the user, in another Region',
      { Resource: 'arn:aws:sqs:us-east-2:*:${aws:username}-queue' },
      'arn:aws:sqs:us-west-2:111122223333:David-queue',
      david,
      'no',
    ],
    [
      'a tag as a variable: "a bucket that is named the same as the value in the requesting user\'s department tag"',
      { Resource: 'arn:aws:s3:::bucket/${aws:PrincipalTag/department}' },
      'arn:aws:s3:::bucket/hr',
      { 'aws:PrincipalTag/department': 'hr' },
      'yes',
    ],
    // "Specifying default values"
    [
      'the team bucket for a principal tagged team=yellow',
      { Resource: "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}" },
      'arn:aws:s3:::DOC-EXAMPLE-BUCKET-yellow',
      { 'aws:PrincipalTag/team': 'yellow' },
      'yes',
    ],
    [
      '"For users without team tags, it sets a default value of company-wide"',
      { Resource: "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}" },
      'arn:aws:s3:::DOC-EXAMPLE-BUCKET-company-wide',
      { 'aws:PrincipalTag/team': ABSENT },
      'yes',
    ],
    [
      '"These users can access only the DOC-EXAMPLE-BUCKET-company-wide bucket"',
      { Resource: "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}" },
      'arn:aws:s3:::DOC-EXAMPLE-BUCKET-yellow',
      { 'aws:PrincipalTag/team': ABSENT },
      'no',
    ],
    // "the resource that includes a policy variable with no value will not match any resource"
    [
      'Resource with a variable with no value matches no resource',
      { Resource: 'arn:aws:s3:::mybucket/${aws:username}/*' },
      'arn:aws:s3:::mybucket/David/notes.txt',
      { 'aws:username': ABSENT },
      'no',
    ],
    // What a NotResource does with it is not documented: excludes nothing, or (the page's
    // note) "might cause the entire statement to be invalid".
    [
      'not documented: NotResource with a variable with no value',
      { NotResource: 'arn:aws:s3:::mybucket/${aws:username}/*' },
      'arn:aws:s3:::mybucket/David/notes.txt',
      { 'aws:username': ABSENT },
      'maybe',
    ],
    [
      'NotResource with a variable with no value, and a pattern that holds the resource',
      { NotResource: ['arn:aws:s3:::mybucket/${aws:username}/*', 'arn:aws:s3:::mybucket/David/*'] },
      'arn:aws:s3:::mybucket/David/notes.txt',
      { 'aws:username': ABSENT },
      'no',
    ],
    // "only in the resource portion of the ARN ... You can't use a variable to replace parts
    // of the ARN before the fifth colon, such as the service or account."
    [
      'not documented: a variable before the fifth colon',
      { Resource: 'arn:aws:iam::${aws:PrincipalAccount}:user/David' },
      'arn:aws:iam::111122223333:user/David',
      { 'aws:PrincipalAccount': '111122223333' },
      'maybe',
    ],
    [
      'no Version: ${aws:username} in Resource is literal text',
      { Resource: 'arn:aws:s3:::mybucket/${aws:username}/*' },
      'arn:aws:s3:::mybucket/David/notes.txt',
      david,
      'no',
    ],
  ])('%s', (title, element, arn, keys, expected) => {
    const version = title.startsWith('no Version') ? null : '2012-10-17';
    expect(judgeResource(element, arn, keys, version)).toBe(expected);
  });
});

describe(`Action element (${PAGES.action})`, () => {
  it.each<[string, { Action: string | string[] } | { NotAction: string | string[] }, string, Truth]>([
    // "The prefix and the action name are case insensitive. For example, iam:ListAccessKeys is the same as IAM:listaccesskeys."
    ['iam:ListAccessKeys is the same as IAM:listaccesskeys', { Action: 'iam:ListAccessKeys' }, 'IAM:listaccesskeys', 'yes'],
    ['"s3:*" applies "to all S3 actions"', { Action: 's3:*' }, 's3:PutObject', 'yes'],
    ['"s3:*" does not apply to another service', { Action: 's3:*' }, 'sqs:SendMessage', 'no'],
    ['"iam:*AccessKey*" includes CreateAccessKey', { Action: 'iam:*AccessKey*' }, 'iam:CreateAccessKey', 'yes'],
    ['"iam:*AccessKey*" includes ListAccessKeys', { Action: 'iam:*AccessKey*' }, 'iam:ListAccessKeys', 'yes'],
    ['"iam:*AccessKey*" does not include ChangePassword', { Action: 'iam:*AccessKey*' }, 'iam:ChangePassword', 'no'],
    ['"You can specify multiple values for the Action element"', { Action: ['sqs:SendMessage', 's3:GetObject'] }, 's3:GetObject', 'yes'],
    ['NotAction matches the actions it does not list', { NotAction: 's3:GetObject' }, 's3:PutObject', 'yes'],
    ['NotAction does not match the actions it lists', { NotAction: 's3:GetObject' }, 's3:GetObject', 'no'],
    // "Policy variables are supported in the Resource and Condition elements" (Access Analyzer, "Variable unsupported in element").
    ['policy variables are not read in Action', { Action: 's3:${aws:username}' }, 's3:David', 'no'],
  ])('%s', (_title, element, action, expected) => {
    expect(judgeAction(element, action)).toBe(expected);
  });
});
