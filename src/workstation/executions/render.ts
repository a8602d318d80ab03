/**
 * One execution as text, the way the Step Functions console's execution view reads:
 * the states in order with when they started and how long they took, every retry with
 * the delay before it, every caught error, and the outcome record with a diff of each
 * change. Used by `npm run local`, `npm run demo`, `npm run invoke --wait` and
 * `npm run executions <arn>`.
 */
import type { OutcomeRecord, PlannedAction } from '../../core/types';
import { matchingRetrier, retryBackoffSeconds, type Definition } from './definition';
import { diffLines, prettyJson, withContext } from '../../core/diff';
import { stateSeconds, type ExecutionView, type StateVisit } from './view';

export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
export const COLORS: Paint = { bold: ansi(1, 22), dim: ansi(2, 22), red: ansi(31, 39), green: ansi(32, 39), yellow: ansi(33, 39), cyan: ansi(36, 39) };
const same = (text: string) => text;
export const PLAIN: Paint = { bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };

/** Colors when writing to a terminal and NO_COLOR is not set. */
export function paintFor(stream: { isTTY?: boolean }): Paint {
  return stream.isTTY && !process.env.NO_COLOR ? COLORS : PLAIN;
}

export interface RenderOptions {
  title?: string;
  /** Lines printed under the title, e.g. `event  events/x.json`. */
  about?: Array<[string, string]>;
  /** The definition the execution ran, to show each retry's backoff ceiling. */
  definition?: Definition;
  paint?: Paint;
  /** Shown under the status, e.g. the console link. */
  consoleUrl?: string;
  /** Note after the durations, e.g. "(simulated)". */
  timeNote?: string;
  now?: Date;
}

/** 0s, 450ms, 41s, 16m 12s, 1h 02m. */
export function formatSeconds(seconds: number): string {
  if (seconds > 0 && seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

const STATUS_COLOR: Record<string, keyof Paint> = {
  SUCCEEDED: 'green',
  REMEDIATED: 'green',
  ALREADY_COMPLIANT: 'green',
  RECOVERED: 'green',
  RUNNING: 'cyan',
  DRY_RUN: 'cyan',
  REJECTED: 'yellow',
  DECLINED: 'yellow',
  APPROVAL_EXPIRED: 'yellow',
  NEEDS_ATTENTION: 'yellow',
  ESCALATED: 'red',
  FAILED: 'red',
  TIMED_OUT: 'red',
  ABORTED: 'red',
};

export function colorStatus(status: string, paint: Paint): string {
  return paint[STATUS_COLOR[status] ?? 'bold'](status);
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(1, width - text.length));
}

function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The retry ceiling for the `nth` retry (1-based) of `state` after `error`, from the definition. */
function backoffNote(definition: Definition | undefined, state: StateVisit, error: string, nth: number): string {
  const retriers = definition?.States[state.name]?.Retry;
  const index = matchingRetrier(retriers, error);
  const retrier = retriers?.[index];
  if (!retrier) return '';
  const ceiling = retryBackoffSeconds(retrier, nth - 1);
  return retrier.JitterStrategy === 'FULL' ? ` (full jitter under ${formatSeconds(ceiling)})` : ` (backoff ${formatSeconds(ceiling)})`;
}

function renderStates(view: ExecutionView, options: RenderOptions, paint: Paint): string[] {
  const lines: string[] = [];
  const start = view.startedAt?.getTime() ?? view.states[0]?.enteredAt.getTime() ?? 0;
  const nameWidth = Math.max(5, ...view.states.map((state) => state.name.length)) + 2;
  lines.push(paint.dim(`  ${pad('#', 4)}${pad('state', nameWidth)}${pad('type', 9)}${pad('started', 11)}took`));
  view.states.forEach((state, index) => {
    const offset = `+${formatSeconds((state.enteredAt.getTime() - start) / 1000)}`;
    const took = state.exitedAt || view.stoppedAt ? formatSeconds(stateSeconds(state, view, options.now)) : paint.cyan('running');
    const tries = state.attempts.length > 1 ? paint.dim(`  ${state.attempts.length} attempts`) : '';
    const name = state.failed ? paint.red(state.name) : state.name;
    lines.push(
      `  ${pad(String(index + 1), 4)}${name}${' '.repeat(Math.max(1, nameWidth - state.name.length))}${pad(state.type, 9)}${pad(offset, 11)}${took}${tries}`,
    );
    const counts = new Map<string, number>();
    let shown = '';
    state.attempts.forEach((attempt, number) => {
      const next = state.attempts[number + 1];
      if (!attempt.error || !next) return;
      const nth = (counts.get(attempt.error.error) ?? 0) + 1;
      counts.set(attempt.error.error, nth);
      // The error once, then one line per retry while it repeats.
      const heading = `${attempt.error.error}: ${oneLine(attempt.error.cause, 110)}`;
      if (heading !== shown) lines.push(paint.yellow(`        ↻ ${attempt.error.error}`) + paint.dim(`: ${oneLine(attempt.error.cause, 110)}`));
      shown = heading;
      lines.push(
        paint.dim(
          `          retry ${nth} after ${formatSeconds(next.delayBeforeSeconds ?? 0)}${backoffNote(options.definition, state, attempt.error.error, nth)}`,
        ),
      );
    });
    if (state.caught) lines.push(paint.yellow(`        ⤷ caught ${state.caught.error}`) + paint.dim(`: ${oneLine(state.caught.cause, 110)}`));
    if (state.failed) lines.push(paint.red(`        ✗ ${state.failed.error}`) + paint.dim(`: ${oneLine(state.failed.cause, 110)}`));
  });
  return lines;
}

function actionLabel(action: PlannedAction): string {
  if ('appliedAt' in action) return `applied${(action as { verified?: boolean }).verified ? ', read back' : ''}`;
  return 'planned, not applied';
}

/** The outcome record: status, message, findings, each change with its diff, next steps. */
export function renderOutcome(outcome: OutcomeRecord, paint: Paint): string[] {
  const lines: string[] = [];
  lines.push(
    `  ${paint.bold('outcome')}   ${colorStatus(outcome.status, paint)}  ${paint.dim(`${outcome.kind} · mode ${outcome.mode} · ${outcome.notified ? 'notified' : 'not notified'}`)}`,
  );
  lines.push(`  ${paint.bold('message')}   ${outcome.message}`);
  if (outcome.error) lines.push(`  ${paint.bold('error')}     ${paint.red(outcome.error.name)}: ${outcome.error.message}`);
  if (outcome.findings.length > 0) {
    lines.push(`  ${paint.bold('findings')}`);
    for (const finding of outcome.findings) {
      const severity =
        finding.severity === 'action-required'
          ? paint.red(finding.severity)
          : finding.severity === 'warning'
            ? paint.yellow(finding.severity)
            : paint.dim(finding.severity);
      lines.push(`    ${severity} ${paint.bold(finding.code)}  ${oneLine(finding.message, 400)}`);
    }
  }
  if (outcome.actions.length > 0) {
    lines.push(`  ${paint.bold('changes')}`);
    for (const action of outcome.actions) {
      lines.push(`    ${paint.bold(action.type)} ${action.resource}  ${paint.dim(`(${actionLabel(action)})`)}`);
      lines.push(`      ${paint.dim(oneLine(action.description, 300))}`);
      for (const line of withContext(diffLines(prettyJson(action.before), prettyJson(action.after)))) {
        if (line === null) lines.push(paint.dim('        ⋯'));
        else if (line.kind === '+') lines.push(paint.green(`      + ${line.text}`));
        else if (line.kind === '-') lines.push(paint.red(`      - ${line.text}`));
        else lines.push(paint.dim(`        ${line.text}`));
      }
    }
  }
  if (outcome.nextSteps.length > 0) {
    lines.push(`  ${paint.bold('next steps')}`);
    for (const step of outcome.nextSteps) lines.push(`    - ${step}`);
  }
  return lines;
}

export function renderExecution(view: ExecutionView, options: RenderOptions = {}): string {
  const paint = options.paint ?? PLAIN;
  const lines: string[] = [];
  if (options.title) lines.push(paint.bold(`━━ ${options.title}`));
  for (const [label, value] of options.about ?? []) lines.push(`  ${pad(label, 10)}${value}`);
  const took =
    view.startedAt && view.stoppedAt
      ? ` in ${formatSeconds((view.stoppedAt.getTime() - view.startedAt.getTime()) / 1000)}${options.timeNote ? ` ${options.timeNote}` : ''}`
      : '';
  lines.push(`  ${pad('status', 10)}${colorStatus(view.status, paint)}${took}`);
  if (view.error) lines.push(`  ${pad('error', 10)}${paint.red(view.error.error)}: ${oneLine(view.error.cause, 300)}`);
  if (options.consoleUrl) lines.push(`  ${pad('console', 10)}${options.consoleUrl}`);
  lines.push('');
  lines.push(...renderStates(view, options, paint));
  lines.push('');
  if (view.outcome) lines.push(...renderOutcome(view.outcome, paint));
  else lines.push(paint.dim(view.status === 'RUNNING' ? '  no outcome yet: the execution is still running' : '  no outcome was recorded'));
  return lines.join('\n');
}
