/**
 * npm run local -- <event.json> [--account <account.json>] [--mode apply|dry-run|approve] [--answer approve|decline|none]
 *                  [--param name=value]... [--json] [--seed n] [--save-account <file>] [--history <file>] [--logs]
 *                  [--diagram <file.svg|file.mmd>]
 *
 * One execution of the real state machine and handlers against a simulated account.
 * No credentials, no network. Exit code 0 when the execution succeeded, 1 when it
 * failed, 2 for bad input.
 */
import { writeFileSync } from 'node:fs';
import { format } from 'node:util';
import { paintFor, renderExecution } from '../executions/render';
import { accountChanges } from '../local/account-changes';
import { loadRunner, parseCommandLine, renderCalls, renderChanges, runCli, UsageError } from './common';
import { checkDiagramFile, writeDiagram } from './diagram-file';

export const USAGE = `usage: npm run local -- <event.json> [options]

  --account <file>       account file to simulate (default: the example account of the event's kind)
  --mode apply|dry-run|approve  the deployment's mode (default apply)
  --answer approve|decline|none
                         mode approve: how the person answers each request for approval, 20 simulated
                         minutes after it (none, the default: nobody answers; it expires)
  --param name=value     a deployment parameter: mode, allowedBuckets, allowCaUpdates, crlRecoveryWindowMinutes,
                         historyRetentionDays, approvalTimeoutHours
  --json                 print one JSON document (status, executionArn, outcome, states, calls, account, history) and nothing else
  --seed <n>             seed of the retry jitter (default 1; runs with the same seed repeat exactly)
  --save-account <file>  write the simulated account after the run, in the account file format
  --history <file>       the history table as a JSON file: read before the run (if it exists), written after;
                         a second run of the same event then ends DUPLICATE, and npm run rollback -- <event id>
                         --account <saved account> --history <file> undoes the remediation
  --logs                 show the Lambda functions' log lines (on stderr)
  --diagram <file>       draw the path the execution took: <file>.svg as a picture, <file>.mmd as Mermaid`;

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine('local', {
    allowPositionals: true,
    options: {
      account: { type: 'string' },
      mode: { type: 'string' },
      answer: { type: 'string' },
      param: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      seed: { type: 'string' },
      'save-account': { type: 'string' },
      history: { type: 'string' },
      logs: { type: 'boolean', default: false },
      diagram: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(positionals.length === 0 ? 'give one event file' : `give one event file, not ${positionals.length}: ${positionals.join(' ')}`);
  const params: Record<string, string> = {};
  for (const pair of values.param ?? []) {
    const match = /^([A-Za-z]+)=(.*)$/s.exec(pair);
    if (!match) throw new UsageError(`--param ${pair}: write it as name=value`);
    params[match[1]!] = match[2]!;
  }
  if (values.mode !== undefined) params.mode = values.mode;
  const answer = values.answer;
  if (answer !== undefined && !['approve', 'decline', 'none'].includes(answer)) throw new UsageError(`--answer ${answer}: one of approve, decline, none`);
  if (answer !== undefined && params.mode !== 'approve') throw new UsageError('--answer is for mode approve: add --mode approve');
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed ${values.seed}: a whole number, 0 or more`);
  const diagram = values.diagram;
  if (diagram !== undefined) checkDiagramFile(diagram);

  if (values.logs) {
    // The handlers log with console (Powertools dev mode); keep stdout for the result.
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
      console[method] = (...args: unknown[]) => process.stderr.write(`${format(...args)}\n`);
  }
  const runner = await loadRunner({ logs: values.logs });
  for (const name of Object.keys(params)) {
    if (!(name in runner.PARAMETERS)) throw new UsageError(`--param ${name}: not a parameter; the parameters are ${Object.keys(runner.PARAMETERS).join(', ')}`);
  }
  const eventPath = positionals[0]!;
  const event = runner.readJsonFile(eventPath, 'event file');
  const account = values.account === undefined ? undefined : runner.readJsonFile(values.account, 'account file');
  const history = values.history === undefined ? [] : runner.readHistoryFile(values.history, { missingIsEmpty: true });
  const approver =
    answer === undefined ? undefined : { answers: [answer as 'approve' | 'decline' | 'none'], reason: 'declined locally (npm run local --answer decline)' };
  const run = await runner
    .runLocal({ event, account, params, random: runner.seededRandom(seed), history, ...(approver ? { approver } : {}) })
    .catch((error: Error) => {
      if (error.name === 'AccountFileError') throw new runner.LocalInputError(`account file ${values.account}: ${error.message}`);
      throw error;
    });
  if (values['save-account']) writeFileSync(values['save-account'], `${JSON.stringify(run.report.account, null, 2)}\n`);
  if (values.history) writeFileSync(values.history, `${JSON.stringify(run.report.history, null, 2)}\n`);
  if (diagram) await writeDiagram(diagram, run.definition, run.view);

  if (values.json) {
    process.stdout.write(`${JSON.stringify(run.report, null, 2)}\n`);
  } else {
    const paint = paintFor(process.stdout);
    const text = renderExecution(run.view, {
      title: `${eventPath}`,
      about: [
        ['account', values.account ?? run.accountSource],
        ['execution', run.report.executionArn],
      ],
      definition: run.definition,
      paint,
      timeNote: '(simulated time: waits and retry delays as Step Functions would wait them)',
    });
    const lines = [text, '', ...renderChanges(accountChanges(run.before, run.report.account), paint), ...renderCalls(run.report.calls, paint)];
    if (diagram) lines.push(`  ${paint.bold('diagram')}    ${diagram}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return runner.exitCodeOf(run.report);
}

runCli(main, USAGE);
