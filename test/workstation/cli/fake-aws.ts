/**
 * A stand-in for AWS on 127.0.0.1 for the CLIs run as separate processes (where
 * aws-sdk-client-mock cannot reach): the real SDK clients send to it through
 * AWS_ENDPOINT_URL. It records the region and service each request was signed for and
 * answers the few operations the CLIs make: CloudFormation DescribeStacks (awsQuery),
 * Step Functions ListExecutions, DescribeExecution, GetExecutionHistory and StartExecution
 * (awsJson 1.0),
 * DynamoDB GetItem (no item).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const ACCOUNT = '111122223333';

export interface FakeRequest {
  region: string;
  service: string;
  action: string;
}

export interface FakeAws {
  url: string;
  requests: FakeRequest[];
  /** The environment that sends a CLI's AWS calls here, with no other AWS settings and no profile files. */
  env(home: string, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export interface FakeAwsOptions {
  /** The stacks that exist, by region. */
  stacks: Record<string, string[]>;
  /** How many executions ListExecutions returns (default 0). */
  executions?: number;
}

function xml(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/xml' }).end(body);
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
}

const CFN = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export async function fakeAws(options: FakeAwsOptions): Promise<FakeAws> {
  const requests: FakeRequest[] = [];
  const machineArn = (region: string, stack: string) => `arn:aws:states:${region}:${ACCOUNT}:stateMachine:${stack}`;

  const handle = (request: IncomingMessage, body: string, response: ServerResponse) => {
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(request.headers.authorization ?? '');
    const [region, service] = scope ? [scope[1]!, scope[2]!] : ['unsigned', 'unsigned'];
    const target = String(request.headers['x-amz-target'] ?? '');
    const action = target ? target.split('.').at(-1)! : (new URLSearchParams(body).get('Action') ?? '?');
    requests.push({ region, service, action });

    if (service === 'cloudformation' && action === 'DescribeStacks') {
      const name = new URLSearchParams(body).get('StackName') ?? '';
      if (!(options.stacks[region] ?? []).includes(name)) {
        return xml(
          response,
          400,
          `<ErrorResponse xmlns="${CFN}"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${name} does not exist</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
        );
      }
      const outputs = [
        ['RemediationStateMachineArn', machineArn(region, name)],
        ['HistoryTableName', `${name}-HistoryTable-FAKE`],
      ]
        .map(([key, value]) => `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`)
        .join('');
      return xml(
        response,
        200,
        `<DescribeStacksResponse xmlns="${CFN}"><DescribeStacksResult><Stacks><member><StackName>${name}</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-11-01T00:00:00Z</CreationTime><Outputs>${outputs}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></DescribeStacksResponse>`,
      );
    }
    if (service === 'states') {
      const input = JSON.parse(body || '{}') as { stateMachineArn?: string; executionArn?: string; name?: string };
      const started = Date.parse('2026-11-21T09:30:05Z') / 1000;
      if (action === 'ListExecutions') {
        const executions = Array.from({ length: options.executions ?? 0 }, (_, index) => ({
          executionArn: `${input.stateMachineArn!.replace(':stateMachine:', ':execution:')}:run-${index}`,
          stateMachineArn: input.stateMachineArn,
          name: `run-${index}`,
          status: 'SUCCEEDED',
          startDate: started - index * 60,
          stopDate: started - index * 60 + 2,
        }));
        return json(response, 200, { executions });
      }
      if (action === 'DescribeExecution') {
        return json(response, 200, {
          executionArn: input.executionArn,
          stateMachineArn: 'x',
          status: 'SUCCEEDED',
          startDate: started,
          stopDate: started + 2,
          input: '{}',
          output: '{"outcome":{"status":"REMEDIATED"}}',
        });
      }
      if (action === 'GetExecutionHistory') {
        return json(response, 200, {
          events: [
            { id: 1, type: 'ExecutionStarted', timestamp: started, executionStartedEventDetails: { input: '{}' } },
            {
              id: 2,
              previousEventId: 1,
              type: 'ExecutionSucceeded',
              timestamp: started + 2,
              executionSucceededEventDetails: { output: '{"outcome":{"status":"REMEDIATED"}}' },
            },
          ],
        });
      }
      if (action === 'StartExecution') {
        return json(response, 200, { executionArn: `${input.stateMachineArn!.replace(':stateMachine:', ':execution:')}:${input.name}`, startDate: started });
      }
    }
    if (service === 'dynamodb' && action === 'GetItem') return json(response, 200, {});
    return json(response, 400, { __type: 'UnknownOperationException', message: `the fake AWS does not answer ${service} ${action}` });
  };

  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => handle(request, body, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    env(home, extra = {}) {
      const withoutAws = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
      return {
        ...withoutAws,
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ACCESS_KEY_ID: 'AKIDFAKEAWS',
        AWS_SECRET_ACCESS_KEY: 'fake-aws-secret',
        AWS_ENDPOINT_URL: url,
        ...extra,
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
