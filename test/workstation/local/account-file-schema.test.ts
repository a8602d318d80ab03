/**
 * The account file's published JSON Schema (schemas/account-file.schema.json): current
 * with the zod schema it is generated from, named by every example account file, and
 * accepting every one of them when checked by an independent validator (ajv), not by zod.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parseAccountFile } from '../../../src/workstation/local/account-file';
import { accountFileSchemaText, SCHEMA_FILE } from '../../../src/workstation/local/account-file-schema';
import { SCENARIOS } from '../../../src/workstation/local/scenarios';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const published = readFileSync(join(ROOT, SCHEMA_FILE), 'utf8');
const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(JSON.parse(published));

/** Every JSON file in the repository that is an account file: the examples the demo, the tests and the docs use. */
function exampleFiles(): string[] {
  const files: string[] = [];
  for (const folder of ['events', 'test/fixtures', 'docs']) {
    for (const entry of readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
      const file = join(entry.parentPath, entry.name);
      const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      if ('account' in json && ('buckets' in json || 'certificateAuthorities' in json)) files.push(relative(ROOT, file));
    }
  }
  return files.sort();
}

const EXAMPLES = exampleFiles();

describe('schemas/account-file.schema.json', () => {
  it('is what `npm run schema` writes from the zod schema now (run it when this fails)', () => {
    expect(published, `${SCHEMA_FILE} is out of date: run \`npm run schema\``).toBe(accountFileSchemaText());
  });

  it('finds the example files: every scenario of the demo, the test fixtures', () => {
    for (const scenario of SCENARIOS) expect(EXAMPLES).toContain(scenario.account);
    expect(EXAMPLES.filter((file) => file.startsWith('test/fixtures/')).length).toBeGreaterThanOrEqual(3);
  });

  it.each(EXAMPLES)('%s names the schema in "$schema" and validates against it (ajv)', (file) => {
    const json = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;
    expect(json.$schema).toBe(relative(dirname(join(ROOT, file)), join(ROOT, SCHEMA_FILE)));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(() => parseAccountFile(json)).not.toThrow();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a misspelt top-level field', { account: '111122223333', region: 'us-east-1', buckts: [] }, 'additionalProperties'],
    ['a placeholder account', { account: 'account', region: 'us-east-1' }, 'pattern'],
    [
      'an unknown CA status',
      {
        account: '111122223333',
        region: 'us-east-1',
        certificateAuthorities: [
          { Arn: 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11223344-1234-1122-2233-112233445566', Status: 'SLEEPING' },
        ],
      },
      'enum',
    ],
    ['a bucket without a name', { account: '111122223333', region: 'us-east-1', buckets: [{}] }, 'required'],
    ['a time that is a boolean', { account: '111122223333', region: 'us-east-1', notifications: [{ Message: 'm', PublishedAt: true }] }, 'type'],
  ])('refuses %s (so an editor flags it)', (_case, file, keyword) => {
    expect(validate(file)).toBe(false);
    expect(validate.errors!.map((error) => error.keyword)).toContain(keyword);
  });
});
