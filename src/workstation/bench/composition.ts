/**
 * What a bundle is made of: the handlers rebuilt with esbuild from serverless.yml's
 * `custom.esbuild` as serverless-esbuild passes it on (its defaults under it, its own
 * options removed, `exclude` added to `external`), with a metafile, and the bytes each
 * npm package contributes to the output. The rebuilt size is compared with the packaged
 * bundle; a difference means the breakdown is approximate (the report says so).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { parse } from 'yaml';
import type { PackagedFunction } from './bundles';

/** Options of serverless-esbuild itself, not esbuild's (dist/bundle.js removes them the same way). */
const PLUGIN_OPTIONS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  'config',
];

const asStrings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === 'string');

/** The esbuild options serverless-esbuild would use for `custom.esbuild` (plugins aside). */
export function serverlessEsbuildOptions(custom: Record<string, unknown>): BuildOptions {
  const merged: Record<string, unknown> = {
    bundle: true,
    target: 'node18',
    external: [],
    exclude: ['aws-sdk'],
    platform: 'node',
    outputFileExtension: '.js',
    ...custom,
  };
  const exclude = asStrings(merged.exclude);
  const options: Record<string, unknown> = Object.fromEntries(Object.entries(merged).filter(([key]) => !PLUGIN_OPTIONS.includes(key)));
  options.external = [...asStrings(merged.external), ...(exclude.includes('*') ? [] : exclude)];
  options.outExtension = { '.js': String(merged.outputFileExtension) };
  return options as BuildOptions;
}

export function customEsbuild(root: string): Record<string, unknown> {
  const config = parse(readFileSync(resolve(root, 'serverless.yml'), 'utf8')) as { custom?: { esbuild?: Record<string, unknown> } };
  return config.custom?.esbuild ?? {};
}

/** `@aws-sdk/client-s3` for a path in node_modules; `our code` for the repository's own sources. */
export function packageOf(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return 'our code';
  const [scope, name] = path.slice(at + 'node_modules/'.length).split('/');
  return scope!.startsWith('@') ? `${scope}/${name}` : scope!;
}

export interface Composition {
  key: string;
  /** Bytes of the rebuilt output, and whether that is exactly the packaged bundle's size. */
  rebuiltBytes: number;
  matchesPackage: boolean;
  /** Bytes each package contributes to the output, largest first. */
  packages: Array<{ name: string; bytes: number }>;
}

/** Bytes in the output per package, from an esbuild metafile output. */
export function packageBytes(output: Metafile['outputs'][string]): Array<{ name: string; bytes: number }> {
  const sums = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) sums.set(packageOf(path), (sums.get(packageOf(path)) ?? 0) + input.bytesInOutput);
  return [...sums].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

export async function bundleComposition(functions: readonly PackagedFunction[], root: string, outdir: string): Promise<Composition[]> {
  const options = serverlessEsbuildOptions(customEsbuild(root));
  const result = await build({
    ...options,
    entryPoints: Object.fromEntries(functions.map((fn) => [fn.key, resolve(root, fn.source)])),
    outdir,
    absWorkingDir: root,
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const extension = (options.outExtension as Record<string, string>)['.js'];
  return functions.map((fn) => {
    const name = Object.keys(result.metafile.outputs).find((path) => path.endsWith(`/${fn.key}${extension}`) || path === `${fn.key}${extension}`);
    const output = name ? result.metafile.outputs[name] : undefined;
    if (!output) return { key: fn.key, rebuiltBytes: 0, matchesPackage: false, packages: [] };
    return { key: fn.key, rebuiltBytes: output.bytes, matchesPackage: output.bytes === fn.bundle.length, packages: packageBytes(output) };
  });
}
