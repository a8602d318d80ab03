/**
 * ...IfExists, Null, the set operators and the combination of keys, values and
 * operators, from "IAM JSON policy elements: Condition operators", "Creating a condition
 * with multiple keys or values", "Single-valued vs. multivalued context keys", "AWS
 * global condition context keys" and IAM Access Analyzer's policy checks.
 */
import { describe, expect, it } from 'vitest';
import type { ConditionElement } from '../../../../src/core/policy';
import type { Truth } from '../../../../src/core/policy/truth';
import { ABSENT, judge, PAGES, type KeyFact } from './harness';

type Case = [string, ConditionElement, Record<string, KeyFact>, Truth];

const instanceTypes = { StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } };
// aws:PrincipalIsAWSService's example: access restricted "unless the request originates
// from vpc-111bbb22 or is from a service principal, such as CloudTrail" (a Deny).
const networkOrService = { StringNotEqualsIfExists: { 'aws:SourceVpc': 'vpc-111bbb22' }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } };
// aws:PrincipalServiceName's example, the same intent with the service's name.
const networkOrCloudTrail = { StringNotEqualsIfExists: { 'aws:SourceVpc': 'vpc-111bbb22', 'aws:PrincipalServiceName': 'cloudtrail.amazonaws.com' } };
const cloudTrail = { 'aws:SourceVpc': ABSENT, 'aws:PrincipalIsAWSService': 'true', 'aws:PrincipalServiceName': 'cloudtrail.amazonaws.com' };

describe(`...IfExists condition operators (${PAGES.operators}#Conditions_IfExists)`, () => {
  it.each<Case>([
    ['StringLikeIfExists, a resource without ec2:InstanceType: "don\'t worry about it"', instanceTypes, { 'ec2:InstanceType': ABSENT }, 'yes'],
    ['StringLikeIfExists, t2.micro', instanceTypes, { 'ec2:InstanceType': 't2.micro' }, 'yes'],
    ['StringLikeIfExists, m5.large', instanceTypes, { 'ec2:InstanceType': 'm5.large' }, 'no'],
    [
      'StringLike without IfExists, a resource without the key: the statement "does not work"',
      { StringLike: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } },
      { 'ec2:InstanceType': ABSENT },
      'no',
    ],
    [
      '"with a negated condition operator like StringNotEqualsIfExists, the request is still denied even if the tag is missing"',
      { StringNotEqualsIfExists: { 'aws:ResourceTag/team': 'pki' } },
      { 'aws:ResourceTag/team': ABSENT },
      'yes',
    ],
    // (from aws:PrincipalIsAWSService, AWS global condition context keys)
    ['the VPC-or-service Deny, CloudTrail writing: not denied', networkOrService, cloudTrail, 'no'],
    [
      'the VPC-or-service Deny, a user in vpc-111bbb22: not denied',
      networkOrService,
      { 'aws:SourceVpc': 'vpc-111bbb22', 'aws:PrincipalIsAWSService': 'false' },
      'no',
    ],
    ['the VPC-or-service Deny, a user elsewhere: denied', networkOrService, { 'aws:SourceVpc': ABSENT, 'aws:PrincipalIsAWSService': 'false' }, 'yes'],
    // (from aws:PrincipalServiceName)
    ['the VPC-or-CloudTrail Deny, CloudTrail writing: not denied', networkOrCloudTrail, cloudTrail, 'no'],
    ['the VPC-or-CloudTrail Deny, a user elsewhere: denied', networkOrCloudTrail, { 'aws:SourceVpc': ABSENT, 'aws:PrincipalServiceName': ABSENT }, 'yes'],
    // Global keys page note: "If either or both keys are not included in the request
    // context, the condition still returns true."
    [
      'IpAddressIfExists + StringEqualsIfExists, neither key in the request',
      { IpAddressIfExists: { 'aws:SourceIp': ['203.0.113.0/24'] }, StringEqualsIfExists: { 'aws:SourceVpc': ['vpc-111bbb22'] } },
      { 'aws:SourceIp': ABSENT, 'aws:SourceVpc': ABSENT },
      'yes',
    ],
    [
      'IpAddressIfExists + StringEqualsIfExists, an address outside the range',
      { IpAddressIfExists: { 'aws:SourceIp': ['203.0.113.0/24'] }, StringEqualsIfExists: { 'aws:SourceVpc': ['vpc-111bbb22'] } },
      { 'aws:SourceIp': '198.51.100.1', 'aws:SourceVpc': ABSENT },
      'no',
    ],
  ])('%s', (_title, condition, keys, expected) => {
    expect(judge(condition, keys)).toBe(expected);
  });
});

describe(`Condition operator to check existence of condition keys (${PAGES.operators}#Conditions_Null)`, () => {
  const noTemporaryCredentials = { Null: { 'aws:TokenIssueTime': 'true' } };
  it.each<Case>([
    ['Null true: "the key doesn\'t exist", long-term credentials', noTemporaryCredentials, { 'aws:TokenIssueTime': ABSENT }, 'yes'],
    ['Null true, temporary credentials: "the key aws:TokenIssueTime exists"', noTemporaryCredentials, { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' }, 'no'],
    [
      'Null false: "the key exists and its value is not null"',
      { Null: { 'aws:TokenIssueTime': 'false' } },
      { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' },
      'yes',
    ],
    ['Null false, key absent', { Null: { 'aws:TokenIssueTime': false } }, { 'aws:TokenIssueTime': ABSENT }, 'no'],
    // "You can add IfExists to the end of any condition operator name except the Null condition"
    ['not documented: NullIfExists', { NullIfExists: { 'aws:TokenIssueTime': 'true' } }, { 'aws:TokenIssueTime': ABSENT }, 'maybe'],
    // "You can not use a policy variable with the Null condition operator."
    [
      'not documented: a policy variable in a Null value',
      { Null: { 'aws:TokenIssueTime': '${aws:SecureTransport}' } },
      { 'aws:TokenIssueTime': ABSENT, 'aws:SecureTransport': 'true' },
      'maybe',
    ],
  ])('%s', (_title, condition, keys, expected) => {
    expect(judge(condition, keys)).toBe(expected);
  });
});

const onlyAllowed = { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['ID', 'Message', 'Tags'] } };
const allowedForEval = { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['PostDateTime', 'Message', 'Tags'] } };
const forbidden = { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': ['ID', 'PostDateTime'] } };

describe(`Set operators ForAllValues and ForAnyValue (${PAGES.multipleKeys}, ${PAGES.multivalued})`, () => {
  it.each<Case>([
    ['ForAllValues, Message and Tags: "the request is allowed"', onlyAllowed, { 'dynamodb:Attributes': ['Message', 'Tags'] }, 'yes'],
    ['ForAllValues, with ID as the table key: "also allowed"', onlyAllowed, { 'dynamodb:Attributes': ['ID', 'Message', 'Tags'] }, 'yes'],
    ['ForAllValues, with UserName: "the request fails"', onlyAllowed, { 'dynamodb:Attributes': ['ID', 'Message', 'UserName'] }, 'no'],
    [
      'ForAllValues, PostDateTime and UserName: "There\'s no match for UserName, so the condition operator returns false"',
      allowedForEval,
      { 'dynamodb:Attributes': ['PostDateTime', 'UserName'] },
      'no',
    ],
    [
      'ForAnyValue, PostDateTime and Message: "there is one match (PostDateTime), so the condition is true"',
      forbidden,
      { 'dynamodb:Attributes': ['PostDateTime', 'Message'] },
      'yes',
    ],
    ['ForAnyValue, UserName only: "The condition returns false"', forbidden, { 'dynamodb:Attributes': ['UserName'] }, 'no'],
    [
      'ForAnyValue, UserName, Message and PostDateTime: "The last test returns true"',
      forbidden,
      { 'dynamodb:Attributes': ['UserName', 'Message', 'PostDateTime'] },
      'yes',
    ],
    // "If the key values in the request resolve to an empty data set, such as an empty
    // list, a condition operator modified by ForAllValues returns true. A condition
    // operator modified by ForAnyValue returns false."
    ['ForAllValues, an empty list in the request', onlyAllowed, { 'dynamodb:Attributes': [] }, 'yes'],
    ['ForAnyValue, an empty list in the request', forbidden, { 'dynamodb:Attributes': [] }, 'no'],
    // ForAllValues "also returns true if there are no keys in the request"; ForAnyValue:
    // "For no matching key or a null dataset, the condition returns false."
    ['ForAllValues, key not in the request', onlyAllowed, { 'dynamodb:Attributes': ABSENT }, 'yes'],
    ['ForAnyValue, key not in the request', forbidden, { 'dynamodb:Attributes': ABSENT }, 'no'],
    // StringLike "can be qualified with set operators"
    [
      'ForAnyValue:StringLike over a multivalued key',
      { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'Cost*' } },
      { 'aws:TagKeys': ['Dept', 'Cost-Center'] },
      'yes',
    ],
    [
      'ForAllValues:StringLike over a multivalued key, one key does not match',
      { 'ForAllValues:StringLike': { 'aws:TagKeys': 'Cost*' } },
      { 'aws:TagKeys': ['Dept', 'Cost-Center'] },
      'no',
    ],
    // Access Analyzer, empty arrays in the policy: "The ForAllValues prefix with an empty
    // condition key matches only if the key ... is missing from the request context",
    // "The ForAnyValue prefix with an empty condition key ... never matches", "The IfExists
    // suffix with an empty condition key matches only if the key ... is missing".
    ['an empty ForAllValues list, key missing', { 'ForAllValues:StringEquals': { 'aws:TagKeys': [] } }, { 'aws:TagKeys': ABSENT }, 'yes'],
    ['an empty ForAllValues list, key present', { 'ForAllValues:StringEquals': { 'aws:TagKeys': [] } }, { 'aws:TagKeys': ['Dept'] }, 'no'],
    ['an empty ForAnyValue list, key present', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [] } }, { 'aws:TagKeys': ['Dept'] }, 'no'],
    ['an empty ForAnyValue list, key missing', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [] } }, { 'aws:TagKeys': ABSENT }, 'no'],
    ['an empty IfExists list, key missing', { StringEqualsIfExists: { 'aws:SourceVpc': [] } }, { 'aws:SourceVpc': ABSENT }, 'yes'],
    ['an empty IfExists list, key present', { StringEqualsIfExists: { 'aws:SourceVpc': [] } }, { 'aws:SourceVpc': 'vpc-1' }, 'no'],
    // "Empty array condition": the condition "returns true and the policy statement
    // provides no permissions": no outcome to rely on.
    ['not documented: an empty list under a plain operator', { StringEquals: { 'aws:SourceVpc': [] } }, { 'aws:SourceVpc': 'vpc-1' }, 'maybe'],
    [
      'not documented: several request values without a set operator',
      { StringEquals: { 'aws:TagKeys': 'Dept' } },
      { 'aws:TagKeys': ['Dept', 'Cost-Center'] },
      'maybe',
    ],
    ['not documented: two set qualifiers', { 'ForAnyValue:ForAllValues:StringEquals': { 'aws:TagKeys': 'Dept' } }, { 'aws:TagKeys': ['Dept'] }, 'maybe'],
  ])('%s', (_title, condition, keys, expected) => {
    expect(judge(condition, keys)).toBe(expected);
  });
});

// "Evaluation logic for conditions with multiple keys or values": the page's condition block.
const block = {
  StringEqualsIgnoreCase: { 'aws:PrincipalTag/department': ['finance', 'hr', 'legal'], 'aws:PrincipalTag/role': ['audit', 'security'] },
  StringEquals: { 'aws:PrincipalAccount': '123456789012' },
};
const user = (department: KeyFact, role: KeyFact, account = '123456789012') => ({
  'aws:PrincipalTag/department': department,
  'aws:PrincipalTag/role': role,
  'aws:PrincipalAccount': account,
});
// "AWS: Allows specific access using MFA within specific dates": conditions "evaluated using a logical AND".
const mfaIn2017 = {
  Bool: { 'aws:MultiFactorAuthPresent': true },
  DateGreaterThan: { 'aws:CurrentTime': '2017-07-01T00:00:00Z' },
  DateLessThan: { 'aws:CurrentTime': '2017-12-31T23:59:59Z' },
};

describe(`Several operators, keys and values (${PAGES.multipleKeys}#reference_policies_multiple-conditions-eval)`, () => {
  it.each<Case>([
    ['both tags with listed values (any case) and the account: "all conditions must resolve to true"', block, user('HR', 'Audit'), 'yes'],
    ['one value of the list is enough ("logical OR")', block, user('legal', 'security'), 'yes'],
    ['a role not listed: keys are ANDed', block, user('finance', 'developer'), 'no'],
    ['no role tag: "must have both principal tag keys"', block, user('finance', ABSENT), 'no'],
    ['another account: operators are ANDed', block, user('finance', 'audit', '111122223333'), 'no'],
    // "if there are multiple aws:PrincipalAccount values in a StringNotEquals condition
    // operator, the string cannot match any of the aws:PrincipalAccount values listed to
    // resolve the condition to true"
    [
      'StringNotEquals with several values, the account is one of them',
      { StringNotEquals: { 'aws:PrincipalAccount': ['111122223333', '123456789012'] } },
      { 'aws:PrincipalAccount': '123456789012' },
      'no',
    ],
    [
      'StringNotEquals with several values, the account is none of them',
      { StringNotEquals: { 'aws:PrincipalAccount': ['111122223333', '123456789012'] } },
      { 'aws:PrincipalAccount': '444455556666' },
      'yes',
    ],
    ['MFA and a date within 2017', mfaIn2017, { 'aws:MultiFactorAuthPresent': 'true', 'aws:CurrentTime': '2017-08-01T00:00:00Z' }, 'yes'],
    ['no MFA, a date within 2017', mfaIn2017, { 'aws:MultiFactorAuthPresent': 'false', 'aws:CurrentTime': '2017-08-01T00:00:00Z' }, 'no'],
    ['an empty Condition block', {}, {}, 'yes'],
  ])('%s', (_title, condition, keys, expected) => {
    expect(judge(condition, keys)).toBe(expected);
  });
});
