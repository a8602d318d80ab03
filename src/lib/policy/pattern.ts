/**
 * Matching of policy strings (actions, resources, condition values) against request
 * values, with IAM's `*` and `?` wildcards and `${...}` policy variables.
 *
 * ARNs are matched as whole strings. IAM compares them segment by segment, but when the
 * pattern has its five colons the two agree on a CA ARN (exactly five colons) and on an
 * S3 ARN (its last segment, the key, may hold colons of its own).
 *
 * A policy variable is replaced by AWS at request time with a value this module does
 * not compute, so a pattern with a variable that could match answers `maybe`, and one
 * that could not match whatever the variable holds answers `no`.
 */
import type { Truth } from './truth';

export interface PatternOptions {
  /** `*` and `?` are wildcards (StringLike, ArnLike, actions, resources). */
  wildcards: boolean;
  ignoreCase: boolean;
  /** `${...}` is a policy variable (policy Version 2012-10-17 only). */
  variables: boolean;
}

/** The escapes IAM defines for a literal `*`, `?` and `$` inside a Version 2012-10-17 policy. */
const ESCAPED_LITERALS = new Set(['*', '?', '$']);
const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/;

export function matchPattern(pattern: string, value: string, options: PatternOptions): Truth {
  const { source, hasVariable } = compile(pattern, options);
  const regex = new RegExp(`^${source}$`, options.ignoreCase ? 'isu' : 'su');
  if (!regex.test(value)) return 'no';
  return hasVariable ? 'maybe' : 'yes';
}

function compile(pattern: string, options: PatternOptions): { source: string; hasVariable: boolean } {
  const chars = Array.from(pattern);
  let source = '';
  let hasVariable = false;

  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (options.variables && ch === '$' && chars[i + 1] === '{') {
      const end = chars.indexOf('}', i + 2);
      if (end !== -1) {
        const name = chars.slice(i + 2, end).join('');
        if (ESCAPED_LITERALS.has(name)) {
          source += escape(name);
        } else {
          source += '.*';
          hasVariable = true;
        }
        i = end;
        continue;
      }
    }
    if (options.wildcards && ch === '*') source += '.*';
    else if (options.wildcards && ch === '?') source += '.';
    else source += escape(ch);
  }
  return { source, hasVariable };
}

function escape(ch: string): string {
  return REGEX_SYNTAX.test(ch) ? `\\${ch}` : ch;
}
