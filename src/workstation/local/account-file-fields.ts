/**
 * What the account file's loader shares with its schema: the error it throws, naming the
 * JSON path (`$.buckets[0].Policy`) so a user can find the field, and how a wrong value
 * is described in a message.
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

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
