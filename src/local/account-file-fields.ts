/**
 * Small readers for the account file: each takes a value and its JSON path, and either
 * returns the value typed or throws an AccountFileError that names the path. Paths are
 * written JSONPath-style (`$.buckets[0].Policy`) so a user can find the field.
 */

export class AccountFileError extends Error {
  /** Where in the file the problem is, e.g. `$.certificateAuthorities[0].Status`. */
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'AccountFileError';
    this.path = path;
  }
}

export type Json = Record<string, unknown>;

export function fail(path: string, problem: string): never {
  throw new AccountFileError(path, problem);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** An object whose keys are all in `allowed` (a misspelt field is an error, not ignored). */
export function object(value: unknown, path: string, allowed: readonly string[]): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(path, `must be an object, not ${describe(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`${path}.${key}`, `is not a known field (expected one of ${allowed.join(', ')})`);
  }
  return value as Json;
}

/** An object with any keys (a policy document, a pass-through configuration). */
export function anyObject(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(path, `must be an object, not ${describe(value)}`);
  }
  return value as Json;
}

export function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `must be a list, not ${describe(value)}`);
  return value;
}

export function optionalList(value: unknown, path: string): unknown[] {
  return value === undefined ? [] : list(value, path);
}

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, `must be a non-empty string, not ${describe(value)}`);
  return value;
}

export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : string(value, path);
}

export function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, `must be true or false, not ${describe(value)}`);
  return value;
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  return value === undefined ? undefined : boolean(value, path);
}

export function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(path, `must be a whole number from ${min} to ${max}, not ${describe(value)}`);
  }
  return value;
}

export function numberBetween(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(path, `must be a number from ${min} to ${max}, not ${describe(value)}`);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, path: string, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    fail(path, `must be one of ${choices.join(', ')}, not ${describe(value)}`);
  }
  return value as T;
}

export function optionalOneOf<T extends string>(value: unknown, path: string, choices: readonly T[]): T | undefined {
  return value === undefined ? undefined : oneOf(value, path, choices);
}

/**
 * A time, as ISO 8601 (AWS CLI v2) or epoch seconds (AWS CLI v1 for JSON services),
 * returned as an ISO string.
 */
export function timestamp(value: unknown, path: string): string {
  const time =
    typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(time.getTime())) fail(path, `must be an ISO 8601 time or epoch seconds, not ${describe(value)}`);
  return time.toISOString();
}

export function optionalTimestamp(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : timestamp(value, path);
}

/** Each value once: a second use is reported at its own path. */
export function rejectDuplicates(values: string[], path: string, field: string): void {
  values.forEach((value, i) => {
    const first = values.indexOf(value);
    if (first !== i) fail(`${path}[${i}].${field}`, `"${value}" is already used by ${path}[${first}]`);
  });
}

/** Absent and null both mean "not set". */
export function nullable<T>(value: unknown, read: (value: unknown) => T): T | null {
  return value === undefined || value === null ? null : read(value);
}

/** Copy the fields of `source` whose value is not undefined (keeps the output tidy). */
export function defined<T extends object>(source: T): T {
  return Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined)) as T;
}
