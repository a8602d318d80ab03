/**
 * npm run schema [-- --check]
 *
 * Publish the account file's schema (src/workstation/local/account-file-schema.ts) as JSON Schema:
 * schemas/account-file.schema.json, which every example account file names in
 * "$schema" so an editor completes and checks it. With --check nothing is written and
 * the exit code is 1 when the file is out of date.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accountFileSchemaText, SCHEMA_FILE } from '../local/account-file-schema';
import { parseCommandLine, runCli, UsageError } from './common';

export const USAGE = `usage: npm run schema [-- options]

  --check  write nothing; exit 1 when ${SCHEMA_FILE} is out of date`;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine('schema', {
    allowPositionals: true,
    options: { check: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const file = join(ROOT, SCHEMA_FILE);
  const text = accountFileSchemaText();
  const current = existsSync(file) && readFileSync(file, 'utf8') === text;
  if (values.check) {
    if (!current) {
      process.stderr.write(`out of date with src/workstation/local/account-file-schema.ts: ${SCHEMA_FILE}\nrun \`npm run schema\` and commit the result\n`);
      return 1;
    }
    process.stdout.write(`up to date: ${SCHEMA_FILE}\n`);
    return 0;
  }
  if (current) {
    process.stdout.write(`up to date: ${SCHEMA_FILE}\n`);
    return 0;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
  return 0;
}

runCli(main, USAGE);
