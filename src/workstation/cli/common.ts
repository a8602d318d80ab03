/**
 * What the command-line tools share: the Node version they need (checked before anything
 * runs), the Powertools environment the handlers read at import (so it is set before the
 * runner is imported), clear errors instead of stack traces, and the parts of a run shown
 * under the execution view.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import semver from 'semver';
import type { Paint } from '../executions/render';
import type { AccountChange } from '../local/account-changes';
import type { CallSummary } from '../local/runner';

/** The Node versions the tools run on: package.json's engines.node (npm ci enforces it too, see .npmrc). */
export const REQUIRED_NODE: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } })
  .engines.node;

/** Null when Node `running` (e.g. process.versions.node) satisfies `required`, else the one line to print. */
export function nodeVersionProblem(running: string, required: string = REQUIRED_NODE): string | null {
  // includePrerelease: a nightly or release candidate of a supported line counts as that line.
  if (semver.satisfies(running, required, { includePrerelease: true })) return null;
  return `pca-remediation needs Node ${required} (package.json engines.node); this is Node ${running}. Switch to Node 24 (\`nvm use\` reads .nvmrc) and run it again.`;
}

/** An error the user can fix; printed as `error: <message>` with the usage, exit code 2. */
/** A path as the user would type it from the current directory: relative below it, else as given. */
export function shown(file: string): string {
  const path = relative(process.cwd(), file);
  return path === '' || path.startsWith('..') ? file : path;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * npm's names in the environment for an option of ours that npm took: `npm run x --save-account`
 * arrives as npm_config_save_account, and `--no-package` as npm_config_package (negated).
 */
function npmConfigNames(option: string): string[] {
  const name = `npm_config_${option.replaceAll('-', '_')}`;
  return option.startsWith('no-') ? [name, `npm_config_${option.slice(3).replaceAll('-', '_')}`] : [name];
}

/**
 * parseArgs, for a CLI that npm starts as `npm run <script>`. npm reads every flag written
 * before `--` as its own and passes it on only as npm_config_<flag> in the environment; a
 * value after it becomes an argument (`npm run local x.json --history h.json` runs
 * `local x.json h.json` with npm_config_history=true). So, when npm started this script:
 * a --json that npm took is honoured (it only chooses the output, and `npm run local
 * x.json --json` then does what it says); any other option of ours that npm took stops
 * the CLI with a hint, before anything runs. `--help` never reaches us: npm answers it.
 */
export function parseCommandLine<const T extends ParseArgsConfig>(
  script: string,
  config: T,
  env: NodeJS.ProcessEnv = process.env,
): ReturnType<typeof parseArgs<T>> {
  const options = config.options ?? {};
  const taken =
    env.npm_lifecycle_event !== script
      ? []
      : Object.keys(options).filter((option) => option !== 'help' && npmConfigNames(option).some((name) => env[name] !== undefined));
  const honoured = taken.filter((option) => option === 'json' && options[option]!.type === 'boolean' && env.npm_config_json === 'true');
  const refused = taken.filter((option) => !honoured.includes(option));
  if (refused.length > 0) {
    const list = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);
    const names = refused.flatMap((option) => npmConfigNames(option).filter((name) => env[name] !== undefined));
    const example = refused.map((option) => `--${option}${options[option]!.type === 'string' ? ' <value>' : ''}`).join(' ');
    throw new UsageError(
      `npm took ${list(refused.map((option) => `--${option}`))} as its own: npm reads every flag before \`--\` and passes on only ${list(names)} (any value becomes an argument). Write npm run ${script} -- … ${example} (or, if an .npmrc sets ${refused.length > 1 ? 'them' : 'it'}, remove ${refused.length > 1 ? 'them' : 'it'} there)`,
    );
  }
  const parsed = parseArgs(config);
  if (honoured.length > 0) (parsed.values as Record<string, unknown>).json = true;
  return parsed;
}

/** The options that name a deployment, shared by the tools that talk to AWS (defaults: ./deployment.ts). */
export const DEPLOYMENT_OPTIONS = {
  stage: { type: 'string' },
  region: { type: 'string' },
} as const;

/** What to close when the tool is done (dynalite and its connections), whatever the outcome. */
export const cleanups: Array<() => Promise<void>> = [];

/** Set the handlers' environment, then import the local runner (which imports the handlers). */
export async function loadRunner(options: { logs?: boolean } = {}) {
  const { localEnvironment } = await import('../local/environment');
  Object.assign(process.env, localEnvironment(options));
  const runner = await import('../local/runner');
  cleanups.push(runner.stopDynalite);
  return runner;
}

async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
}

/** Set once stdout or stderr was closed by its reader: nothing more is written. */
let outputClosed = false;

/**
 * stdout or stderr failed. A reader that closed the pipe (`npm run demo | head -1`) has
 * what it wanted: clean up and exit 0 quietly, as the tools around us do, instead of
 * Node's EPIPE stack trace. Later writes to the closed stream fail too (ERR_STREAM_DESTROYED)
 * and are ignored. Any other output error stays a crash.
 */
function onOutputError(error: NodeJS.ErrnoException): void {
  if (outputClosed) return;
  if (error.code !== 'EPIPE') throw error;
  outputClosed = true;
  void cleanUp().finally(() => process.exit(0));
}

/**
 * Check the Node version, then run `main`; print known input errors as one line on stderr
 * and exit 2, anything else as a crash; end quietly, exit 0, when the output pipe closes.
 */
export function runCli(main: () => Promise<number>, usage: string): void {
  process.stdout.on('error', onOutputError);
  process.stderr.on('error', onOutputError);
  const problem = nodeVersionProblem(process.versions.node);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exitCode = 2;
    return;
  }
  main()
    .finally(cleanUp)
    .then(
      (code) => {
        if (!outputClosed) process.exitCode = code;
      },
      (error: unknown) => {
        if (outputClosed) return;
        const name = (error as Error)?.name;
        if (
          name === 'UsageError' ||
          name === 'LocalInputError' ||
          name === 'AccountFileError' ||
          name === 'RemoteError' ||
          (error as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS')
        ) {
          // parseArgs's advice on positionals that start with '-' (put them after '--') is not about a mistyped option.
          const message = (error as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '');
          process.stderr.write(`error: ${message}\n${name === 'UsageError' || (error as { code?: string }).code ? `\n${usage}\n` : ''}`);
          process.exitCode = 2;
          return;
        }
        process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
        process.exitCode = 3;
      },
    );
}

export function renderCalls(calls: readonly CallSummary[], paint: Paint): string[] {
  if (calls.length === 0) return ['  AWS calls  none'];
  const lines = [`  ${paint.bold('AWS calls')} ${paint.dim(`(${calls.length}, answered by the simulated account)`)}`];
  calls.forEach((call, index) => {
    const error = call.error ? `  ${paint.yellow(`→ ${call.error}`)}` : '';
    lines.push(`    ${String(index + 1).padStart(2)}  ${call.service.padEnd(8)}${call.operation}${error}`);
  });
  return lines;
}

export function renderChanges(changes: readonly AccountChange[], paint: Paint): string[] {
  if (changes.length === 0) return [`  ${paint.bold('account')}    unchanged`];
  const lines = [`  ${paint.bold('account')}    ${paint.dim("changes in the simulated account, including Private CA's own writes")}`];
  for (const change of changes) lines.push(`    ${change.resource}: ${change.what}`);
  return lines;
}
