/**
 * Bool and BinaryEquals, from "IAM JSON policy elements: Condition operators" (sections
 * Boolean and Binary condition operators) and the policy examples the pages link to.
 */
import { describe, expect, it } from 'vitest';
import type { ConditionElement } from '../../../../src/core/policy';
import type { Truth } from '../../../../src/core/policy/truth';
import { ABSENT, judge, PAGES, type KeyFact } from './harness';

type Case = [string, ConditionElement, Record<string, KeyFact>, Truth];

// The page's example denies S3 "if the request is not over SSL".
const notOverSsl = { Bool: { 'aws:SecureTransport': 'false' } };

describe(`Boolean condition operators (${PAGES.operators}#Conditions_Boolean)`, () => {
  it.each<Case>([
    ['Bool aws:SecureTransport "false", request over SSL', notOverSsl, { 'aws:SecureTransport': 'true' }, 'no'],
    ['Bool aws:SecureTransport "false", request not over SSL', notOverSsl, { 'aws:SecureTransport': 'false' }, 'yes'],
    ['Bool "true", request true', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'true' }, 'yes'],
    // "AWS: Allows specific access using MFA within specific dates" writes a JSON boolean.
    [
      'Bool aws:MultiFactorAuthPresent true (JSON boolean), MFA used',
      { Bool: { 'aws:MultiFactorAuthPresent': true } },
      { 'aws:MultiFactorAuthPresent': 'true' },
      'yes',
    ],
    // "Amazon EC2: Requires MFA": {"Bool":{"aws:MultiFactorAuthPresent":false}} should not
    // be used "because that key is not present and cannot be evaluated when MFA is not used".
    ['Bool false, key not present: no match', { Bool: { 'aws:MultiFactorAuthPresent': false } }, { 'aws:MultiFactorAuthPresent': ABSENT }, 'no'],
    ['BoolIfExists false, key not present: true', { BoolIfExists: { 'aws:MultiFactorAuthPresent': false } }, { 'aws:MultiFactorAuthPresent': ABSENT }, 'yes'],
    ['BoolIfExists false, MFA used', { BoolIfExists: { 'aws:MultiFactorAuthPresent': false } }, { 'aws:MultiFactorAuthPresent': 'true' }, 'no'],
    // Access Analyzer, "Invalid condition multiple Boolean": "the condition match might not
    // return the results that you expect".
    ['not documented: several Bool values', { Bool: { 'aws:SecureTransport': ['true', 'false'] } }, { 'aws:SecureTransport': 'true' }, 'maybe'],
    // "Type mismatch Boolean: Add a valid Boolean value (true or false)".
    ['not documented: a Bool value that is neither true nor false', { Bool: { 'aws:SecureTransport': 'yes' } }, { 'aws:SecureTransport': 'true' }, 'maybe'],
    // The operators page says a policy variable may be used with Bool, the variables page
    // ("Condition element") says it may not.
    [
      'not documented: a policy variable in a Bool value',
      { Bool: { 'aws:SecureTransport': '${aws:ViaAWSService}' } },
      { 'aws:SecureTransport': 'true', 'aws:ViaAWSService': 'true' },
      'maybe',
    ],
  ])('%s', (_title, condition, keys, expected) => {
    expect(judge(condition, keys)).toBe(expected);
  });
});

describe(`Binary condition operators (${PAGES.operators}#Conditions_BinaryEquals)`, () => {
  // "It compares the value of the specified key byte for byte against a base-64 encoded
  // representation of the binary value in the policy"; the page's value decodes to
  // "BinaryValueInBase64". The request's bytes are given here in base-64 too.
  const binary = { BinaryEquals: { key: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } };
  const base64 = (text: string): string => Buffer.from(text).toString('base64');

  it.each<Case>([
    ['the same bytes', binary, { key: base64('BinaryValueInBase64') }, 'yes'],
    ['other bytes', binary, { key: base64('BinaryValueInBase65') }, 'no'],
    ['byte for byte: case matters', binary, { key: base64('binaryvalueinbase64') }, 'no'],
    ['key absent: "the values do not match"', binary, { key: ABSENT }, 'no'],
    ['BinaryEqualsIfExists, key absent', { BinaryEqualsIfExists: { key: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }, { key: ABSENT }, 'yes'],
    ['not documented: a policy value that is not base-64', { BinaryEquals: { key: 'not base-64!' } }, { key: base64('x') }, 'maybe'],
  ])('%s', (_title, condition, keys, expected) => {
    expect(judge(condition, keys)).toBe(expected);
  });
});
