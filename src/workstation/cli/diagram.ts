/**
 * npm run diagram [-- --out <dir>] [--page <file>] [--check]
 *
 * Draw the workflow from the state machine definition: docs/workflow.mmd (Mermaid),
 * docs/workflow.svg (a standalone picture, laid out by Graphviz), docs/states.md (each
 * state → Lambda function → handler file, from the ASL and serverless.yml) and the Mermaid
 * block of docs/workflow.md between <!-- diagram:start --> and <!-- diagram:end -->. With --check nothing is written and
 * the exit code is 1 when any of them is out of date. Exit code 2 for bad input.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDefinition } from '../executions/definition';
import { README_END, README_START, readmeDiagram, readmeDiagramBlock, withReadmeDiagram, workflowMermaid, workflowSvg } from '../executions/diagram';
import { stateRows, statesMarkdown } from '../executions/states-table';
import { parseCommandLine, runCli, shown, UsageError } from './common';

export const USAGE = `usage: npm run diagram [-- options]

  --out <dir>      where to write workflow.mmd, workflow.svg and states.md (default docs/)
  --page <file>    the Markdown page whose ${README_START} block to update (default docs/workflow.md)
  --check          write nothing; exit 1 when a file is out of date`;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine('diagram', {
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      page: { type: 'string' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const out = values.out === undefined ? join(ROOT, 'docs') : resolve(values.out);
  const readmeFile = values.page === undefined ? join(ROOT, 'docs', 'workflow.md') : resolve(values.page);
  if (!existsSync(readmeFile)) throw new UsageError(`--page ${values.page ?? shown(readmeFile)}: no such file`);
  const readme = readFileSync(readmeFile, 'utf8');
  if (readmeDiagram(readme) === null) throw new UsageError(`${shown(readmeFile)}: no ${README_START} … ${README_END} block to fill`);

  const loaded = loadDefinition();
  const { definition } = loaded;
  const svgFile = join(out, 'workflow.svg');
  const link = relative(dirname(readmeFile), svgFile).split(sep).join('/');
  const files: Array<[string, string]> = [
    [join(out, 'workflow.mmd'), workflowMermaid(definition)],
    [svgFile, await workflowSvg(definition)],
    [join(out, 'states.md'), statesMarkdown(stateRows(loaded))],
    [readmeFile, withReadmeDiagram(readme, readmeDiagramBlock(definition, link))],
  ];
  const stale = files.filter(([file, text]) => !existsSync(file) || readFileSync(file, 'utf8') !== text);
  const names = (list: Array<[string, string]>) => list.map(([file]) => shown(file)).join(', ');

  if (values.check) {
    if (stale.length > 0) {
      process.stderr.write(`out of date with the state machine definition: ${names(stale)}\nrun \`npm run diagram\` and commit the result\n`);
      return 1;
    }
    process.stdout.write(`up to date: ${names(files)}\n`);
    return 0;
  }
  mkdirSync(out, { recursive: true });
  for (const [file, text] of stale) writeFileSync(file, text);
  process.stdout.write(stale.length > 0 ? `wrote ${names(stale)}\n` : `up to date: ${names(files)}\n`);
  return 0;
}

runCli(main, USAGE);
