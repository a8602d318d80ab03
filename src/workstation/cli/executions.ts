/**
 * npm run executions [-- --status FAILED --limit 20 --since 1d] [--stage s] [--region r]
 * npm run executions -- <execution ARN> [--diagram <file>]
 *
 * Recent executions of the deployed state machine as a table (kind and CA from each
 * input, outcome from each output), or one execution in the full view.
 */
import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import { executionConsoleUrl } from '../executions/console';
import { loadDefinition } from '../executions/definition';
import { clients, describeExecution, findDeployment, listExecutions, parseSince, readHistory } from '../executions/remote';
import { paintFor, renderExecution } from '../executions/render';
import { executionsTable } from '../executions/table';
import { executionView } from '../executions/view';
import { DEPLOYMENT_OPTIONS, parseCommandLine, runCli, UsageError } from './common';
import { deploymentTarget, deploymentUsage } from './deployment';
import { checkDiagramFile, writeDiagram } from './diagram-file';

const deploymentLines = deploymentUsage(20);
const USAGE = `usage: npm run executions -- [options]
       npm run executions -- <execution ARN> [--diagram <file>]

  --status <s>      RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED
  --limit <n>       at most this many, newest first (default 20, at most 1000)
  --since <t>       started since: 1d, 12h, 30m or an ISO time
  ${deploymentLines.stage}
  ${deploymentLines.region}
  --diagram <file>  with an ARN: draw the execution's path (.svg or .mmd)

  With an ARN, the region is the ARN's (unless --region is given).`;

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine('executions', {
    allowPositionals: true,
    options: {
      status: { type: 'string' },
      limit: { type: 'string', default: '20' },
      since: { type: 'string' },
      ...DEPLOYMENT_OPTIONS,
      diagram: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const paint = paintFor(process.stdout);
  if (positionals.length > 1) throw new UsageError('give at most one execution ARN');
  const arn = positionals[0];
  if (arn !== undefined) {
    if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn))
      throw new UsageError(`${arn} is not an execution ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>)`);
    if (values.diagram) checkDiagramFile(values.diagram);
    // The ARN names its region; --region, if given, wins (as it would for the AWS CLI).
    const { sfn } = clients({ stage: values.stage ?? '', region: values.region || arn.split(':')[3] });
    await describeExecution(sfn, arn);
    const view = executionView(await readHistory(sfn, arn));
    const { definition } = loadDefinition();
    process.stdout.write(
      `${renderExecution(view, { title: arn.split(':').at(-1), about: [['execution', arn]], consoleUrl: executionConsoleUrl(arn), definition, paint })}\n`,
    );
    if (values.diagram) {
      await writeDiagram(values.diagram, definition, view);
      process.stdout.write(`  diagram   ${values.diagram}\n`);
    }
    return 0;
  }
  if (values.diagram) throw new UsageError('--diagram needs an execution ARN');
  const status = values.status?.toUpperCase();
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status))
    throw new UsageError(`--status ${values.status}: one of ${STATUSES.join(', ')}`);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit ${values.limit}: a whole number from 1 to 1000`);
  const since = values.since === undefined ? undefined : parseSince(values.since);

  const target = await deploymentTarget(values);
  const { cloudFormation, sfn } = clients(target);
  const deployment = await findDeployment(cloudFormation, target.stage, target.regionFrom);
  const rows = await listExecutions(sfn, deployment.stateMachineArn, { status: status as ExecutionStatus | undefined, limit, since });
  process.stdout.write(`${[`${paint.bold(deployment.stackName)} ${paint.dim(deployment.stateMachineArn)}`, ...executionsTable(rows, paint)].join('\n')}\n`);
  return 0;
}

runCli(main, USAGE);
