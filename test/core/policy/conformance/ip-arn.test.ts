/**
 * IP address and ARN condition operators, from "IAM JSON policy elements: Condition
 * operators" (sections IP address and Amazon Resource Name (ARN) condition operators).
 */
import { describe, expect, it } from 'vitest';
import type { ConditionElement } from '../../../../src/core/policy';
import type { Truth } from '../../../../src/core/policy/truth';
import { ABSENT, judge, PAGES, type KeyFact } from './harness';

type Case = [string, ConditionElement, Record<string, KeyFact>, Truth];

const from = (operator: string, value: string | string[]): ConditionElement => ({ [operator]: { 'aws:SourceIp': value } });
const mixed = from('IpAddress', ['203.0.113.0/24', '2001:DB8:1234:5678::/64']);

describe(`IP address condition operators (${PAGES.operators}#Conditions_IPAddress)`, () => {
  it.each<Case>([
    // "the request must come from the IP range 203.0.113.0 to 203.0.113.255"
    ['IpAddress 203.0.113.0/24, first address of the range', from('IpAddress', '203.0.113.0/24'), { 'aws:SourceIp': '203.0.113.0' }, 'yes'],
    ['IpAddress 203.0.113.0/24, last address of the range', from('IpAddress', '203.0.113.0/24'), { 'aws:SourceIp': '203.0.113.255' }, 'yes'],
    ['IpAddress 203.0.113.0/24, outside the range', from('IpAddress', '203.0.113.0/24'), { 'aws:SourceIp': '203.0.114.1' }, 'no'],
    // "If you specify an IP address without the associated routing prefix, IAM uses the default prefix value of /32."
    ['an IPv4 address without prefix is /32: the same address', from('IpAddress', '203.0.113.7'), { 'aws:SourceIp': '203.0.113.7' }, 'yes'],
    ['an IPv4 address without prefix is /32: the next address', from('IpAddress', '203.0.113.7'), { 'aws:SourceIp': '203.0.113.8' }, 'no'],
    // The page's mix of IPv4 and IPv6 ranges.
    ['mixed list, an IPv4 address in the IPv4 range', mixed, { 'aws:SourceIp': '203.0.113.9' }, 'yes'],
    ['mixed list, an IPv6 address in the /64 (hex digits in any case)', mixed, { 'aws:SourceIp': '2001:db8:1234:5678:abcd::1' }, 'yes'],
    ['mixed list, an IPv6 address outside the /64', mixed, { 'aws:SourceIp': '2001:db8:1234:5679::1' }, 'no'],
    ['mixed list, an IPv4 address outside both', mixed, { 'aws:SourceIp': '198.51.100.1' }, 'no'],
    // "using :: to represent a range of 0s"
    ['"::" stands for zeros: 2001:DB8::/32 holds 2001:db8:0:0:0:0:0:1', from('IpAddress', '2001:DB8::/32'), { 'aws:SourceIp': '2001:db8:0:0:0:0:0:1' }, 'yes'],
    ['an IPv4 range does not hold an IPv6 address', from('IpAddress', '203.0.113.0/24'), { 'aws:SourceIp': '2001:db8::1' }, 'no'],
    // "NotIpAddress: All IP addresses except the specified IP address or range"
    ['NotIpAddress, an address outside the range', from('NotIpAddress', '203.0.113.0/24'), { 'aws:SourceIp': '198.51.100.1' }, 'yes'],
    ['NotIpAddress, an address inside the range', from('NotIpAddress', '203.0.113.0/24'), { 'aws:SourceIp': '203.0.113.5' }, 'no'],
    // "The aws:SourceIp key is always present in the request context, except when the
    // requester uses a VPC endpoint ... In this case, the condition returns false"
    ['IpAddress, request through a VPC endpoint (no aws:SourceIp): false', from('IpAddress', '203.0.113.0/24'), { 'aws:SourceIp': ABSENT }, 'no'],
    ['NotIpAddress, no aws:SourceIp: a negated operator holds', from('NotIpAddress', '203.0.113.0/24'), { 'aws:SourceIp': ABSENT }, 'yes'],
    ['IpAddressIfExists, no aws:SourceIp', from('IpAddressIfExists', '203.0.113.0/24'), { 'aws:SourceIp': ABSENT }, 'yes'],
    // The /32 default is written for addresses in general; for IPv6 it may be meant as
    // the address itself (/128): the address matches under either reading...
    ['an IPv6 address without prefix: the same address', from('IpAddress', '2001:DB8::1'), { 'aws:SourceIp': '2001:db8::1' }, 'yes'],
    ['an IPv6 address without prefix: outside its /32 under either reading', from('IpAddress', '2001:DB8::1'), { 'aws:SourceIp': '2001:db9::1' }, 'no'],
    // ...the rest of its /32 depends on the reading.
    [
      'not documented: an IPv6 address without prefix, another address of its /32',
      from('IpAddress', '2001:DB8::1'),
      { 'aws:SourceIp': '2001:db8:ffff::1' },
      'maybe',
    ],
    // "The value must be in the standard CIDR format" (Access Analyzer: "Type mismatch IP range").
    ['not documented: a prefix longer than the address', from('IpAddress', '203.0.113.0/33'), { 'aws:SourceIp': '203.0.113.1' }, 'maybe'],
    ['not documented: a value that is not an address', from('IpAddress', 'my-office'), { 'aws:SourceIp': '203.0.113.1' }, 'maybe'],
    [
      'You can not use a policy variable with the IpAddress condition operator: not documented what IAM does',
      from('IpAddress', '${aws:SourceIp}'),
      { 'aws:SourceIp': '203.0.113.1' },
      'maybe',
    ],
  ])('%s', (_title, condition, keys, expected) => {
    expect(judge(condition, keys)).toBe(expected);
  });
});

// The page's example: a pattern and a request value where StringLike and ArnLike differ.
const FINANCE = 'arn:aws:someservice:*:111122223333:finance/*';
const STORE = 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt';
// The page's SQS queue policy example: SNS may send only for one topic.
const TOPIC = 'arn:aws:sns:us-east-2:123456789012:TOPIC-ID';
const fromTopic = (operator: string, value = TOPIC): ConditionElement => ({ [operator]: { 'aws:SourceArn': value } });

describe(`Amazon Resource Name (ARN) condition operators (${PAGES.operators}#Conditions_ARN)`, () => {
  it.each<Case>([
    ['StringLike: "the match succeeds" (the first * spans colons)', { StringLike: { 'aws:SourceArn': FINANCE } }, { 'aws:SourceArn': STORE }, 'yes'],
    ['ArnLike, "which matches elements between colons": "the match fails"', { ArnLike: { 'aws:SourceArn': FINANCE } }, { 'aws:SourceArn': STORE }, 'no'],
    ['ArnEquals behaves identically: the match fails', { ArnEquals: { 'aws:SourceArn': FINANCE } }, { 'aws:SourceArn': STORE }, 'no'],
    [
      'ArnLike, a value of that account',
      { ArnLike: { 'aws:SourceArn': FINANCE } },
      { 'aws:SourceArn': 'arn:aws:someservice:us-east-2:111122223333:finance/document.txt' },
      'yes',
    ],
    ['ArnEquals the topic, sent for that topic', fromTopic('ArnEquals'), { 'aws:SourceArn': TOPIC }, 'yes'],
    ['ArnEquals the topic, sent for another topic', fromTopic('ArnEquals'), { 'aws:SourceArn': 'arn:aws:sns:us-east-2:123456789012:OTHER' }, 'no'],
    ['ArnEquals, an IAM user calling directly (no aws:SourceArn): "the condition returns false"', fromTopic('ArnEquals'), { 'aws:SourceArn': ABSENT }, 'no'],
    ['"Case-sensitive matching of the ARN"', fromTopic('ArnEquals'), { 'aws:SourceArn': TOPIC.toLowerCase() }, 'no'],
    [
      '"each can include multi-character match wildcards (*)": any Region',
      fromTopic('ArnLike', 'arn:aws:sns:*:123456789012:TOPIC-ID'),
      { 'aws:SourceArn': TOPIC },
      'yes',
    ],
    ['"or single-character match wildcards (?)"', fromTopic('ArnLike', 'arn:aws:sns:us-east-?:123456789012:TOPIC-?D'), { 'aws:SourceArn': TOPIC }, 'yes'],
    ['ArnEquals takes wildcards too ("behave identically")', fromTopic('ArnEquals', 'arn:aws:sns:us-east-2:*:*'), { 'aws:SourceArn': TOPIC }, 'yes'],
    [
      'a * matches within its component: "us-*" is any us- Region',
      fromTopic('ArnLike', 'arn:aws:sns:us-*:123456789012:TOPIC-ID'),
      { 'aws:SourceArn': TOPIC },
      'yes',
    ],
    [
      'not documented: five components, where only a * spanning a colon could match',
      fromTopic('ArnLike', 'arn:aws:sns:us-*:TOPIC-ID'),
      { 'aws:SourceArn': TOPIC },
      'maybe',
    ],
    ['an empty account component matches only an empty account', fromTopic('ArnLike', 'arn:aws:sns:us-east-2::TOPIC-ID'), { 'aws:SourceArn': TOPIC }, 'no'],
    [
      'the sixth component is the rest of the ARN, colons included',
      { ArnLike: { 'aws:SourceArn': 'arn:aws:someservice:us-east-2:999999999999:store/*' } },
      { 'aws:SourceArn': STORE },
      'yes',
    ],
    [
      'ArnNotEquals "Negated matching for ARN": another topic',
      fromTopic('ArnNotEquals'),
      { 'aws:SourceArn': 'arn:aws:sns:us-east-2:123456789012:OTHER' },
      'yes',
    ],
    ['ArnNotLike behaves identically: the same topic', fromTopic('ArnNotLike'), { 'aws:SourceArn': TOPIC }, 'no'],
    ['ArnNotLike, key absent: "such as ... ArnNotLike ... the condition is true"', fromTopic('ArnNotLike'), { 'aws:SourceArn': ABSENT }, 'yes'],
    ['ArnLikeIfExists, key absent', fromTopic('ArnLikeIfExists'), { 'aws:SourceArn': ABSENT }, 'yes'],
    // "You can use a policy variable with the ARN condition operator."
    [
      'a policy variable in an ARN value',
      fromTopic('ArnLike', 'arn:aws:sns:*:${aws:PrincipalAccount}:*'),
      { 'aws:SourceArn': TOPIC, 'aws:PrincipalAccount': '123456789012' },
      'yes',
    ],
    [
      'a policy variable in an ARN value, another account',
      fromTopic('ArnLike', 'arn:aws:sns:*:${aws:PrincipalAccount}:*'),
      { 'aws:SourceArn': TOPIC, 'aws:PrincipalAccount': '111122223333' },
      'no',
    ],
    // Six components are documented; a pattern or value without them is not.
    [
      'not documented: a pattern of fewer than six components that could match as text',
      fromTopic('ArnLike', 'arn:aws:sns:*'),
      { 'aws:SourceArn': TOPIC },
      'maybe',
    ],
    ['a pattern of fewer than six components that cannot match even as text', fromTopic('ArnLike', 'arn:aws:sqs:*'), { 'aws:SourceArn': TOPIC }, 'no'],
  ])('%s', (_title, condition, keys, expected) => {
    expect(judge(condition, keys)).toBe(expected);
  });
});
