/**
 * Module initialisation, measured the way Lambda pays for it: a fresh Node process
 * imports the handler file once. The child script times `await import(file)` with
 * performance.now() inside the child and prints one JSON line; the parent times the
 * whole process. Plain JavaScript written to a file, so that nothing (tsx, type
 * stripping) runs in the child but Node and the handler.
 *
 * In `probe` mode (a separate child: hooks slow loading down) it also
 * - counts every file the import loads, ESM and CommonJS alike, with a synchronous
 *   loader hook (module.registerHooks, Node 22.15+/23.5+): their number and bytes;
 * - records any attempt to reach the network during the import and 200 ms after it
 *   (net/tls connect, UDP send, DNS lookups, http(s).request, fetch), to show that
 *   importing a handler with Lambda's environment calls nothing.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CHILD_SOURCE = `// Written by src/workstation/bench/import-child.ts; run as: node <this file> <module file> time|probe
import { pathToFileURL } from 'node:url';
const [file, mode] = process.argv.slice(2);
const result = {};
let loaded = null;
let network = null;
if (mode === 'probe') {
  const { createRequire, registerHooks, syncBuiltinESMExports } = await import('node:module');
  const { statSync } = await import('node:fs');
  loaded = new Map();
  registerHooks({
    load(url, context, nextLoad) {
      const answer = nextLoad(url, context);
      if (url.startsWith('file:')) loaded.set(url, statSync(new URL(url)).size);
      return answer;
    },
  });
  network = [];
  const require = createRequire(import.meta.url);
  const spy = (target, name, label) => {
    const original = target[name];
    target[name] = function (...args) {
      network.push(label + (typeof args[0] === 'string' ? ' ' + args[0] : ''));
      return original.apply(this, args);
    };
  };
  const net = require('node:net');
  const dgram = require('node:dgram');
  const dns = require('node:dns');
  spy(net.Socket.prototype, 'connect', 'net.Socket.connect');
  spy(require('node:tls'), 'connect', 'tls.connect');
  spy(dgram.Socket.prototype, 'send', 'dgram send');
  spy(dns, 'lookup', 'dns.lookup');
  spy(dns, 'resolve', 'dns.resolve');
  spy(dns.promises, 'lookup', 'dns.promises.lookup');
  spy(require('node:http'), 'request', 'http.request');
  spy(require('node:https'), 'request', 'https.request');
  syncBuiltinESMExports();
  if (typeof globalThis.fetch === 'function') spy(globalThis, 'fetch', 'fetch');
}
const started = performance.now();
try {
  const module = await import(pathToFileURL(file).href);
  result.importMs = performance.now() - started;
  result.exportsHandler = typeof module.handler === 'function';
} catch (error) {
  result.error = String(error && error.stack || error).split('\\n').slice(0, 3).join(' | ');
}
if (mode === 'probe') {
  await new Promise((resolve) => setTimeout(resolve, 200));
  result.files = loaded.size;
  result.bytes = [...loaded.values()].reduce((sum, size) => sum + size, 0);
  result.network = network;
}
process.stdout.write(JSON.stringify(result) + '\\n');
process.exit(0);
`;

export interface ChildResult {
  /** Milliseconds of `await import(file)`, measured in the child. */
  importMs?: number;
  exportsHandler?: boolean;
  error?: string;
  /** Probe mode: files loaded by the import and their bytes on disk. */
  files?: number;
  bytes?: number;
  /** Probe mode: network attempts seen (empty when none). */
  network?: string[];
}

export interface ChildRun extends ChildResult {
  /** Milliseconds from spawning the process to its exit, measured by the parent. */
  wallMs: number;
}

/** Write the child script into `directory`; returns its path. */
export function writeChildScript(directory: string): string {
  const path = join(directory, 'measure-import.mjs');
  writeFileSync(path, CHILD_SOURCE);
  return path;
}

/** One fresh Node process importing `moduleFile` with exactly `env` (nothing inherited). */
export function runImportChild(script: string, moduleFile: string, mode: 'time' | 'probe', env: Record<string, string>, cwd: string): ChildRun {
  const started = performance.now();
  const child = spawnSync(process.execPath, [script, moduleFile, mode], { env, cwd, encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  if (child.error) return { wallMs, error: `${child.error.name}: ${child.error.message}` };
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return { ...(JSON.parse(line) as ChildResult), wallMs };
  } catch {
    return {
      wallMs,
      error: `exit ${child.status}${child.signal ? ` (${child.signal})` : ''}: ${(child.stderr || child.stdout).trim().split('\n').slice(0, 3).join(' | ')}`,
    };
  }
}

export interface LambdaFunctionInfo {
  /** The deployed function name, e.g. pca-remediation-dev-classifyEvent. */
  functionName: string;
  /** `src/lambda/handlers/classify-event.handler`. */
  handler: string;
  memoryMb: number;
  /** The function's environment from the packaged template, references replaced by placeholders. */
  variables: Record<string, string>;
}

/**
 * The environment of a Lambda execution environment running this function (nodejs24.x,
 * arm64, X-Ray active tracing), with credentials that cannot work. The reserved
 * variables are the ones Lambda documents; the rest is the function's own, as packaged.
 */
export function lambdaEnvironment(fn: LambdaFunctionInfo, region = 'us-east-1'): Record<string, string> {
  return {
    PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    _HANDLER: fn.handler,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/21/[$LATEST]00000000000000000000000000000000',
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    // Fake credentials: if anything did call AWS, it would be refused.
    AWS_ACCESS_KEY_ID: 'ASIABENCHMARKNOTREAL',
    AWS_SECRET_ACCESS_KEY: 'benchmark-not-a-real-secret',
    AWS_SESSION_TOKEN: 'benchmark-not-a-real-token',
    // Active tracing, with Powertools' tracer on. Lambda's X-Ray daemon listens on a
    // link-local address; here it is loopback, so that nothing is ever sent off this machine.
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    _AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1',
    _AWS_XRAY_DAEMON_PORT: '2000',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    POWERTOOLS_TRACE_ENABLED: 'true',
    ...fn.variables,
  };
}
