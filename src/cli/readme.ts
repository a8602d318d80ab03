/**
 * npm run readme [-- --check] [--readme <file>]
 *
 * Paste the real output of the commands the README shows into it (./readme-blocks.ts):
 * today the demo block, from `npm run demo` run with colours off. The demo's wall time is
 * a measurement, not content: a block that differs only there is up to date and kept as
 * it is. With --check nothing is written and the exit code is 1 when a block is out of
 * date. Exit code 2 for bad input, 3 when the demo itself fails (nothing is pasted).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseCommandLine, runCli, UsageError } from './common';
import { DEMO_BLOCK_OPENING, demoExcerpt, readmeDemoBlock, sameDemoBlock, withDemoBlock } from './readme-blocks';

const USAGE = `usage: npm run readme [-- options]

  --readme <file>  the README to update (default README.md)
  --check          write nothing; exit 1 when a pasted output is out of date`;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A path as the user would type it from the current directory. */
function shown(file: string): string {
  const path = relative(process.cwd(), file);
  return path === '' || path.startsWith('..') ? file : path;
}

/** `npm run demo`'s output with colours off, or null (with the reason on stderr) when it failed. */
async function demoOutput(): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/demo.ts')], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    // Its error (first line of stderr), else its last line (the summary's verdict).
    const why = failed.stderr?.trim().split('\n')[0] || failed.stdout?.trimEnd().split('\n').at(-1) || failed.message;
    process.stderr.write(`npm run demo failed (exit code ${failed.code}): ${why}\nnothing was pasted\n`);
    return null;
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine('readme', {
    allowPositionals: true,
    options: {
      readme: { type: 'string' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const file = values.readme === undefined ? join(ROOT, 'README.md') : resolve(values.readme);
  if (!existsSync(file)) throw new UsageError(`--readme ${values.readme ?? shown(file)}: no such file`);
  const readme = readFileSync(file, 'utf8');
  const block = readmeDemoBlock(readme);
  if (block === null) throw new UsageError(`${shown(file)}: no demo block to fill (a \`\`\`text fence whose first line starts ${JSON.stringify(DEMO_BLOCK_OPENING.split('\n')[1])}, and its closing fence)`);

  const output = await demoOutput();
  if (output === null) return 3;
  const excerpt = demoExcerpt(output);
  const current = sameDemoBlock(block, excerpt);

  if (values.check) {
    if (!current) {
      process.stderr.write(`out of date with npm run demo: ${shown(file)} (the demo block)\nrun \`npm run readme\` and commit the result\n`);
      return 1;
    }
    process.stdout.write(`up to date: ${shown(file)} (the demo block)\n`);
    return 0;
  }
  if (current) {
    process.stdout.write(`up to date: ${shown(file)} (the demo block)\n`);
    return 0;
  }
  writeFileSync(file, withDemoBlock(readme, excerpt));
  process.stdout.write(`pasted ${excerpt.split('\n').length - 1} lines of npm run demo into ${shown(file)}\n`);
  return 0;
}

runCli(main, USAGE);
