/**
 * npm run invoke -- <event.json> [--stage s] [--region r] [--wait] [--force] [--rerun] [--diagram <file>]
 *
 * Start the deployed state machine with a Private CA event and print the execution's
 * console link; with --wait, follow it to the end and show it as the local runner does.
 */
import { executionConsoleUrl } from '../executions/console';
import { loadDefinition } from '../executions/definition';
import { checkEvent, clients, executionName, findDeployment, followExecution, rerunOf, startExecution } from '../executions/remote';
import { readJsonFile } from '../local/json-file';
import { paintFor, renderExecution } from '../executions/render';
import { executionView } from '../executions/view';
import { DEPLOYMENT_OPTIONS, parseCommandLine, runCli, UsageError } from './common';
import { deploymentTarget, deploymentUsage } from './deployment';
import { checkDiagramFile, writeDiagram } from './diagram-file';

const deploymentLines = deploymentUsage(20);
const USAGE = `usage: npm run invoke -- <event.json> [options]

  ${deploymentLines.stage}
  ${deploymentLines.region}
  --wait            follow the execution to its end and show it, as npm run local does
  --force           start it even when the event is not a Private CA failure the workflow handles
  --rerun           run an event again that was already handled (its id is claimed in the history
                    table, so as it is it would end DUPLICATE): starts it with the id <id>/rerun-<time>
  --diagram <file>  with --wait: draw the execution's path (.svg or .mmd)`;

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine('invoke', {
    allowPositionals: true,
    options: {
      ...DEPLOYMENT_OPTIONS,
      wait: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      rerun: { type: 'boolean', default: false },
      diagram: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('give one event file');
  if (values.diagram && !values.wait) throw new UsageError('--diagram needs --wait: the picture shows the finished execution');
  if (values.diagram) checkDiagramFile(values.diagram);
  const file = positionals[0]!;
  const read = readJsonFile(file, 'event file');
  if (!values.force) checkEvent(read, file);
  const event = values.rerun ? rerunOf(read) : read;

  const target = await deploymentTarget(values);
  const { cloudFormation, sfn } = clients(target);
  const deployment = await findDeployment(cloudFormation, target.stage, target.regionFrom);
  const { executionArn } = await startExecution(sfn, deployment.stateMachineArn, event, executionName(event));
  const paint = paintFor(process.stdout);
  process.stdout.write(`started   ${executionArn}\nconsole   ${executionConsoleUrl(executionArn)}\n`);
  if (!values.wait) return 0;

  process.stderr.write('following the execution (Ctrl-C stops following, not the execution)…\n');
  let shown = 0;
  const { history } = await followExecution(sfn, executionArn, {
    onProgress: (events) => {
      const states = events.filter((entry) => entry.type?.endsWith('StateEntered'));
      for (const entry of states.slice(shown)) process.stderr.write(`  → ${entry.stateEnteredEventDetails?.name}\n`);
      shown = states.length;
    },
  });
  const view = executionView(history);
  const { definition } = loadDefinition();
  process.stdout.write(
    `\n${renderExecution(view, { title: file, about: [['execution', executionArn]], consoleUrl: executionConsoleUrl(executionArn), definition, paint })}\n`,
  );
  if (values.diagram) {
    await writeDiagram(values.diagram, definition, view);
    process.stdout.write(`  diagram   ${values.diagram}\n`);
  }
  if (view.status === 'RUNNING') {
    process.stderr.write('stopped following after 2 hours; the execution is still running: npm run executions -- <arn> shows it later.\n');
    return 0;
  }
  return view.status === 'SUCCEEDED' ? 0 : 1;
}

runCli(main, USAGE);
