/**
 * Links to the Step Functions console, built the same way as the stack's
 * StateMachineConsoleUrl output (deploy/resources.yml).
 */

const CONSOLE_HOSTS: Record<string, string> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/** arn:<partition>:states:<region>:<account>:<resource> */
function parts(arn: string): { partition: string; region: string } {
  const match = /^arn:([a-z-]+):states:([a-z0-9-]+):\d{12}:/.exec(arn);
  if (!match) throw new Error(`not a Step Functions ARN: ${arn}`);
  return { partition: match[1]!, region: match[2]! };
}

function base(arn: string): string {
  const { partition, region } = parts(arn);
  return `https://${CONSOLE_HOSTS[partition] ?? CONSOLE_HOSTS.aws}/states/home?region=${region}#`;
}

export function stateMachineConsoleUrl(stateMachineArn: string): string {
  return `${base(stateMachineArn)}/statemachines/view/${stateMachineArn}`;
}

export function executionConsoleUrl(executionArn: string): string {
  return `${base(executionArn)}/v2/executions/details/${executionArn}`;
}
