/**
 * Three-valued logic. A policy is read before the request happens, so some condition
 * keys (aws:SourceIp, aws:SourceVpce, ...) have values nobody knows yet: a statement
 * then "maybe" applies.
 */
export type Truth = 'yes' | 'no' | 'maybe';

export function truthOf(value: boolean): Truth {
  return value ? 'yes' : 'no';
}

export function not(value: Truth): Truth {
  return value === 'yes' ? 'no' : value === 'no' ? 'yes' : 'maybe';
}

/** `no` wins, then `maybe`; the empty conjunction is `yes`. */
export function all(values: Iterable<Truth>): Truth {
  let result: Truth = 'yes';
  for (const value of values) {
    if (value === 'no') return 'no';
    if (value === 'maybe') result = 'maybe';
  }
  return result;
}

/** `yes` wins, then `maybe`; the empty disjunction is `no`. */
export function any(values: Iterable<Truth>): Truth {
  let result: Truth = 'no';
  for (const value of values) {
    if (value === 'yes') return 'yes';
    if (value === 'maybe') result = 'maybe';
  }
  return result;
}
