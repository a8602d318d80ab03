/**
 * npm run approve -- <event id> [--stage s] [--region r]
 * npm run decline -- <event id> --reason "..." [--stage s] [--region r]
 *
 * Answer a request for approval (mode approve, docs/approval.md) with your own AWS
 * credentials: the question is read from the event's history item (the stack's
 * HistoryTableName output), you are named by STS GetCallerIdentity, and the answer goes to
 * Step Functions with SendTaskSuccess (approve) or SendTaskFailure (decline). The task token
 * is read and sent, never printed.
 *
 * Exit code 0 when the answer was sent; 2 for bad input (an unknown event, an event not
 * waiting, an expired or already answered request, no credentials): one line, nothing sent.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DEPLOYMENT_OPTIONS, parseCommandLine, UsageError } from './common';
import { deploymentTarget, deploymentUsage, type TargetInput } from './deployment';

const deploymentLines = deploymentUsage(25);

export function usage(command: 'approve' | 'decline'): string {
  const reason = command === 'decline' ? ' --reason "<why>"' : '';
  return `usage: npm run ${command} -- <event id>${reason} [options]

  ${command === 'approve' ? 'Approve' : 'Decline'} the change a remediation in mode approve is waiting on (the
  notification names the event id and shows the change). Your own AWS credentials are used.

  --reason <text>        ${command === 'decline' ? 'why (required): recorded with your ARN in the history and the outcome' : 'optional: recorded with your ARN in the history and the outcome'}
  ${deploymentLines.stage}
  ${deploymentLines.region}`;
}

/** The AWS clients answering needs (tests pass mocked ones). */
export interface AnswerClients {
  cloudFormation: CloudFormationClient;
  dynamoDb: DynamoDBClient;
  sfn: SFNClient;
  sts: STSClient;
}

export async function defaultClients(region: string): Promise<AnswerClients> {
  const { CloudFormationClient } = await import('@aws-sdk/client-cloudformation');
  return {
    cloudFormation: new CloudFormationClient({ region }),
    dynamoDb: new DynamoDBClient({ region }),
    sfn: new SFNClient({ region }),
    sts: new STSClient({ region }),
  };
}

export interface AnswerRun {
  code: number;
  stdout: string;
}

/** Parse, check, answer. Throws UsageError/RemoteError (exit 2, one line) for what the user can fix. */
export async function answerCommand(
  command: 'approve' | 'decline',
  argv: string[],
  options: { clients?: (region: string) => Promise<AnswerClients>; target?: Omit<TargetInput, 'stage' | 'region'> } = {},
): Promise<AnswerRun> {
  const { values, positionals } = parseCommandLine(command, {
    args: argv,
    allowPositionals: true,
    options: { ...DEPLOYMENT_OPTIONS, reason: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) return { code: 0, stdout: `${usage(command)}\n` };
  if (positionals.length !== 1 || positionals[0]!.trim() === '')
    throw new UsageError('give the id of one event (the "id" of the EventBridge event, as in the request for approval)');
  const eventId = positionals[0]!.trim();
  const decision = command === 'approve' ? 'approved' : 'declined';
  if (decision === 'declined' && !values.reason?.trim())
    throw new UsageError('a decline needs --reason "<why>": it is recorded with your ARN in the history item and the outcome');

  const { explain, findDeployment, RemoteError } = await import('../executions/remote');
  const { answerApproval, ApprovalRefused } = await import('../../core/approval');
  const { unmarshalItem, eventKey } = await import('../../core/history-item');
  const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
  const target = await deploymentTarget({ ...options.target, stage: values.stage, region: values.region });
  const clients = await (options.clients ?? defaultClients)(target.region);
  const deployment = await findDeployment(clients.cloudFormation, target.stage, target.regionFrom);
  const table = deployment.historyTableName;
  if (!table)
    throw new RemoteError(
      `stack ${deployment.stackName} has no output HistoryTableName: it was deployed by a version without the history table; deploy again with \`npx sls deploy\``,
    );
  const step = <T>(what: string, send: () => Promise<T>) =>
    send().catch((error: unknown) => {
      throw explain(error, what);
    });
  try {
    const { answer, item } = await answerApproval(
      {
        readItem: async (id) => {
          const { Item } = await step(`reading event ${id} in ${table}`, () =>
            clients.dynamoDb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: eventKey(id) } }, ConsistentRead: true })),
          );
          return Item ? (unmarshalItem(Item) as never) : null;
        },
        callerArn: async () => {
          const identity = await step('naming you (STS GetCallerIdentity)', () => clients.sts.send(new GetCallerIdentityCommand({})));
          if (!identity.Arn) throw new RemoteError('STS GetCallerIdentity returned no ARN');
          return identity.Arn;
        },
        // The token goes to Step Functions only; an error is explained without it (the SDK's messages do not carry it).
        sendSuccess: async (taskToken, output) => {
          await clients.sfn.send(new SendTaskSuccessCommand({ taskToken, output })).catch((error: unknown) => {
            throw explainSend(error, explain, 'SendTaskSuccess');
          });
        },
        sendFailure: async (taskToken, error, cause) => {
          await clients.sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })).catch((failure: unknown) => {
            throw explainSend(failure, explain, 'SendTaskFailure');
          });
        },
        now: () => new Date(),
      },
      { eventId, decision, reason: values.reason ?? null },
    );
    const lines = [
      `${decision} event ${eventId} (question ${answer.round}, digest ${answer.digest.slice(0, 12)}) as ${answer.approver}`,
      `  execution  ${item.executionArn}`,
      ...item.approval.plan.map((change) => `  change     ${change.type} ${change.resource}: ${change.description}`),
      decision === 'approved'
        ? '  next       the workflow inspects again and applies the change only if it is still exactly this one (else it asks again)'
        : '  next       nothing is written; the execution ends DECLINED',
    ];
    return { code: 0, stdout: `${lines.join('\n')}\n` };
  } catch (error) {
    if (error instanceof ApprovalRefused) throw new RemoteError(error.message);
    throw error;
  }
}

/** SendTask*'s refusals keep their names (answerApproval turns them into one line); the rest as the other CLIs explain them. */
function explainSend(error: unknown, explain: (error: unknown, what: string) => unknown, what: string): unknown {
  const name = (error as Error)?.name;
  if (name === 'TaskTimedOut' || name === 'TaskDoesNotExist' || name === 'InvalidToken') return error;
  return explain(error, what);
}
