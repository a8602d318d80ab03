/**
 * Reading the files a user hands the command-line tools (events, account files), with
 * errors that name the file and what is wrong, never a stack trace.
 */
import { existsSync, readFileSync } from 'node:fs';

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

/**
 * Read a history file (`--history`): the items of the history table as a JSON list, as
 * `npm run local --history` writes them. A missing file is an empty table when `missingIsEmpty`.
 */
export function readHistoryFile(path: string, options: { missingIsEmpty?: boolean } = {}): Array<Record<string, unknown>> {
  if (options.missingIsEmpty && !existsSync(path)) return [];
  const items = readJsonFile(path, 'history file');
  if (!Array.isArray(items))
    throw new LocalInputError(`history file ${path}: expected a JSON list of items, as npm run local -- <event> --history <file> writes it`);
  items.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item) || typeof (item as { pk?: unknown }).pk !== 'string') {
      throw new LocalInputError(`history file ${path}: item [${index}] is not an object with a string "pk"`);
    }
  });
  return items as Array<Record<string, unknown>>;
}
