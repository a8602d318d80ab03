/**
 * Evaluation of Condition blocks with IAM's semantics, in three-valued logic.
 *
 * Within one operator the values of a key are ORed, keys are ANDed, operators are
 * ANDed. A key missing from the request makes positive operators false, negated ones
 * true, `...IfExists` true, `ForAnyValue:` false and `ForAllValues:` true. A key whose
 * value is not known before the request makes the test `maybe`, as does an operator
 * this module does not implement.
 */
import { matchPattern } from './pattern';
import type { ConditionTest } from './statement';
import { all, any, not, truthOf, type Truth } from './truth';

/** What is known, before the request, about the request context. Key names are lower case. */
export interface RequestContext {
  known: ReadonlyMap<string, readonly string[]>;
  absent: ReadonlySet<string>;
  /** Every key starting with one of these (lower case) is absent, e.g. `aws:principaltag/`. */
  absentPrefixes: readonly string[];
}

export type KeyState =
  | { state: 'present'; values: readonly string[] }
  | { state: 'absent' }
  | { state: 'unknown' };

/** Condition key names are case-insensitive. */
export function lookupKey(context: RequestContext, key: string): KeyState {
  const name = key.toLowerCase();
  const values = context.known.get(name);
  if (values !== undefined) return { state: 'present', values };
  if (context.absent.has(name) || context.absentPrefixes.some((prefix) => name.startsWith(prefix))) {
    return { state: 'absent' };
  }
  return { state: 'unknown' };
}

interface BaseOperator {
  kind: 'string' | 'bool' | 'null';
  negated: boolean;
  wildcards: boolean;
  ignoreCase: boolean;
}

interface Operator {
  base: BaseOperator;
  set: 'ForAnyValue' | 'ForAllValues' | null;
  ifExists: boolean;
}

const op = (kind: BaseOperator['kind'], negated = false, wildcards = false, ignoreCase = false): BaseOperator => ({
  kind,
  negated,
  wildcards,
  ignoreCase,
});

// ARN operators are case-sensitive globs; ArnEquals and ArnLike behave alike in IAM.
const BASE_OPERATORS: Record<string, BaseOperator> = {
  StringEquals: op('string'),
  StringNotEquals: op('string', true),
  StringEqualsIgnoreCase: op('string', false, false, true),
  StringNotEqualsIgnoreCase: op('string', true, false, true),
  StringLike: op('string', false, true),
  StringNotLike: op('string', true, true),
  ArnEquals: op('string', false, true),
  ArnLike: op('string', false, true),
  ArnNotEquals: op('string', true, true),
  ArnNotLike: op('string', true, true),
  Bool: op('bool'),
  Null: op('null'),
};

/** Operator names are matched as AWS spells them; anything else is unsupported. */
export function parseOperator(name: string): Operator | null {
  let rest = name;
  let set: Operator['set'] = null;
  for (const prefix of ['ForAnyValue', 'ForAllValues'] as const) {
    if (rest.startsWith(`${prefix}:`)) {
      set = prefix;
      rest = rest.slice(prefix.length + 1);
    }
  }
  const ifExists = rest.endsWith('IfExists');
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  if (!Object.hasOwn(BASE_OPERATORS, rest)) return null;
  const base = BASE_OPERATORS[rest]!;
  // IAM has no NullIfExists and no set form of Null.
  if (base.kind === 'null' && (ifExists || set !== null)) return null;
  return { base, set, ifExists };
}

export function evaluateConditions(tests: readonly ConditionTest[], context: RequestContext, variables: boolean): Truth {
  return all(tests.map((test) => evaluateTest(test, context, variables)));
}

export function evaluateTest(test: ConditionTest, context: RequestContext, variables: boolean): Truth {
  const operator = parseOperator(test.operator);
  if (operator === null) return 'maybe';
  const key = lookupKey(context, test.key);
  if (key.state === 'unknown') return 'maybe';

  if (operator.base.kind === 'null') {
    return any(test.values.map((value) => nullTest(value, key.state === 'absent')));
  }
  if (key.state === 'absent') {
    if (operator.ifExists) return 'yes';
    if (operator.set === 'ForAnyValue') return 'no';
    if (operator.set === 'ForAllValues') return 'yes';
    return truthOf(operator.base.negated);
  }

  const satisfied = (requestValue: string): Truth => {
    const matched = any(test.values.map((value) => matchValue(operator.base, value, requestValue, variables)));
    return operator.base.negated ? not(matched) : matched;
  };
  return operator.set === 'ForAllValues' ? all(key.values.map(satisfied)) : any(key.values.map(satisfied));
}

function nullTest(policyValue: string, absent: boolean): Truth {
  const wanted = policyValue.toLowerCase();
  if (wanted === 'true') return truthOf(absent);
  if (wanted === 'false') return truthOf(!absent);
  return 'maybe';
}

function matchValue(base: BaseOperator, policyValue: string, requestValue: string, variables: boolean): Truth {
  if (base.kind === 'bool') return truthOf(policyValue.toLowerCase() === requestValue.toLowerCase());
  return matchPattern(policyValue, requestValue, {
    wildcards: base.wildcards,
    ignoreCase: base.ignoreCase,
    variables,
  });
}
