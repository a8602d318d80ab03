/**
 * Numeric and Date condition operators, from "IAM JSON policy elements: Condition
 * operators" (sections Numeric and Date condition operators), "IAM JSON policy elements:
 * Condition" (The request context) and the policy examples the pages link to.
 */
import { describe, expect, it } from 'vitest';
import type { ConditionElement } from '../../../../src/core/policy';
import type { Truth } from '../../../../src/core/policy/truth';
import { ABSENT, judge, PAGES, type KeyFact } from './harness';

type Case = [string, ConditionElement, Record<string, KeyFact>, Truth];

const maxKeys = (operator: string, value = '10'): ConditionElement => ({ [operator]: { 's3:max-keys': value } });

describe(`Numeric condition operators (${PAGES.operators}#Conditions_Numeric)`, () => {
  it.each<Case>([
    // The page's example: NumericLessThanEquals s3:max-keys "10" lets a user list "up to 10 objects".
    ['NumericLessThanEquals 10, request 10', maxKeys('NumericLessThanEquals'), { 's3:max-keys': '10' }, 'yes'],
    ['NumericLessThanEquals 10, request 5', maxKeys('NumericLessThanEquals'), { 's3:max-keys': '5' }, 'yes'],
    ['NumericLessThanEquals 10, request 11', maxKeys('NumericLessThanEquals'), { 's3:max-keys': '11' }, 'no'],
    ['NumericLessThanEquals, key absent: "the values do not match"', maxKeys('NumericLessThanEquals'), { 's3:max-keys': ABSENT }, 'no'],
    // The table: Equals, NotEquals, LessThan, LessThanEquals, GreaterThan, GreaterThanEquals.
    ['NumericEquals "Matching"', maxKeys('NumericEquals'), { 's3:max-keys': '10' }, 'yes'],
    ['NumericEquals compares numbers, not text: 10.0 equals 10', maxKeys('NumericEquals'), { 's3:max-keys': '10.0' }, 'yes'],
    ['NumericEquals compares numbers, not text: 010 equals 10', maxKeys('NumericEquals'), { 's3:max-keys': '010' }, 'yes'],
    ['NumericEquals, another number', maxKeys('NumericEquals'), { 's3:max-keys': '11' }, 'no'],
    ['NumericNotEquals "Negated matching", another number', maxKeys('NumericNotEquals'), { 's3:max-keys': '11' }, 'yes'],
    ['NumericNotEquals, the same number', maxKeys('NumericNotEquals'), { 's3:max-keys': '10' }, 'no'],
    ['NumericNotEquals, key absent: a negated operator holds', maxKeys('NumericNotEquals'), { 's3:max-keys': ABSENT }, 'yes'],
    ['NumericLessThan "Less than" matching, equal values', maxKeys('NumericLessThan'), { 's3:max-keys': '10' }, 'no'],
    ['NumericLessThan, smaller value', maxKeys('NumericLessThan'), { 's3:max-keys': '9' }, 'yes'],
    ['NumericGreaterThan "Greater than" matching, equal values', maxKeys('NumericGreaterThan'), { 's3:max-keys': '10' }, 'no'],
    ['NumericGreaterThan, larger value', maxKeys('NumericGreaterThan'), { 's3:max-keys': '100' }, 'yes'],
    ['NumericGreaterThanEquals, equal values', maxKeys('NumericGreaterThanEquals'), { 's3:max-keys': '10' }, 'yes'],
    ['NumericGreaterThanEquals, smaller value', maxKeys('NumericGreaterThanEquals'), { 's3:max-keys': '2' }, 'no'],
    ['a decimal value ("an integer or decimal value"): 2.5 < 10', maxKeys('NumericLessThan'), { 's3:max-keys': '2.5' }, 'yes'],
    ['a negative decimal: -0.5 < 0.25', maxKeys('NumericLessThan', '0.25'), { 's3:max-keys': '-0.5' }, 'yes'],
    ['a JSON number in the policy, as IAM accepts condition values', { NumericLessThanEquals: { 's3:max-keys': 10 } }, { 's3:max-keys': '10' }, 'yes'],
    ['exact beyond 2^53: 9007199254740993 > 9007199254740992', maxKeys('NumericGreaterThan', '9007199254740992'), { 's3:max-keys': '9007199254740993' }, 'yes'],
    // "The request context": NumericLessThanEquals aws:MultiFactorAuthAge "3600".
    [
      'MFA within the last hour: "the condition returns true"',
      { NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '3600' } },
      { 'aws:MultiFactorAuthAge': '1200' },
      'yes',
    ],
    [
      'MFA more than an hour ago: "the condition returns false"',
      { NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '3600' } },
      { 'aws:MultiFactorAuthAge': '7200' },
      'no',
    ],
    [
      'no MFA: "the key is not present, and it won\'t match"',
      { NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '3600' } },
      { 'aws:MultiFactorAuthAge': ABSENT },
      'no',
    ],
    // "Amazon S3: Full access except production": NumericGreaterThanIfExists aws:MultiFactorAuthAge
    // "1800" "returns true if MFA is not present or if the age of the MFA is greater than 30 minutes".
    [
      'NumericGreaterThanIfExists, MFA not present',
      { NumericGreaterThanIfExists: { 'aws:MultiFactorAuthAge': '1800' } },
      { 'aws:MultiFactorAuthAge': ABSENT },
      'yes',
    ],
    [
      'NumericGreaterThanIfExists, MFA 40 minutes old',
      { NumericGreaterThanIfExists: { 'aws:MultiFactorAuthAge': '1800' } },
      { 'aws:MultiFactorAuthAge': '2400' },
      'yes',
    ],
    [
      'NumericGreaterThanIfExists, MFA 10 minutes old',
      { NumericGreaterThanIfExists: { 'aws:MultiFactorAuthAge': '1800' } },
      { 'aws:MultiFactorAuthAge': '600' },
      'no',
    ],
    // "You can not use a policy variable with the Numeric condition operator": what IAM
    // then does is not documented.
    [
      'not documented: a policy variable in a Numeric value',
      maxKeys('NumericEquals', '${aws:username}'),
      { 's3:max-keys': '10', 'aws:username': '10' },
      'maybe',
    ],
    ['not documented: a value that is not a number', maxKeys('NumericEquals', 'ten'), { 's3:max-keys': '10' }, 'maybe'],
  ])('%s', (_title, condition, keys, expected) => {
    expect(judge(condition, keys)).toBe(expected);
  });
});

const issuedAfter = { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } };
// "AWS: Allows specific access using MFA within specific dates": "between July 1, 2017
// and December 31, 2017 (UTC), inclusive".
const in2017 = { DateGreaterThan: { 'aws:CurrentTime': '2017-07-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2017-12-31T23:59:59Z' } };

describe(`Date condition operators (${PAGES.operators}#Conditions_Date)`, () => {
  it.each<Case>([
    // The page's example: credentials "issued in 2020" (DateGreaterThan aws:TokenIssueTime).
    ['DateGreaterThan, credentials issued in June 2020', issuedAfter, { 'aws:TokenIssueTime': '2020-06-01T12:00:00Z' }, 'yes'],
    ['DateGreaterThan, credentials issued in 2019', issuedAfter, { 'aws:TokenIssueTime': '2019-12-31T23:59:59Z' }, 'no'],
    ['DateGreaterThan, the same instant is not after it', issuedAfter, { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' }, 'no'],
    ['DateGreaterThan, access keys (no aws:TokenIssueTime): "the request is denied"', issuedAfter, { 'aws:TokenIssueTime': ABSENT }, 'no'],
    ['within July-December 2017', in2017, { 'aws:CurrentTime': '2017-09-15T08:30:00Z' }, 'yes'],
    ['before July 2017', in2017, { 'aws:CurrentTime': '2017-06-30T23:59:59Z' }, 'no'],
    ['after 2017', in2017, { 'aws:CurrentTime': '2018-01-01T00:00:00Z' }, 'no'],
    // "W3C implementations of the ISO 8601 date formats": a time zone designator shifts the instant.
    [
      'DateEquals, the same instant written with +01:00',
      { DateEquals: { 'aws:CurrentTime': '2020-01-01T01:00:00+01:00' } },
      { 'aws:CurrentTime': '2020-01-01T00:00:00Z' },
      'yes',
    ],
    ['DateEquals, one second apart', { DateEquals: { 'aws:CurrentTime': '2020-01-01T00:00:01Z' } }, { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, 'no'],
    [
      'DateNotEquals "Negated matching"',
      { DateNotEquals: { 'aws:CurrentTime': '2020-01-01T00:00:01Z' } },
      { 'aws:CurrentTime': '2020-01-01T00:00:00Z' },
      'yes',
    ],
    [
      'DateNotEquals, key absent: a negated operator holds',
      { DateNotEquals: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } },
      { 'aws:TokenIssueTime': ABSENT },
      'yes',
    ],
    [
      'DateLessThanEquals "at or before", same instant',
      { DateLessThanEquals: { 'aws:CurrentTime': '2017-12-31T23:59:59Z' } },
      { 'aws:CurrentTime': '2017-12-31T23:59:59Z' },
      'yes',
    ],
    [
      'DateLessThan "before", same instant',
      { DateLessThan: { 'aws:CurrentTime': '2017-12-31T23:59:59Z' } },
      { 'aws:CurrentTime': '2017-12-31T23:59:59Z' },
      'no',
    ],
    [
      'DateGreaterThanEquals "at or after", same instant',
      { DateGreaterThanEquals: { 'aws:CurrentTime': '2017-07-01T00:00:00Z' } },
      { 'aws:CurrentTime': '2017-07-01T00:00:00Z' },
      'yes',
    ],
    ['fractions of a second', { DateLessThan: { 'aws:CurrentTime': '2017-07-01T00:00:00.5Z' } }, { 'aws:CurrentTime': '2017-07-01T00:00:00.25Z' }, 'yes'],
    // "Creating a role for a third-party identity provider" examples write minutes only.
    [
      'a date-time to the minute: "2014-11-30T15:00Z"',
      { DateLessThan: { 'aws:CurrentTime': '2014-11-30T15:00Z' } },
      { 'aws:CurrentTime': '2014-11-30T14:59:59Z' },
      'yes',
    ],
    // "or in epoch (UNIX) time"; 1577836801 is 2020-01-01T00:00:01Z.
    [
      'an epoch value in the policy, an ISO 8601 request value',
      { DateGreaterThan: { 'aws:TokenIssueTime': '1577836801' } },
      { 'aws:TokenIssueTime': '2020-06-01T00:00:00Z' },
      'yes',
    ],
    ['epoch values on both sides (aws:EpochTime)', { DateLessThan: { 'aws:EpochTime': '1577836801' } }, { 'aws:EpochTime': '1577836800' }, 'yes'],
    ['a JSON number as epoch time', { DateEquals: { 'aws:EpochTime': 1577836801 } }, { 'aws:EpochTime': '1577836801' }, 'yes'],
    // Access Analyzer "Type mismatch date" recommends YYYY-MM-DD: a whole day, whatever
    // the time zone IAM reads it in, is settled for instants far from it...
    [
      'a date without a time, an instant a year later',
      { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' } },
      { 'aws:CurrentTime': '2021-01-01T00:00:00Z' },
      'yes',
    ],
    [
      'a date without a time, an instant a year earlier',
      { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' } },
      { 'aws:CurrentTime': '2019-01-01T00:00:00Z' },
      'no',
    ],
    // ...but not for an instant of that day, since IAM does not say which instant it takes.
    [
      'not documented: a date without a time against an instant of that day',
      { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' } },
      { 'aws:CurrentTime': '2020-01-01T06:00:00Z' },
      'maybe',
    ],
    [
      'not documented: a date-time without a time zone, within a day of the request',
      { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00' } },
      { 'aws:CurrentTime': '2020-01-01T03:00:00Z' },
      'maybe',
    ],
    ['not documented: four digits, a year or epoch seconds', { DateGreaterThan: { 'aws:EpochTime': '2020' } }, { 'aws:EpochTime': '1600000000' }, 'maybe'],
    // "Wildcards are not permitted for date condition operators."
    ['not documented: a wildcard in a date', { DateLessThan: { 'aws:CurrentTime': '2017-*' } }, { 'aws:CurrentTime': '2014-11-30T14:59:59Z' }, 'maybe'],
    ['not documented: 31 February', { DateLessThan: { 'aws:CurrentTime': '2017-02-31T00:00:00Z' } }, { 'aws:CurrentTime': '2014-11-30T14:59:59Z' }, 'maybe'],
  ])('%s', (_title, condition, keys, expected) => {
    expect(judge(condition, keys)).toBe(expected);
  });
});
