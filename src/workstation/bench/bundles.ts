/**
 * Each Lambda as `sls package` builds it (serverless-esbuild: one minified ESM file per
 * function), beside a naive build of the same handler, in the same run:
 *
 * - bundle: the `.mjs` inside the function's zip, extracted outside the repository (so
 *   it cannot lean on node_modules, as on Lambda);
 * - naive: the same handler as a naive build would ship it: compiled by esbuild with
 *   `packages: 'external'`, so our code is one file and every npm package (the AWS SDK
 *   clients, Powertools, middy) is imported whole from node_modules at run time through
 *   its package entry, as a deployment that zips node_modules would load it. Written
 *   under node_modules/.cache so resolution works.
 *
 * Both are imported by fresh Node processes with the function's Lambda environment
 * (./import-child.ts), alternating which goes first in each round.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { Composition } from './composition';
import { lambdaEnvironment, runImportChild, writeChildScript, type ChildRun, type LambdaFunctionInfo } from './import-child';
import { ratio, summarize, type Sample } from './stats';
import { withSlsLock } from './sls-lock';
import { readZip } from './zip';

import { BUNDLE_LIMIT_BYTES, INIT_RATIO_LIMIT } from './targets';

export { BUNDLE_LIMIT_BYTES, INIT_RATIO_LIMIT };

export interface PackagedFunction extends LambdaFunctionInfo {
  /** The function's key in serverless.yml, e.g. classifyEvent. */
  key: string;
  zipPath: string;
  zipBytes: number;
  /** The handler file inside the zip, e.g. src/lambda/handlers/classify-event.mjs. */
  entry: string;
  bundle: Buffer;
  /** The TypeScript source of the handler, from the repository root. */
  source: string;
}

interface TemplateFunction {
  Type: string;
  Properties: { FunctionName: string; Handler: string; MemorySize?: number; Code?: { S3Key?: string }; Environment?: { Variables?: Record<string, unknown> } };
}

/** Packaged with a sweep schedule, so that the optional sweep function is built and measured too. */
export const BENCH_PACKAGE_PARAM = 'sweepSchedule=rate(1 day)';

/** `npx sls package --param=<BENCH_PACKAGE_PARAM> --package <directory>`: the artifacts of every function, and the time it took. */
export function packageService(root: string, directory: string): { seconds: number } {
  const started = performance.now();
  const sls = resolve(root, 'node_modules/.bin/sls');
  if (!existsSync(sls)) throw new Error(`${sls} not found: run npm ci first`);
  const child = withSlsLock(root, () =>
    spawnSync(sls, ['package', `--param=${BENCH_PACKAGE_PARAM}`, '--package', directory], {
      cwd: root,
      encoding: 'utf8',
      timeout: 600_000,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    }),
  );
  if (child.status !== 0) {
    const output = `${child.stdout ?? ''}${child.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`sls package failed (${child.error?.message ?? `exit ${child.status}`}):\n${output}`);
  }
  return { seconds: (performance.now() - started) / 1000 };
}

/** A template value that is not a plain string (a Ref), replaced by something of the same shape. */
function placeholder(name: string, value: unknown, region: string): string {
  if (typeof value === 'string') return value;
  const reference = (value as { Ref?: string } | null)?.Ref ?? 'Resource';
  return /ARN$/.test(name) ? `arn:aws:sns:${region}:111122223333:pca-remediation-bench-${reference}` : `pca-remediation-bench-${reference}`;
}

/** Every function of the packaged template with its zip: name, handler, memory, environment, bundle. */
export async function packagedFunctions(directory: string, region = 'us-east-1'): Promise<PackagedFunction[]> {
  const templateFile = join(directory, 'cloudformation-template-update-stack.json');
  if (!existsSync(templateFile)) throw new Error(`${templateFile} not found`);
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as { Resources: Record<string, TemplateFunction> };
  const functions: PackagedFunction[] = [];
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const properties = resource.Properties;
    const zipName = basename(properties.Code?.S3Key ?? '');
    const zipPath = join(directory, zipName);
    // Functions the template defines inline or from elsewhere (none today) have no zip here.
    if (!zipName.endsWith('.zip') || !existsSync(zipPath)) continue;
    const modulePath = properties.Handler.slice(0, properties.Handler.lastIndexOf('.'));
    const zip = readFileSync(zipPath);
    const files = await readZip(zip);
    const entry = [...files.keys()].find((name) => name === `${modulePath}.mjs`) ?? [...files.keys()].find((name) => name.startsWith(`${modulePath}.`));
    if (!entry) throw new Error(`${zipName} has no ${modulePath}.mjs (it holds ${[...files.keys()].join(', ')})`);
    const variables = Object.fromEntries(
      Object.entries(properties.Environment?.Variables ?? {}).map(([name, value]) => [name, placeholder(name, value, region)]),
    );
    functions.push({
      key: zipName.replace(/\.zip$/, ''),
      functionName: properties.FunctionName,
      handler: properties.Handler,
      memoryMb: properties.MemorySize ?? 128,
      variables,
      zipPath,
      zipBytes: zip.length,
      entry,
      bundle: files.get(entry)!,
      source: `${modulePath}.ts`,
    });
  }
  if (functions.length === 0) throw new Error(`no function zips in ${directory}`);
  return functions;
}

/** True when `directory` holds a packaged template and at least one zip (`--no-package`). */
export function hasPackage(directory: string): boolean {
  return existsSync(join(directory, 'cloudformation-template-update-stack.json')) && readdirSync(directory).some((name) => name.endsWith('.zip'));
}

/** The bundles, written as `<directory>/<key>/<entry>`; returns key → file. */
export function writeBundles(functions: readonly PackagedFunction[], directory: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const fn of functions) {
    const file = join(directory, fn.key, fn.entry);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, fn.bundle);
    files.set(fn.key, file);
  }
  return files;
}

/** The naive builds: our code bundled, every package (the SDK clients among them) external; returns key → file. */
export async function buildNaive(functions: readonly PackagedFunction[], root: string, directory: string): Promise<Map<string, string>> {
  await build({
    entryPoints: Object.fromEntries(functions.map((fn) => [fn.key, resolve(root, fn.source)])),
    outdir: directory,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node24',
    outExtension: { '.js': '.mjs' },
    minify: false,
    sourcemap: false,
    logLevel: 'silent',
  });
  return new Map(functions.map((fn) => [fn.key, join(directory, `${fn.key}.mjs`)]));
}

export interface VariantResult {
  file: string;
  /** Bytes of the handler file itself. */
  fileBytes: number;
  /** `await import()` inside the child, ms. */
  init: Sample;
  /** The child process from spawn to exit, ms. */
  wall: Sample;
  /** Files and bytes the import loaded (probe child); null when the probe failed. */
  loadedFiles: number | null;
  loadedBytes: number | null;
  /** Network attempts during and just after the import (probe child). */
  network: string[];
  errors: string[];
}

export interface BundleRow {
  key: string;
  functionName: string;
  handler: string;
  memoryMb: number;
  zipBytes: number;
  bundle: VariantResult;
  naive: VariantResult;
  /** Median bundle init / median naive init. */
  initRatio: number | null;
  sizePass: boolean;
  initPass: boolean | null;
}

export interface BundleReport {
  packaged: { directory: string; fresh: boolean; seconds: number | null; writtenAt: string };
  runs: number;
  limitBytes: number;
  initRatioLimit: number;
  environment: Record<string, string>;
  rows: BundleRow[];
  /** What each bundle is made of (an esbuild metafile of the same build). */
  composition: Composition[];
}

function variantResult(file: string, samples: readonly ChildRun[], probe: ChildRun): VariantResult {
  const ok = samples.filter((sample) => sample.error === undefined && sample.importMs !== undefined);
  const errors = [
    ...new Set(
      [...samples, probe].flatMap((sample) => (sample.error ? [sample.error] : sample.exportsHandler === false ? ['the module has no handler export'] : [])),
    ),
  ];
  return {
    file,
    fileBytes: statSync(file).size,
    init: summarize(ok.map((sample) => sample.importMs!)),
    wall: summarize(ok.map((sample) => sample.wallMs)),
    loadedFiles: probe.error ? null : (probe.files ?? null),
    loadedBytes: probe.error ? null : (probe.bytes ?? null),
    network: probe.network ?? [],
    errors,
  };
}

export interface MeasureOptions {
  functions: readonly PackagedFunction[];
  bundleFiles: ReadonlyMap<string, string>;
  naiveFiles: ReadonlyMap<string, string>;
  /** Where the child script is written (any writable directory). */
  scratch: string;
  /** Working directory of the children: the repository root (naive imports resolve from their own file). */
  cwd: string;
  runs: number;
  progress?: (message: string) => void;
}

export function measureInit(options: MeasureOptions): BundleRow[] {
  const script = writeChildScript(options.scratch);
  const samples = new Map<string, { bundle: ChildRun[]; naive: ChildRun[] }>(options.functions.map((fn) => [fn.key, { bundle: [], naive: [] }]));
  for (let round = 0; round < options.runs; round += 1) {
    options.progress?.(`init times: round ${round + 1} of ${options.runs}`);
    for (const fn of options.functions) {
      const env = lambdaEnvironment(fn);
      const order: Array<'bundle' | 'naive'> = round % 2 === 0 ? ['bundle', 'naive'] : ['naive', 'bundle'];
      for (const variant of order) {
        const file = (variant === 'bundle' ? options.bundleFiles : options.naiveFiles).get(fn.key)!;
        samples.get(fn.key)![variant].push(runImportChild(script, file, 'time', env, options.cwd));
      }
    }
  }
  options.progress?.('loaded files and network: one probe per variant');
  return options.functions.map((fn) => {
    const env = lambdaEnvironment(fn);
    const bundleFile = options.bundleFiles.get(fn.key)!;
    const naiveFile = options.naiveFiles.get(fn.key)!;
    const bundle = variantResult(bundleFile, samples.get(fn.key)!.bundle, runImportChild(script, bundleFile, 'probe', env, options.cwd));
    const naive = variantResult(naiveFile, samples.get(fn.key)!.naive, runImportChild(script, naiveFile, 'probe', env, options.cwd));
    const initRatio = ratio(bundle.init.median, naive.init.median);
    return {
      key: fn.key,
      functionName: fn.functionName,
      handler: fn.handler,
      memoryMb: fn.memoryMb,
      zipBytes: fn.zipBytes,
      bundle,
      naive,
      initRatio,
      sizePass: fn.bundle.length <= BUNDLE_LIMIT_BYTES,
      initPass: initRatio === null ? null : initRatio <= INIT_RATIO_LIMIT,
    };
  });
}
