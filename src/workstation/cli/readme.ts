/**
 * npm run readme [-- --check] [--root <dir>]
 *
 * Paste the real output of the runs the README and docs/ show into their
 * `<!-- output: name -->` blocks (./readme-blocks.ts): each name below says which run, and
 * only the runs some block needs are made. With --check nothing is written and the exit
 * code is 1 when a block is out of date. Exit code 2 for bad input (an unknown name, a
 * half-marked block), 3 when a run itself fails (nothing is pasted).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseCommandLine, runCli, shown, UsageError } from './common';
import { READ_ONLY_POLICY } from '../check/policy';
import { asJq, demoExcerpt, demoSummary, type PastedBlock, pastedBlocks, samePastedOutput, withPastedBlocks } from './readme-blocks';
// The deployment parameters' table (deploy/parameters.cjs), the one definition of each parameter.
import { parametersMarkdown } from '../../../deploy/parameters.cjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** tsx's loader, by its full URL: some runs start in a scratch directory, where `tsx` alone would not resolve. */
const TSX = import.meta.resolve('tsx');

/** The event the local examples run, and the id rollback is given. */
const EVENT = 'events/crl-s3-permission-failure.json';

/** A run of one of this repository's CLIs failed: nothing is pasted. */
class RunFailed extends Error {}

interface Run {
  code: number;
  stdout: string;
}

/** `npm run <script> -- ...args`, colours off, from `cwd`; `expect` lists the exit codes that are the run's point. */
async function cli(script: string, args: readonly string[], cwd = ROOT, expect: readonly number[] = [0]): Promise<Run> {
  const command = ['npm run', script, ...(args.length > 0 ? ['--', ...args] : [])].join(' ');
  let run: Run;
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', TSX, join(ROOT, 'src/workstation/cli', `${script}.ts`), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
    run = { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof failed.code !== 'number' || !expect.includes(failed.code)) {
      // Its error (first line of stderr), else its last line.
      const why = failed.stderr?.trim().split('\n')[0] || failed.stdout?.trimEnd().split('\n').at(-1) || failed.message;
      throw new RunFailed(`${command} failed (exit code ${failed.code}): ${why}`);
    }
    run = { code: failed.code, stdout: failed.stdout ?? '' };
  }
  if (!expect.includes(run.code)) throw new RunFailed(`${command} ended with exit code ${run.code}, not ${expect.join(' or ')}`);
  return run;
}

/** Each run made at most once per `npm run readme`. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

const demo = once(async () => (await cli('demo', [])).stdout);
const localJson = once(async () => JSON.parse((await cli('local', [EVENT, '--json'])).stdout) as Record<string, unknown>);

/**
 * The rollback a person's edit refused, as docs/operations.md shows it: the local run
 * saving the account and the history, an `AddedByOps` statement added to the bucket
 * policy, then the rollback (exit code 1: refused). Run in a scratch directory so the
 * paths it prints are the short ones the page uses.
 */
const refusedRollback = once(async () => {
  const directory = mkdtempSync(join(tmpdir(), 'pca-readme-rollback-'));
  try {
    const event = JSON.parse(readFileSync(join(ROOT, EVENT), 'utf8')) as { id: string };
    await cli('local', [join(ROOT, EVENT), '--save-account', 'after.json', '--history', 'history.json', '--json'], directory);
    const accountFile = join(directory, 'after.json');
    const account = JSON.parse(readFileSync(accountFile, 'utf8')) as { buckets: Array<{ Name: string; Policy: unknown }> };
    const bucket = account.buckets.find((item) => item.Policy !== null);
    if (!bucket) throw new RunFailed('the local run left no bucket with a policy to edit');
    const policy = (typeof bucket.Policy === 'string' ? JSON.parse(bucket.Policy) : bucket.Policy) as { Statement: unknown[] };
    policy.Statement.push({
      Sid: 'AddedByOps',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/Ops' },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${bucket.Name}/*`,
    });
    bucket.Policy = policy;
    writeFileSync(accountFile, `${JSON.stringify(account, null, 2)}\n`);
    const run = await cli('rollback', [event.id, '--account', 'after.json', '--history', 'history.json', '--save-account', 'rolled-back.json'], directory, [1]);
    return run.stdout;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

/** The account the check and snapshot examples read: twelve CAs in every state the workflow handles. */
const EXAMPLE_ACCOUNT = 'test/fixtures/accounts/several-cas.json';

/** `npm run check` against the example account: exit code 1, since not every CA is OK. */
const checkRun = once(async () => `$ npm run check -- --account ${EXAMPLE_ACCOUNT}\n${(await cli('check', ['--account', EXAMPLE_ACCOUNT], ROOT, [1])).stdout}`);

/** The command, the table's header and first rows, and the verdict line of a check run: what the README shows. */
function checkSummary(run: string): string {
  const lines = run.trimEnd().split('\n');
  return `${[...lines.slice(0, 4), '…', lines.at(-1)!].join('\n')}\n`;
}

/** `npm run snapshot` of the example account, into a scratch directory so the path shown is the short one. */
const snapshotRun = once(async () => {
  const directory = mkdtempSync(join(tmpdir(), 'pca-readme-snapshot-'));
  try {
    const run = await cli('snapshot', ['--account', join(ROOT, EXAMPLE_ACCOUNT), '--out', 'account.json'], directory, [0, 1]);
    return `$ npm run snapshot -- --account ${EXAMPLE_ACCOUNT} --out account.json\n${run.stdout}`;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

/** Every pasted output by name: what it shows and the run that makes it. */
const OUTPUTS: Record<string, { shows: string; make: () => Promise<string> }> = {
  'demo-summary': { shows: 'the summary table of `npm run demo`', make: async () => demoSummary(await demo()) },
  'demo-excerpt': { shows: 'two executions of `npm run demo`', make: async () => demoExcerpt(await demo()) },
  'local-help': { shows: '`npm run local -- --help`', make: async () => (await cli('local', ['--help'])).stdout },
  'local-json-keys': { shows: `\`npm run -s local -- ${EVENT} --json | jq keys_unsorted\``, make: async () => asJq(Object.keys(await localJson())) },
  'local-outcome': { shows: `\`npm run -s local -- ${EVENT} --json | jq .outcome\``, make: async () => asJq((await localJson()).outcome) },
  'rollback-refused': { shows: 'a local rollback refused after a person edited the policy', make: refusedRollback },
  parameters: { shows: 'the deployment parameters, from deploy/parameters.cjs (a Markdown table, not a fenced block)', make: async () => parametersMarkdown() },
  'check-usage': { shows: '`npm run check -- --help`', make: async () => (await cli('check', ['--help'])).stdout },
  'check-run': { shows: `\`npm run check\` against ${EXAMPLE_ACCOUNT}`, make: checkRun },
  'check-summary': { shows: `the first and last lines of \`npm run check\` against ${EXAMPLE_ACCOUNT}`, make: async () => checkSummary(await checkRun()) },
  'snapshot-usage': { shows: '`npm run snapshot -- --help`', make: async () => (await cli('snapshot', ['--help'])).stdout },
  'snapshot-run': { shows: `\`npm run snapshot\` of ${EXAMPLE_ACCOUNT}`, make: snapshotRun },
  'check-policy': { shows: 'the read-only IAM policy of check and snapshot (src/workstation/check/policy.ts)', make: async () => asJq(READ_ONLY_POLICY) },
};

/** The Markdown files that may hold pasted outputs: the README and every page of docs/. */
function markdownFiles(root: string): string[] {
  const docs = join(root, 'docs');
  const pages = existsSync(docs)
    ? readdirSync(docs)
        .filter((name) => name.endsWith('.md'))
        .sort()
        .map((name) => join(docs, name))
    : [];
  return [join(root, 'README.md'), ...pages].filter((file) => existsSync(file));
}

const USAGE = `usage: npm run readme [-- options]

Paste the real output of the runs the README and docs/*.md show, between their
<!-- output: <name> --> and <!-- output:end --> markers. Names:
${Object.entries(OUTPUTS)
  .map(([name, { shows }]) => `  ${name.padEnd(17)}${shows}`)
  .join('\n')}

  --root <dir>  the checkout whose README.md and docs/ to update (default: this one)
  --check       write nothing; exit 1 when a pasted output is out of date`;

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine('readme', {
    allowPositionals: true,
    options: {
      root: { type: 'string' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const root = values.root === undefined ? ROOT : resolve(values.root);
  if (!existsSync(join(root, 'README.md'))) throw new UsageError(`--root ${values.root ?? shown(root)}: no README.md there`);

  const files = markdownFiles(root).map((file) => {
    const text = readFileSync(file, 'utf8');
    let blocks: PastedBlock[];
    try {
      blocks = pastedBlocks(text);
    } catch (error) {
      throw new UsageError(`${shown(file)}: ${(error as Error).message}`);
    }
    for (const block of blocks) {
      if (!(block.name in OUTPUTS)) throw new UsageError(`${shown(file)}: unknown pasted output "${block.name}" (known: ${Object.keys(OUTPUTS).join(', ')})`);
    }
    return { file, text, blocks };
  });
  const names = [...new Set(files.flatMap(({ blocks }) => blocks.map((block) => block.name)))];
  if (names.length === 0) throw new UsageError(`no <!-- output: <name> --> block in ${markdownFiles(root).map(shown).join(', ')}`);

  const outputs = new Map<string, string>();
  try {
    for (const name of names) outputs.set(name, await OUTPUTS[name]!.make());
  } catch (error) {
    if (!(error instanceof RunFailed)) throw error;
    process.stderr.write(`${error.message}\nnothing was pasted\n`);
    return 3;
  }

  const stale = files.flatMap(({ file, text, blocks }) => {
    const changed = blocks.filter((block) => !samePastedOutput(block.content, outputs.get(block.name)!));
    return changed.length === 0 ? [] : [{ file, text, changed }];
  });
  const describe = (list: typeof stale) => list.map(({ file, changed }) => `${shown(file)} (${changed.map((block) => block.name).join(', ')})`).join(', ');
  const count = files.reduce((total, { blocks }) => total + blocks.length, 0);
  const everywhere = files
    .filter(({ blocks }) => blocks.length > 0)
    .map(({ file }) => shown(file))
    .join(', ');

  if (stale.length === 0) {
    process.stdout.write(`up to date: ${count} pasted outputs in ${everywhere}\n`);
    return 0;
  }
  if (values.check) {
    process.stderr.write(`out of date with the runs they show: ${describe(stale)}\nrun \`npm run readme\` and commit the result\n`);
    return 1;
  }
  for (const { file, text, changed } of stale) {
    writeFileSync(file, withPastedBlocks(text, new Map(changed.map((block) => [block.name, outputs.get(block.name)!]))));
  }
  process.stdout.write(`pasted ${describe(stale)}\n`);
  return 0;
}

runCli(main, USAGE);
