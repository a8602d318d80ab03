// AWS limits the deployment is built around, each with the page it comes from
// (docs/aws-facts.md says more). CommonJS, so that serverless.yml's JavaScript files
// (deploy/*.cjs) and the tests can both read them.

/**
 * Seconds that every Lambda Task's TimeoutSeconds (statemachines/remediation.asl.yml)
 * allows beyond the function's own timeout (serverless.yml).
 *
 * Step Functions times the Task as a whole ("the maximum allowed duration of the task",
 * TaskScheduledEventDetails.timeoutInSeconds,
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_TaskScheduledEventDetails.html),
 * while Lambda's timeout counts only the function's invocation: a new execution
 * environment first runs its Init phase, for up to 10 seconds that are not part of the
 * function's timeout ("The Init phase is limited to 10 seconds",
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
 *
 * 10 s for that Init phase, and 5 s for the rest of the way (Step Functions scheduling
 * the Task, the Invoke request and its answer): 15 s. Then a function that runs into its
 * own timeout reaches the workflow as Lambda.Unknown, with the function's log line to
 * say so, rather than Step Functions giving up on it first (States.Timeout) while it may
 * still be working.
 */
const TASK_TIMEOUT_MARGIN_SECONDS = 15;

/**
 * The longest name AWS accepts for each kind of resource this service names after its
 * stage (the CloudFormation resource type, and the property that carries the name).
 * Where the page says so, `source` is where it is stated; the limits of the rule, alarm,
 * log group and role names, and of the state machine, were also seen enforced by AWS's
 * offline template validator, @aws/cloudformation-validate (F3033, "length N exceeds
 * maximum M"), which does not check function and queue names (docs/aws-facts.md).
 */
const NAME_LIMITS = {
  'AWS::Lambda::Function': {
    property: 'FunctionName',
    what: 'Lambda function name',
    max: 64,
    source: 'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html',
  },
  'AWS::StepFunctions::StateMachine': {
    property: 'StateMachineName',
    what: 'Step Functions state machine name',
    max: 80,
    source: 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_StateMachineListItem.html',
  },
  'AWS::Events::Rule': {
    property: 'Name',
    what: 'EventBridge rule name',
    max: 64,
    source: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html',
  },
  'AWS::SQS::Queue': {
    property: 'QueueName',
    what: 'SQS queue name',
    max: 80,
    source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html',
  },
  'AWS::SNS::Topic': { property: 'TopicName', what: 'SNS topic name', max: 256, source: 'https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html' },
  'AWS::CloudWatch::Alarm': {
    property: 'AlarmName',
    what: 'CloudWatch alarm name',
    max: 255,
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html',
  },
  'AWS::Logs::LogGroup': {
    property: 'LogGroupName',
    what: 'CloudWatch Logs log group name',
    max: 512,
    source: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html',
  },
  'AWS::IAM::Role': { property: 'RoleName', what: 'IAM role name', max: 64, source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html' },
};

/** "A stack name … can't be longer than 128 characters" (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html). */
const STACK_NAME_LIMIT = {
  what: 'CloudFormation stack name',
  max: 128,
  source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html',
};

module.exports = { TASK_TIMEOUT_MARGIN_SECONDS, NAME_LIMITS, STACK_NAME_LIMIT };
