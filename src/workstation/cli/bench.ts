/**
 * npm run bench [-- --only bundles|paths|storms]... [--runs <n>] [--no-package] [--json]
 *
 * One report: the machine; each Lambda as `sls package` builds it against a naive build
 * (size, module initialisation in fresh processes); each workflow path on the local
 * runner (state transitions, invocations, AWS calls, cost per execution); storms
 * (throughput, writes, duplicates, memory). Targets are reported PASS or MISS; a MISS
 * is a finding, not a failure: the exit code is 0 unless the benchmark itself broke
 * (2 for bad arguments).
 */
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BundleReport } from '../bench/bundles';
import { describeMachine } from '../bench/machine';
import { PRICES } from '../bench/pricing';
import { collectTargets, renderReport, SECTIONS, type BenchReport } from '../bench/report';
import { cleanups, loadRunner, parseCommandLine, runCli, UsageError } from './common';

const USAGE = `usage: npm run bench [-- --only bundles|paths|storms]... [--runs <n>] [--no-package] [--json]

  --only <section>  run only this section (repeatable): ${SECTIONS.join(', ')}
  --runs <n>        fresh processes per variant for the init times (default 20; fewer only with a warning)
  --no-package      use the zips in .serverless/ instead of running \`sls package\`
  --json            print one JSON document and nothing else`;

const DEFAULT_RUNS = 20;

/** A temporary directory removed when the tool is done. */
function temporaryDirectory(parent: string, prefix: string): string {
  const directory = mkdtempSync(join(parent, prefix));
  cleanups.push(async () => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

async function benchBundles(root: string, options: { runs: number; noPackage: boolean; progress: (message: string) => void }): Promise<BundleReport> {
  const { buildNaive, hasPackage, measureInit, packagedFunctions, packageService, writeBundles, BUNDLE_LIMIT_BYTES, INIT_RATIO_LIMIT } = await import(
    '../bench/bundles'
  );
  const { lambdaEnvironment } = await import('../bench/import-child');
  const { bundleComposition } = await import('../bench/composition');
  let directory: string;
  let seconds: number | null = null;
  if (options.noPackage) {
    directory = resolve(root, '.serverless');
    if (!hasPackage(directory))
      throw new UsageError(`--no-package: no packaged functions in ${directory}; run \`npx sls package\` first, or leave --no-package out`);
  } else {
    directory = temporaryDirectory(tmpdir(), 'pca-remediation-bench-package-');
    options.progress('packaging: npx sls package');
    ({ seconds } = packageService(root, directory));
  }
  const functions = await packagedFunctions(directory);
  // Bundles outside the repository (nothing to resolve from, as in /var/task); naive builds
  // inside it, under node_modules/.cache, so that their packages resolve from node_modules.
  const scratch = temporaryDirectory(tmpdir(), 'pca-remediation-bench-');
  const bundleFiles = writeBundles(functions, join(scratch, 'bundles'));
  const cache = resolve(root, 'node_modules/.cache');
  const madeCache = !existsSync(cache);
  mkdirSync(cache, { recursive: true });
  const naiveDirectory = temporaryDirectory(cache, 'pca-remediation-bench-naive-');
  // Clean-ups run in order: this one after the naive directory's. Only what we made, only if left empty.
  if (madeCache) cleanups.push(async () => rmdirSync(cache));
  const naiveFiles = await buildNaive(functions, root, naiveDirectory);
  const composition = await bundleComposition(functions, root, join(scratch, 'composition'));
  const rows = measureInit({ functions, bundleFiles, naiveFiles, scratch, cwd: root, runs: options.runs, progress: options.progress });
  const sample = functions[0]!;
  return {
    packaged: {
      directory: options.noPackage ? directory : '<temporary directory>',
      fresh: !options.noPackage,
      seconds,
      writtenAt: statSync(join(directory, 'cloudformation-template-update-stack.json')).mtime.toISOString(),
    },
    runs: options.runs,
    limitBytes: BUNDLE_LIMIT_BYTES,
    initRatioLimit: INIT_RATIO_LIMIT,
    environment: lambdaEnvironment(sample),
    rows,
    composition,
  };
}

async function main(): Promise<number> {
  const { values } = parseCommandLine('bench', {
    options: {
      only: { type: 'string', multiple: true },
      runs: { type: 'string' },
      'no-package': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = (values.only ?? []).filter((section) => !(SECTIONS as readonly string[]).includes(section));
  if (unknown.length > 0) throw new UsageError(`no section ${unknown.join(', ')}`);
  const sections = SECTIONS.filter((section) => !values.only || values.only.includes(section));
  const warnings: string[] = [];
  let runs = DEFAULT_RUNS;
  if (values.runs !== undefined) {
    if (!/^\d+$/.test(values.runs) || Number(values.runs) < 1)
      throw new UsageError(`--runs must be a whole number of at least 1, not ${JSON.stringify(values.runs)}`);
    runs = Number(values.runs);
    if (runs < DEFAULT_RUNS) warnings.push(`--runs ${runs}: fewer than ${DEFAULT_RUNS} samples per variant, so the init medians are noisy`);
  }
  if (values['no-package'] && !sections.includes('bundles')) warnings.push('--no-package only matters for the bundles section');

  const started = performance.now();
  const machine = describeMachine();
  const progress = (message: string) => {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${message}`);
  };
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);

  const runner = await loadRunner();
  const report: BenchReport = { machine, sections: [...sections], wallSeconds: 0, prices: PRICES, targets: [], warnings };
  if (sections.includes('bundles')) report.bundles = await benchBundles(runner.REPOSITORY_ROOT, { runs, noPackage: values['no-package'], progress });

  if (sections.includes('paths') || sections.includes('storms')) {
    const { instrumentRunner } = await import('../bench/instrument');
    const instrumentation = instrumentRunner();
    try {
      if (sections.includes('paths')) {
        progress('workflow paths');
        const { deployedMemoryMb, measurePaths } = await import('../bench/paths');
        report.paths = await measurePaths({ instrumentation, memoryMb: deployedMemoryMb() });
      }
      if (sections.includes('storms')) {
        const { measureStorm, STORMS } = await import('../bench/storms');
        report.storms = [];
        for (const storm of STORMS) {
          progress(`storm: ${storm.title}`);
          report.storms.push(await measureStorm(storm, instrumentation));
        }
      }
    } finally {
      instrumentation.restore();
    }
  }
  progress('');
  report.wallSeconds = (performance.now() - started) / 1000;
  report.targets = collectTargets(report);
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  return 0;
}

runCli(main, USAGE);
