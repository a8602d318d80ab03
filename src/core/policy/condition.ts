/**
 * Evaluation of Condition blocks with IAM's semantics, in three-valued logic. The rules
 * and the pages they come from are in docs/policy-evaluation.md; in short:
 *
 * - several operators, and several keys under one operator, are ANDed; several values
 *   of one key are ORed, and for a negated operator the key must match none of them;
 * - a key missing from the request makes a positive operator false and a negated one
 *   true; `...IfExists` makes it true; `ForAllValues:` is true and `ForAnyValue:` false
 *   for a missing key or an empty set of values; `Null` tests presence itself;
 * - String operators compare strings (StringEquals case-sensitively, ...IgnoreCase
 *   ignoring case, StringLike with `*` and `?`); Numeric operators compare integers or
 *   decimals; Date operators compare instants written in ISO 8601 (W3C profile) or in
 *   epoch seconds (a date without a time stands for every instant of that day, in any
 *   time zone); Bool compares "true"/"false"; BinaryEquals compares bytes, the
 *   policy's written in base-64; IpAddress/NotIpAddress test CIDR ranges (IPv4 and
 *   IPv6, a bare address being /32); Arn operators compare ARNs component by component;
 * - policy variables are replaced in String and ARN operators only.
 *
 * A key whose value is not known before the request, an operator this module does not
 * know, or a value whose reading IAM does not document (a day compared with an instant
 * of that day, a bare IPv6 address, several Bool values, an empty value list, ...) makes the test
 * `maybe`: the workflow then asks a person rather than guess.
 */
import type ipaddr from 'ipaddr.js';
import { parseAddress } from './ip';
import { matchArn, matchesEveryString, matchString } from './pattern';
import { lookupKey, type OperatorFamily, type RequestContext } from './request-context';
import type { ConditionTest } from './statement';
import { all, any, not, truthOf, type Truth } from './truth';

export { lookupKey, type KeyState, type RequestContext } from './request-context';

type Family = OperatorFamily | 'null';
type Comparison = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

interface BaseOperator {
  family: Family;
  negated: boolean;
  comparison: Comparison;
  /** String operators: `*` and `?` are wildcards (StringLike). */
  wildcards: boolean;
  ignoreCase: boolean;
}

interface Operator {
  base: BaseOperator;
  set: 'ForAnyValue' | 'ForAllValues' | null;
  ifExists: boolean;
}

const op = (family: Family, options: Partial<Omit<BaseOperator, 'family'>> = {}): BaseOperator => ({
  family,
  negated: false,
  comparison: 'eq',
  wildcards: false,
  ignoreCase: false,
  ...options,
});

/** Every operator of "IAM JSON policy elements: Condition operators". */
const BASE_OPERATORS: Readonly<Record<string, BaseOperator>> = {
  StringEquals: op('string'),
  StringNotEquals: op('string', { negated: true }),
  StringEqualsIgnoreCase: op('string', { ignoreCase: true }),
  StringNotEqualsIgnoreCase: op('string', { negated: true, ignoreCase: true }),
  StringLike: op('string', { wildcards: true }),
  StringNotLike: op('string', { negated: true, wildcards: true }),
  NumericEquals: op('numeric'),
  NumericNotEquals: op('numeric', { negated: true }),
  NumericLessThan: op('numeric', { comparison: 'lt' }),
  NumericLessThanEquals: op('numeric', { comparison: 'le' }),
  NumericGreaterThan: op('numeric', { comparison: 'gt' }),
  NumericGreaterThanEquals: op('numeric', { comparison: 'ge' }),
  DateEquals: op('date'),
  DateNotEquals: op('date', { negated: true }),
  DateLessThan: op('date', { comparison: 'lt' }),
  DateLessThanEquals: op('date', { comparison: 'le' }),
  DateGreaterThan: op('date', { comparison: 'gt' }),
  DateGreaterThanEquals: op('date', { comparison: 'ge' }),
  Bool: op('bool'),
  BinaryEquals: op('binary'),
  IpAddress: op('ip'),
  NotIpAddress: op('ip', { negated: true }),
  // "The ArnEquals and ArnLike condition operators behave identically."
  ArnEquals: op('arn'),
  ArnLike: op('arn'),
  ArnNotEquals: op('arn', { negated: true }),
  ArnNotLike: op('arn', { negated: true }),
  Null: op('null'),
};

/** Operator names are matched as AWS spells them; anything else is unsupported (null). */
export function parseOperator(name: string): Operator | null {
  let rest = name;
  let set: Operator['set'] = null;
  const colon = rest.indexOf(':');
  if (colon !== -1) {
    const qualifier = rest.slice(0, colon);
    if (qualifier !== 'ForAnyValue' && qualifier !== 'ForAllValues') return null;
    set = qualifier;
    rest = rest.slice(colon + 1);
  }
  const ifExists = rest.endsWith('IfExists');
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  if (!Object.hasOwn(BASE_OPERATORS, rest)) return null;
  const base = BASE_OPERATORS[rest]!;
  // "You can add IfExists to the end of any condition operator name except the Null
  // condition"; a set form of Null is not documented either.
  if (base.family === 'null' && (ifExists || set !== null)) return null;
  return { base, set, ifExists };
}

/**
 * All tests of one Condition element, ANDed. A key spelt in two capitalizations in one
 * block is an error for IAM Access Analyzer ("Duplicate keys with different case"),
 * with no documented reading: the tests of such a key are `maybe`.
 */
export function evaluateConditions(tests: readonly ConditionTest[], context: RequestContext, variables: boolean): Truth {
  const spellings = new Map<string, Set<string>>();
  for (const test of tests) {
    const name = test.key.toLowerCase();
    (spellings.get(name) ?? spellings.set(name, new Set()).get(name)!).add(test.key);
  }
  return all(tests.map((test) => (spellings.get(test.key.toLowerCase())!.size > 1 ? 'maybe' : evaluateTest(test, context, variables))));
}

/** A request value nobody knows before the request: the key is present with some value. */
const UNKNOWN_VALUE = Symbol('unknown value');
type RequestValue = string | typeof UNKNOWN_VALUE;

export function evaluateTest(test: ConditionTest, context: RequestContext, variables: boolean): Truth {
  const operator = parseOperator(test.operator);
  if (operator === null) return 'maybe';
  const { base } = operator;
  const key = lookupKey(context, test.key);

  if (base.family === 'null') {
    if (test.values.length === 0) return 'maybe';
    const absent = key.state === 'absent' || (key.state === 'present' && key.values.length === 0);
    const presence: Truth = key.state === 'unknown' ? 'maybe' : truthOf(absent);
    return any(test.values.map((value) => nullTest(value, presence)));
  }
  // An empty value list: Access Analyzer says a positive ...IfExists or ForAllValues
  // test then holds only for a missing key and ForAnyValue never holds; nothing is said
  // of a plain or negated test.
  if (test.values.length === 0 && (base.negated || (operator.set === null && !operator.ifExists))) return 'maybe';
  // "The condition key does not support multiple Boolean values" (Access Analyzer).
  if (base.family === 'bool' && test.values.length > 1) return 'maybe';

  if (key.state === 'unknown') return 'maybe';
  // An operator of another type than the key's ("Type mismatch" for Access Analyzer).
  const works = key.state === 'absent' ? undefined : context.operators?.get(test.key.toLowerCase());
  if (works !== undefined && !works.includes(base.family)) return 'maybe';
  if (key.state === 'absent' || (key.state === 'present' && key.values.length === 0)) {
    if (operator.ifExists) return 'yes';
    if (operator.set === 'ForAnyValue') return 'no';
    if (operator.set === 'ForAllValues') return 'yes';
    return truthOf(base.negated);
  }

  const satisfied = (requestValue: RequestValue): Truth => {
    const matched = any(test.values.map((value) => matchValue(base, value, requestValue, context, variables)));
    return base.negated ? not(matched) : matched;
  };
  if (key.state === 'present-unknown') {
    // How many values a set holds is not known either.
    return operator.set === null ? satisfied(UNKNOWN_VALUE) : 'maybe';
  }
  // A multivalued key needs ForAllValues or ForAnyValue; without one IAM's reading of
  // several request values is not documented.
  if (operator.set === null && key.values.length > 1) return 'maybe';
  const results = key.values.map(satisfied);
  return operator.set === 'ForAllValues' ? all(results) : any(results);
}

function nullTest(policyValue: string, absent: Truth): Truth {
  const wanted = policyValue.toLowerCase();
  if (wanted === 'true') return absent;
  if (wanted === 'false') return not(absent);
  return 'maybe';
}

function matchValue(base: BaseOperator, policyValue: string, requestValue: RequestValue, context: RequestContext, variables: boolean): Truth {
  switch (base.family) {
    case 'string':
      if (requestValue === UNKNOWN_VALUE) {
        return base.wildcards && matchesEveryString(policyValue, { wildcards: true, variables }) ? 'yes' : 'maybe';
      }
      return matchString(policyValue, requestValue, { wildcards: base.wildcards, variables, ignoreCase: base.ignoreCase }, context);
    case 'arn':
      if (requestValue === UNKNOWN_VALUE) return 'maybe';
      return matchArn(policyValue, requestValue, { variables, resource: false }, context);
    case 'numeric':
      return compareWith(base.comparison, parseDecimal(policyValue), requestValue === UNKNOWN_VALUE ? null : parseDecimal(requestValue), compareDecimals);
    case 'date': {
      const policy = parseInstant(policyValue);
      const request = requestValue === UNKNOWN_VALUE ? null : parseInstant(requestValue);
      return policy === null || request === null ? 'maybe' : compareRanges(base.comparison, request, policy);
    }
    case 'bool': {
      // The operators page allows policy variables with Bool, the variables page does
      // not: a value holding one is not judged.
      if (variables && policyValue.includes('${')) return 'maybe';
      const wanted = parseBool(policyValue);
      const actual = requestValue === UNKNOWN_VALUE ? null : parseBool(requestValue);
      return wanted === null || actual === null ? 'maybe' : truthOf(wanted === actual);
    }
    case 'binary': {
      const wanted = parseBase64(policyValue);
      const actual = requestValue === UNKNOWN_VALUE ? null : parseBase64(requestValue);
      return wanted === null || actual === null ? 'maybe' : truthOf(wanted.equals(actual));
    }
    case 'ip':
      return requestValue === UNKNOWN_VALUE ? 'maybe' : ipMatch(policyValue, requestValue);
    case 'null':
      return 'maybe';
  }
}

function compareWith<T>(comparison: Comparison, policy: T | null, request: T | null, compare: (a: T, b: T) => number): Truth {
  if (policy === null || request === null) return 'maybe';
  const order = compare(request, policy);
  switch (comparison) {
    case 'eq':
      return truthOf(order === 0);
    case 'lt':
      return truthOf(order < 0);
    case 'le':
      return truthOf(order <= 0);
    case 'gt':
      return truthOf(order > 0);
    case 'ge':
      return truthOf(order >= 0);
  }
}

// --- numbers -----------------------------------------------------------------------

interface Decimal {
  digits: bigint;
  scale: number;
}

/** "an integer or decimal value": digits with an optional sign and fraction, read exactly. */
export function parseDecimal(value: string): Decimal | null {
  const match = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (match === null) return null;
  const fraction = match[3] ?? '';
  const digits = BigInt(`${match[2]}${fraction}`);
  return { digits: match[1] === '-' ? -digits : digits, scale: fraction.length };
}

function compareDecimals(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.digits * 10n ** BigInt(scale - a.scale);
  const y = b.digits * 10n ** BigInt(scale - b.scale);
  return x === y ? 0 : x < y ? -1 : 1;
}

// --- dates -------------------------------------------------------------------------

const NANOS_PER_SECOND = 1_000_000_000n;
const NANOS_PER_HOUR = 3600n * NANOS_PER_SECOND;
/** The time zones in use reach from UTC-12:00 to UTC+14:00. */
const EARLIEST_ZONE = 14n * NANOS_PER_HOUR;
const LATEST_ZONE = 12n * NANOS_PER_HOUR;
/** W3C "Date and Time Formats": YYYY[-MM[-DD[Thh:mm[:ss[.s]][TZD]]]]. */
const W3C_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))?)?)?)?$/;

/** The instants, in nanoseconds since the epoch, that a date value may stand for. */
export interface InstantRange {
  earliest: bigint;
  latest: bigint;
}

const nanosOf = (ms: number): bigint => BigInt(ms) * 1_000_000n;

/**
 * Date values, "one of the W3C implementations of the ISO 8601 date formats or in epoch
 * (UNIX) time". A complete date-time with its time zone, or epoch seconds, is one
 * instant. IAM does not say which instant a date without a time (YYYY, YYYY-MM,
 * YYYY-MM-DD) or a time without a zone stands for, nor whether four digits are a year
 * or epoch seconds: such a value is read as every instant it could mean (any time of
 * that period, in any time zone), and a comparison it cannot settle is `maybe`.
 */
export function parseInstant(value: string): InstantRange | null {
  const epoch = /^\d+$/.test(value) ? BigInt(value) * NANOS_PER_SECOND : null;
  const match = W3C_DATE.exec(value);
  if (match === null) return epoch === null ? null : { earliest: epoch, latest: epoch };
  const [, year, month, day, hour, minute, second, fraction, zone, sign, zoneHours, zoneMinutes] = match;
  const y = Number(year);
  const mo = month === undefined ? 1 : Number(month);
  const d = day === undefined ? 1 : Number(day);
  const h = hour === undefined ? 0 : Number(hour);
  const mi = minute === undefined ? 0 : Number(minute);
  const sec = second === undefined ? 0 : Number(second);
  const start = Date.UTC(y, mo - 1, d, h, mi, sec);
  const date = new Date(start);
  // Date.UTC rolls 31 February over to March: a value that does not round-trip is invalid.
  if (
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo - 1 ||
    date.getUTCDate() !== d ||
    date.getUTCHours() !== h ||
    date.getUTCMinutes() !== mi ||
    date.getUTCSeconds() !== sec
  ) {
    return null;
  }
  let range: InstantRange;
  if (hour === undefined) {
    // A whole year, month or day, which starts and ends at different instants by zone.
    const next = day !== undefined ? Date.UTC(y, mo - 1, d + 1) : month !== undefined ? Date.UTC(y, mo, 1) : Date.UTC(y + 1, 0, 1);
    range = { earliest: nanosOf(start) - EARLIEST_ZONE, latest: nanosOf(next) + LATEST_ZONE };
  } else {
    const instant = nanosOf(start) + BigInt((fraction ?? '').padEnd(9, '0'));
    if (zone === undefined) {
      range = { earliest: instant - EARLIEST_ZONE, latest: instant + LATEST_ZONE };
    } else {
      let utc = instant;
      if (zone !== 'Z') {
        if (Number(zoneHours) > 23 || Number(zoneMinutes) > 59) return null;
        utc -= (sign === '-' ? -1n : 1n) * (BigInt(zoneHours!) * 60n + BigInt(zoneMinutes!)) * 60n * NANOS_PER_SECOND;
      }
      range = { earliest: utc, latest: utc };
    }
  }
  if (epoch !== null) {
    // Four digits: a year, or as many seconds after 1970.
    range = { earliest: epoch < range.earliest ? epoch : range.earliest, latest: epoch > range.latest ? epoch : range.latest };
  }
  return range;
}

/** `request <comparison> policy` over the instants each may stand for. */
function compareRanges(comparison: Comparison, request: InstantRange, policy: InstantRange): Truth {
  const exact = request.earliest === request.latest && policy.earliest === policy.latest;
  switch (comparison) {
    case 'eq':
      if (request.latest < policy.earliest || request.earliest > policy.latest) return 'no';
      return exact && request.earliest === policy.earliest ? 'yes' : 'maybe';
    case 'lt':
      return request.latest < policy.earliest ? 'yes' : request.earliest >= policy.latest ? 'no' : 'maybe';
    case 'le':
      return request.latest <= policy.earliest ? 'yes' : request.earliest > policy.latest ? 'no' : 'maybe';
    case 'gt':
      return request.earliest > policy.latest ? 'yes' : request.latest <= policy.earliest ? 'no' : 'maybe';
    case 'ge':
      return request.earliest >= policy.latest ? 'yes' : request.latest < policy.earliest ? 'no' : 'maybe';
  }
}

// --- booleans and binary -----------------------------------------------------------

function parseBool(value: string): boolean | null {
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : null;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** "a base-64 encoded representation of the binary value": padded standard base-64 only. */
function parseBase64(value: string): Buffer | null {
  return BASE64.test(value) ? Buffer.from(value, 'base64') : null;
}

// --- IP addresses ------------------------------------------------------------------

/**
 * "The value must be in the standard CIDR format (for example, 203.0.113.0/24 or
 * 2001:DB8:1234:5678::/64). If you specify an IP address without the associated routing
 * prefix, IAM uses the default prefix value of /32." For an IPv6 address /32 is a wide
 * range, and the sentence may be meant for IPv4 only: a bare IPv6 address matches its own
 * address, may match the rest of its /32, and matches nothing else.
 */
function ipMatch(policyValue: string, requestValue: string): Truth {
  const request = parseAddress(requestValue);
  const slash = policyValue.indexOf('/');
  const network = parseAddress(slash === -1 ? policyValue : policyValue.slice(0, slash));
  if (request === null || network === null) return 'maybe';
  if (request.kind() !== network.kind()) {
    // An IPv4-mapped IPv6 address against an IPv4 range, or the reverse: not documented.
    const mapped = (address: ipaddr.IPv4 | ipaddr.IPv6) => address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress();
    return mapped(request) || mapped(network) ? 'maybe' : 'no';
  }
  const width = network.kind() === 'ipv4' ? 32 : 128;
  if (slash === -1) {
    if (network.kind() === 'ipv4') return truthOf(request.match(network, 32));
    if (request.match(network, 128)) return 'yes';
    return request.match(network, 32) ? 'maybe' : 'no';
  }
  const prefix = policyValue.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > width) return 'maybe';
  return truthOf(request.match(network, Number(prefix)));
}
