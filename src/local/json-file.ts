/**
 * Reading the files a user hands the command-line tools (events, account files), with
 * errors that name the file and what is wrong, never a stack trace.
 */
import { readFileSync } from 'node:fs';

/** Input the user gave that a tool cannot use. The CLIs print the message, not a stack. */
export class LocalInputError extends Error {
  override readonly name = 'LocalInputError';
}

/** Read a JSON file; `what` names it in errors ("event file", "account file"). */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LocalInputError(`${what} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new LocalInputError(`${what} ${path} is not JSON: ${(error as Error).message}`);
  }
}
