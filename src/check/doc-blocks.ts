/**
 * The generated parts of docs/check-and-snapshot.md: the usages (each command's --help),
 * a run of `npm run check` and of `npm run snapshot` against the simulated account of
 * test/fixtures/accounts/several-cas.json (the commands run as a user runs them, colours
 * off), and the read-only policy (./policy.ts). Each sits between `<!-- name:start -->`
 * and `<!-- name:end -->`; test/check/doc-blocks.test.ts fails when one is stale.
 *
 *   npx tsx src/check/doc-blocks.ts          rewrite the blocks
 *   npx tsx src/check/doc-blocks.ts --check  exit 1 when a block is stale
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { READ_ONLY_POLICY } from './policy';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DOC = join(ROOT, 'docs/check-and-snapshot.md');
export const EXAMPLE_ACCOUNT = 'test/fixtures/accounts/several-cas.json';

async function run(script: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    return stdout;
  } catch (error) {
    // check and snapshot exit 1 when something is not OK: the output is what is shown.
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (failed.code === 1 && failed.stdout) return failed.stdout;
    throw new Error(`npm run ${script} -- ${args.join(' ')} failed (exit code ${failed.code}): ${failed.stderr}`);
  }
}

const fence = (language: string, text: string) => `\`\`\`${language}\n${text.trimEnd()}\n\`\`\``;

/** Every block's content, by name. */
export async function docBlocks(): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'pca-doc-blocks-'));
  try {
    const out = join(dir, 'account.json');
    const [checkHelp, snapshotHelp, check, snapshot] = await Promise.all([
      run('check', ['--help']),
      run('snapshot', ['--help']),
      run('check', ['--account', EXAMPLE_ACCOUNT]),
      run('snapshot', ['--account', EXAMPLE_ACCOUNT, '--out', out]),
    ]);
    return {
      'check-usage': fence('text', checkHelp),
      'snapshot-usage': fence('text', snapshotHelp),
      check: fence('text', `$ npm run check -- --account ${EXAMPLE_ACCOUNT}\n${check}`),
      snapshot: fence('text', `$ npm run snapshot -- --account ${EXAMPLE_ACCOUNT} --out account.json\n${snapshot.split(out).join('account.json')}`),
      policy: fence('json', JSON.stringify(READ_ONLY_POLICY, null, 2)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `text` with each block replaced; throws naming a block whose markers are missing. */
export function withBlocks(text: string, blocks: Record<string, string>): string {
  let result = text;
  for (const [name, content] of Object.entries(blocks)) {
    const start = `<!-- ${name}:start -->\n`;
    const end = `<!-- ${name}:end -->`;
    const from = result.indexOf(start);
    const to = result.indexOf(end, from);
    if (from === -1 || to === -1) throw new Error(`docs/check-and-snapshot.md has no ${start.trim()} … ${end} pair`);
    result = `${result.slice(0, from + start.length)}${content}\n${result.slice(to)}`;
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = readFileSync(DOC, 'utf8');
  const updated = withBlocks(text, await docBlocks());
  if (process.argv.includes('--check')) {
    process.stdout.write(updated === text ? 'up to date: docs/check-and-snapshot.md\n' : 'out of date: docs/check-and-snapshot.md; run npx tsx src/check/doc-blocks.ts\n');
    process.exitCode = updated === text ? 0 : 1;
  } else if (updated !== text) {
    writeFileSync(DOC, updated);
    process.stdout.write('rewrote the generated blocks of docs/check-and-snapshot.md\n');
  } else {
    process.stdout.write('up to date: docs/check-and-snapshot.md\n');
  }
}
