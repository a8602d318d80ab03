/**
 * Every state of the workflow and the code that runs it: state → Lambda function (the
 * serverless.yml key) → handler file. Derived from the ASL (each Task's Resource) and from
 * serverless.yml's `functions:` (each function's handler), never listed by hand; `npm run
 * diagram` writes it to docs/states.md and `--check` fails when it is stale.
 *
 * A Task that calls an AWS service directly (ClaimEvent: dynamodb:putItem) runs no code of
 * ours; its row points at the Lambda task whose output its Parameters read (ClaimEvent's
 * item is `$.claim`, which ClassifyEvent returns), found by walking the graph back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable } from 'markdown-table';
import ts from 'typescript';
import { parse } from 'yaml';
import type { LoadedDefinition, StateDefinition } from './definition';

export const SERVERLESS_FILE = fileURLToPath(new URL('../../../serverless.yml', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface StateRow {
  state: string;
  type: string;
  /** What runs: `Lambda`, the service action (`dynamodb:putItem`), or nothing for flow states. */
  runs: string;
  /** The serverless.yml function key, for a Lambda task, or the one whose output a service task reads. */
  functionKey?: string;
  /** The handler file of that function, relative to the repository root. */
  handlerFile?: string;
  /** The module whose function of the handler's name the handler calls (src/lambda/steps/, or src/core/ for pure logic). */
  stepFile?: string;
  /** For a service task: the input it reads and where that comes from. */
  note?: string;
}

/** serverless.yml's `functions:` (a map, or a list of maps the framework merges) → key → handler. */
export function serverlessHandlers(file = SERVERLESS_FILE): Record<string, string> {
  const document = parse(readFileSync(file, 'utf8')) as { functions?: unknown };
  const blocks = Array.isArray(document?.functions) ? document.functions : [document?.functions];
  const handlers: Record<string, string> = {};
  for (const block of blocks) {
    // `${file(...)}` entries are resolved by the framework at package time (the optional sweep); they hold no Task's function.
    if (typeof block !== 'object' || block === null) continue;
    for (const [key, fn] of Object.entries(block as Record<string, { handler?: unknown }>)) {
      if (typeof fn?.handler === 'string') handlers[key] = fn.handler;
    }
  }
  return handlers;
}

/** `src/lambda/handlers/classify-event.handler` → `src/lambda/handlers/classify-event.ts`. */
export function handlerFile(handler: string): string {
  return `${handler.slice(0, handler.lastIndexOf('.'))}.ts`;
}

/** `check-crl-republished` → `checkCrlRepublished`: the name a handler file's function carries. */
export function functionName(file: string): string {
  return posix.basename(file, '.ts').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * The module a handler file imports its own name from (`repair-bucket.ts` imports
 * `repairBucket` from `../steps/repair-bucket`), relative to the repository root; undefined
 * when it imports no such function (or is not a file). Read with the TypeScript parser, not a pattern.
 */
export function stepFile(handler: string, root = ROOT): string | undefined {
  const name = functionName(handler);
  const path = posix.join(root, handler);
  // A definition under test may name handlers that are not files; the row then has no step.
  if (!existsSync(path)) return undefined;
  const source = ts.createSourceFile(handler, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (statement.importClause?.isTypeOnly) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    if (bindings.elements.some((element) => !element.isTypeOnly && (element.propertyName ?? element.name).text === name)) {
      return `${posix.join(posix.dirname(handler), statement.moduleSpecifier.text)}.ts`;
    }
  }
  return undefined;
}

/** The top-level input keys a state's Parameters read (`S.$: $.claim.pk` → claim). */
function inputKeys(parameters: unknown): string[] {
  const keys = new Set<string>();
  const visit = (value: unknown, key = ''): void => {
    if (typeof value === 'string' && key.endsWith('.$')) {
      const match = /^\$\.([A-Za-z0-9_]+)/.exec(value);
      if (match) keys.add(match[1]!);
    } else if (typeof value === 'object' && value !== null) {
      for (const [inner, item] of Object.entries(value)) visit(item, inner);
    }
  };
  visit(parameters);
  return [...keys];
}

function successors(state: StateDefinition): string[] {
  const next: unknown[] = [
    state.Next,
    state.Default,
    ...((state.Choices as Array<{ Next?: unknown }> | undefined) ?? []).map((rule) => rule.Next),
    ...((state.Catch as Array<{ Next?: unknown }> | undefined) ?? []).map((catcher) => catcher.Next),
  ];
  return next.filter((name): name is string => typeof name === 'string');
}

/** The nearest Lambda task before `name` whose result lands at `$.key` (or replaces the whole input). */
function producer(loaded: LoadedDefinition, name: string, key: string): string | undefined {
  const states = loaded.definition.States;
  const before = new Map<string, string[]>();
  for (const [from, state] of Object.entries(states)) for (const to of successors(state)) before.set(to, [...(before.get(to) ?? []), from]);
  const seen = new Set([name]);
  let frontier = before.get(name) ?? [];
  while (frontier.length > 0) {
    for (const candidate of frontier) {
      const resultPath = states[candidate]!.ResultPath;
      if (candidate in loaded.taskFunctions && (resultPath === undefined || resultPath === `$.${key}`)) return candidate;
    }
    for (const item of frontier) seen.add(item);
    frontier = [...new Set(frontier.flatMap((item) => before.get(item) ?? []))].filter((item) => !seen.has(item));
  }
  return undefined;
}

/** One row per state, in definition order. Throws when a Task names a function serverless.yml does not define. */
export function stateRows(loaded: LoadedDefinition, handlers: Record<string, string> = serverlessHandlers()): StateRow[] {
  const fileOf = (name: string, key: string) => {
    const handler = handlers[key];
    if (!handler) throw new Error(`state ${name}: function ${key} is not in serverless.yml's functions`);
    return handlerFile(handler);
  };
  // Several states share a function (the three Inspect states): parse each handler once.
  const steps = new Map<string, string | undefined>();
  const code = (name: string, key: string) => {
    const file = fileOf(name, key);
    if (!steps.has(file)) steps.set(file, stepFile(file));
    const step = steps.get(file);
    return step ? { handlerFile: file, stepFile: step } : { handlerFile: file };
  };
  return Object.entries(loaded.definition.States).map(([state, definition]): StateRow => {
    const functionKey = loaded.taskFunctions[state];
    if (functionKey) return { state, type: definition.Type, runs: 'Lambda', functionKey, ...code(state, functionKey) };
    const callbackKey = loaded.callbackTasks[state];
    if (callbackKey) return { state, type: definition.Type, runs: 'Lambda, waits for a task token', functionKey: callbackKey, ...code(state, callbackKey) };
    const service = loaded.serviceTasks[state];
    if (!service) return { state, type: definition.Type, runs: '' };
    const runs = `${service.resourceType}:${service.resource}`;
    const reads = inputKeys(definition.Parameters ?? definition.Arguments);
    const sources = reads.map((key) => ({ key, from: producer(loaded, state, key) })).filter((source) => source.from !== undefined);
    const first = sources[0];
    if (!first) return { state, type: definition.Type, runs, note: reads.length > 0 ? `reads ${reads.map((key) => `\`$.${key}\``).join(', ')}` : undefined };
    const key = loaded.taskFunctions[first.from!]!;
    return {
      state,
      type: definition.Type,
      runs,
      functionKey: key,
      ...code(first.from!, key),
      note: sources.map((source) => `\`$.${source.key}\` from ${source.from}`).join(', '),
    };
  });
}

/** docs/states.md: a generated header, then the table with the handler files linked (from docs/). */
export function statesMarkdown(rows: readonly StateRow[]): string {
  const link = (file: string | undefined) => (file ? `[${file}](../${file})` : '');
  const table = markdownTable([
    ['State', 'Type', 'Runs', 'Function (serverless.yml)', 'Handler', 'What it does', 'Note'],
    ...rows.map((row) => [
      `\`${row.state}\``,
      row.type,
      row.runs,
      row.functionKey ? `\`${row.functionKey}\`` : '',
      link(row.handlerFile),
      link(row.stepFile),
      row.note ?? '',
    ]),
  ]);
  return [
    '<!-- Generated by `npm run diagram` from statemachines/remediation.asl.yml and serverless.yml; do not edit by hand. -->',
    '',
    '# States and the code that runs them',
    '',
    'Every state of the workflow, in definition order: what it runs, the Lambda function',
    "(its key under serverless.yml's `functions:`), the handler file (the function's entry",
    'point) and the module whose function of the same name the handler calls: in',
    '`src/lambda/steps/`, or `src/core/` for pure logic ([the layout](layout.md)). A task that',
    'calls an AWS service directly runs none of our code; its row names the Lambda task whose',
    "output it reads and that function's files.",
    '',
    table,
    '',
  ].join('\n');
}
