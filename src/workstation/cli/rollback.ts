/**
 * npm run rollback -- <event id> [--stage s] [--region r] [--check]
 * npm run rollback -- <event id> --account <file> --history <file> [--save-account <file>] [--check]
 *
 * Undo what the remediation of one event changed: the bucket policy (or the CA's CRL
 * setting) goes back to the value it replaced, read from the history table, but only
 * where the current value is still exactly what the remediation wrote. Otherwise nothing
 * is changed and the differences are shown.
 *
 * Exit code 0 when rolled back (or, with --check, when it could be), 1 when refused, 2
 * for bad input or an AWS problem the user can fix.
 */
import { userInfo } from 'node:os';
import { writeFileSync } from 'node:fs';
import { diffLines, prettyJson, withContext } from '../../core/diff';
import { paintFor, type Paint } from '../executions/render';
import { cleanups, DEPLOYMENT_OPTIONS, parseCommandLine, runCli, UsageError } from './common';
import { deploymentTarget, deploymentUsage } from './deployment';

const deploymentLines = deploymentUsage(25);
const USAGE = `usage: npm run rollback -- <event id> [options]

  on AWS (your credentials; the stack's HistoryTableName output):
  ${deploymentLines.stage}
  ${deploymentLines.region}

  locally (a simulated account and a history file from npm run local -- <event> --history <file>):
  --account <file>       the account as the remediation left it (npm run local -- … --save-account <file>)
  --history <file>       the history file; the rollback is recorded in it
  --save-account <file>  write the account after the rollback

  --check                show what would be restored, or why not; change nothing`;

interface Difference {
  change: { type: string; resource: string };
  expected: string;
  current: string | null;
}

function asJson(text: string | null): unknown {
  if (text === null) return '(none)';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function renderDifference(difference: Difference, paint: Paint): string[] {
  const lines = [`  ${difference.change.type} ${difference.change.resource}: ${paint.dim('- what the remediation wrote, + what is there now')}`];
  for (const line of withContext(diffLines(prettyJson(asJson(difference.expected)), prettyJson(asJson(difference.current))))) {
    if (line === null) lines.push(paint.dim('      …'));
    else if (line.kind === '-') lines.push(paint.red(`    - ${line.text}`));
    else if (line.kind === '+') lines.push(paint.green(`    + ${line.text}`));
    else lines.push(`      ${line.text}`);
  }
  return lines;
}

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine('rollback', {
    allowPositionals: true,
    options: {
      ...DEPLOYMENT_OPTIONS,
      account: { type: 'string' },
      history: { type: 'string' },
      'save-account': { type: 'string' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0]!.trim() === '')
    throw new UsageError('give the id of one event (the "id" of the EventBridge event, as in the outcome record\'s eventId)');
  const eventId = positionals[0]!;
  const local = values.account !== undefined || values.history !== undefined;
  if (local && (values.account === undefined || values.history === undefined)) throw new UsageError('locally, give both --account and --history');
  if (!local && values['save-account']) throw new UsageError('--save-account is for a local rollback (with --account and --history)');

  const paint = paintFor(process.stdout);
  const by = `rollback by ${userInfo().username || 'unknown user'}`;
  let finish: () => Promise<void> = async () => undefined;
  let table: string;
  let where: string;

  // Powertools (quiet) must be set up before the library code is imported; the simulated
  // credentials only for a local rollback: on AWS the user's own credentials are used.
  const { localEnvironment } = await import('../local/environment');
  const environment = Object.entries(localEnvironment({ logs: false })).filter(([name]) => local || name.startsWith('POWERTOOLS_'));
  Object.assign(process.env, Object.fromEntries(environment));
  const { configureClients } = await import('../../lambda/aws/clients/registry');

  if (local) {
    const { readJsonFile, readHistoryFile } = await import('../local/json-file');
    const { parseAccountFile } = await import('../local/account-file');
    const { SimulatedAccount } = await import('../local/simulated-account');
    const { createHistoryTable, stopDynalite } = await import('../local/history-table');
    const { localClientSettings } = await import('../local/sdk-options');
    cleanups.push(stopDynalite);
    const file = parseAccountFile(readJsonFile(values.account!, 'account file'));
    const items = readHistoryFile(values.history!);
    const simulation = new SimulatedAccount(file);
    const history = await createHistoryTable();
    await history.load(items);
    configureClients(localClientSettings(simulation.requestHandler, history.endpoint, file.region));
    table = history.name;
    where = `simulated account ${values.account}, history ${values.history}`;
    finish = async () => {
      writeFileSync(values.history!, `${JSON.stringify(await history.items(), null, 2)}\n`);
      if (values['save-account']) writeFileSync(values['save-account'], `${JSON.stringify(simulation.toAccountFile(), null, 2)}\n`);
    };
  } else {
    const { clients, findDeployment, RemoteError } = await import('../executions/remote');
    const target = await deploymentTarget(values);
    const { cloudFormation } = clients(target);
    const deployment = await findDeployment(cloudFormation, target.stage, target.regionFrom);
    if (!deployment.historyTableName)
      throw new RemoteError(
        `stack ${deployment.stackName} has no output HistoryTableName: it was deployed by a version without the history table; deploy again with \`npx sls deploy\``,
      );
    configureClients({ options: { region: target.region } });
    table = deployment.historyTableName;
    where = `stack ${deployment.stackName} (${deployment.region}), table ${table}`;
  }

  const { checkRollback, rollback, RollbackRefused } = await import('../rollback');
  const { explain } = await import('../executions/remote');
  process.stdout.write(`${paint.bold('rollback')}   event ${eventId}\n  where      ${where}\n`);
  try {
    if (values.check) {
      const { item, undoable, kept, differences } = await checkRollback({ table, eventId });
      process.stdout.write(`  remediation ${item.status} by ${item.executionArn} at ${item.finishedAt ?? item.startedAt}\n`);
      if (differences.length > 0) {
        process.stdout.write(
          `\n${paint.red('would refuse')}: ${differences.length} of ${undoable.length} change(s) no longer hold what the remediation wrote\n${differences.flatMap((difference) => renderDifference(difference, paint)).join('\n')}\n`,
        );
        return 1;
      }
      for (const change of [...undoable].reverse())
        process.stdout.write(`  would restore  ${change.type} ${change.resource}${change.before === null ? ' (delete the policy: there was none)' : ''}\n`);
      for (const change of kept) process.stdout.write(`  cannot undo    ${change.type} ${change.resource}\n`);
      return 0;
    }
    const result = await rollback({ table, eventId, by });
    process.stdout.write(`  remediation ${result.item.status} by ${result.item.executionArn}\n`);
    for (const entry of result.restored) {
      const status = entry.verified ? paint.green('read back') : paint.yellow('NOT confirmed by the read-back');
      process.stdout.write(`  ${entry.how === 'deleted' ? 'deleted   ' : 'restored  '} ${entry.change.type} ${entry.change.resource} (${status})\n`);
    }
    for (const change of result.kept) process.stdout.write(`  kept       ${change.type} ${change.resource}: cannot be undone\n`);
    await finish();
    return result.restored.every((entry) => entry.verified) ? 0 : 1;
  } catch (error) {
    if (error instanceof RollbackRefused) {
      process.stdout.write(`\n${paint.red('refused')}: ${error.message}\n`);
      if (error.differences.length > 0) process.stdout.write(`${error.differences.flatMap((difference) => renderDifference(difference, paint)).join('\n')}\n`);
      return 1;
    }
    throw explain(error, 'rollback');
  }
}

runCli(main, USAGE);
