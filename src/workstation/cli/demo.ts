/**
 * npm run demo [-- --only <scenario>]... [--summary]
 *
 * Every situation of src/workstation/local/scenarios.ts through the real state machine and handlers,
 * each against its simulated account: the execution as the console would show it, what
 * changed in the account, then one summary table. Exits 1 when a scenario does not end
 * with the outcome it expects.
 */
import { resolve } from 'node:path';
import { colorStatus, formatSeconds, paintFor, renderExecution, type Paint } from '../executions/render';
import { accountChanges } from '../local/account-changes';
import type { LocalRun } from '../local/runner';
import { SCENARIOS, type Scenario } from '../local/scenarios';
import { renderTable } from './text-table';
import { loadRunner, parseCommandLine, renderChanges, runCli, UsageError } from './common';

const USAGE = `usage: npm run demo [-- --only <scenario>]... [--summary]

  --only <scenario>  run only this scenario (repeatable): ${SCENARIOS.map((scenario) => scenario.id).join(', ')}
  --summary          print only the summary table`;

const MUTATING = new Set(['PutBucketPolicy', 'DeleteBucketPolicy', 'UpdateCertificateAuthority', 'CreateCertificateAuthorityAuditReport']);

interface Row {
  scenario: Scenario;
  run: LocalRun;
  asExpected: boolean;
}

function compactCalls(run: LocalRun, paint: Paint): string {
  const calls = run.report.calls.map((call) =>
    call.error ? `${call.operation} ${paint.yellow(`→ ${call.error}`)}` : MUTATING.has(call.operation) ? paint.bold(call.operation) : call.operation,
  );
  return `  ${paint.bold('AWS calls')}  ${calls.length === 0 ? 'none' : `${calls.length}: ${calls.join(', ')}`}`;
}

function table(rows: readonly Row[], paint: Paint): string[] {
  const header = ['scenario', 'event', 'kind', 'outcome', 'states', 'Lambdas', 'AWS calls', 'writes', 'took'];
  const cells = rows.map(({ scenario, run, asExpected }) => {
    const outcome = run.report.outcome?.status ?? run.report.status;
    return [
      scenario.id,
      scenario.event.replace(/^events\//, ''),
      run.report.outcome?.kind ?? '?',
      asExpected ? outcome : `${outcome} (expected ${scenario.expect.status})`,
      String(run.report.states.length),
      String(run.execution.attempts.filter((attempt) => !attempt.service || attempt.service.resourceType === 'lambda').length),
      String(run.report.calls.length),
      String(run.report.calls.filter((call) => MUTATING.has(call.operation) && !call.error).length),
      formatSeconds((Date.parse(run.execution.stoppedAt) - Date.parse(run.execution.startedAt)) / 1000),
    ];
  });
  const painted = cells.map((row, index) =>
    row.map((text, column) => (column === 3 ? (rows[index]!.asExpected ? colorStatus(text, paint) : paint.red(text)) : text)),
  );
  return renderTable(
    header.map((title) => ({ title })),
    painted,
    { header: paint.bold },
  );
}

async function main(): Promise<number> {
  const { values } = parseCommandLine('demo', {
    options: { only: { type: 'string', multiple: true }, summary: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = (values.only ?? []).filter((id) => !SCENARIOS.some((scenario) => scenario.id === id));
  if (unknown.length > 0) throw new UsageError(`no scenario ${unknown.join(', ')}`);
  const chosen = values.only ? SCENARIOS.filter((scenario) => values.only!.includes(scenario.id)) : SCENARIOS;

  const runner = await loadRunner();
  const paint = paintFor(process.stdout);
  const wallStart = performance.now();
  const rows: Row[] = [];
  for (const scenario of chosen) {
    const event = runner.readJsonFile(resolve(runner.REPOSITORY_ROOT, scenario.event), 'event file');
    const account = runner.readJsonFile(resolve(runner.REPOSITORY_ROOT, scenario.account), 'account file');
    const run = await runner.runLocal({
      event,
      account,
      params: { mode: scenario.mode ?? 'apply' },
      random: runner.seededRandom(1),
      executionName: `demo-${scenario.id}`,
      ...(scenario.approver ? { approver: scenario.approver } : {}),
    });
    const asExpected = run.report.outcome?.status === scenario.expect.status && run.report.status === scenario.expect.executionStatus;
    rows.push({ scenario, run, asExpected });
    if (values.summary) continue;
    const text = renderExecution(run.view, {
      title: `${scenario.title}  ${paint.dim(`[${scenario.id}]`)}`,
      about: [
        ['event', scenario.event],
        ['account', scenario.account + (scenario.mode ? `  (mode ${scenario.mode})` : '')],
      ],
      definition: run.definition,
      paint,
      timeNote: '(simulated)',
    });
    process.stdout.write(`${[text, ...renderChanges(accountChanges(run.before, run.report.account), paint), compactCalls(run, paint), '', ''].join('\n')}`);
  }
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const failed = rows.filter((row) => !row.asExpected);
  const lines = [
    paint.bold(`━━ Summary: ${rows.length} executions of statemachines/remediation.asl.yml in aws-local-stepfunctions, simulated accounts`),
    '',
    ...table(rows, paint),
    '',
    failed.length === 0
      ? paint.green(`All ${rows.length} ended as expected.`) +
        paint.dim(` ${wallSeconds.toFixed(1)} s wall time; "took" is simulated time, the waits and retry delays Step Functions would spend.`)
      : paint.red(`${failed.length} of ${rows.length} did not end as expected: ${failed.map((row) => row.scenario.id).join(', ')}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return failed.length === 0 ? 0 : 1;
}

runCli(main, USAGE);
