// The least-privilege policy of a person who answers requests for approval (mode approve)
// with `npm run approve` / `npm run decline` (src/workstation/cli/answer.ts). It is not deployed: attach
// it (docs/approval.md shows it as JSON, rendered by approverPolicyDocument) to the role or
// permission set of your approvers. test/deploy/least-privilege.test.ts holds its template
// form to the same rules as the stack's roles.
//
// What the CLI calls, and why each is needed:
//   cloudformation:DescribeStacks   the stack's HistoryTableName output (which table)
//   dynamodb:GetItem                the event's item (EVENT# items only): the question and its token
//   states:SendTaskSuccess/Failure  the answer. They take a task token, not an ARN
//                                   (docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html),
//                                   so the policy grants them on "*"; docs/approval.md says what
//                                   the Service Authorization Reference was checked for.
//   sts:GetCallerIdentity           needs no permission (it cannot be denied), so it is not listed.

const statements = ({ stack, table }) => [
  { Sid: 'FindTheHistoryTable', Effect: 'Allow', Action: ['cloudformation:DescribeStacks'], Resource: stack },
  {
    Sid: 'ReadApprovalRequests',
    Effect: 'Allow',
    Action: ['dynamodb:GetItem'],
    Resource: table,
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['EVENT#*'] } },
  },
  { Sid: 'AnswerApprovalRequests', Effect: 'Allow', Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'], Resource: '*' },
];

/** As a CloudFormation policy document of this stack (the tests check it like the stack's roles). */
function approverPolicyTemplate(stage) {
  return {
    Version: '2012-10-17',
    Statement: statements({
      stack: { 'Fn::Sub': `arn:\${AWS::Partition}:cloudformation:\${AWS::Region}:\${AWS::AccountId}:stack/pca-remediation-${stage}/*` },
      table: { 'Fn::GetAtt': ['HistoryTable', 'Arn'] },
    }),
  };
}

/** As JSON to paste into IAM, for one deployment. */
function approverPolicyDocument({
  partition = 'aws',
  region = '<region>',
  account = '<account>',
  stage = '<stage>',
  table = '<HistoryTableName output>',
} = {}) {
  return {
    Version: '2012-10-17',
    Statement: statements({
      stack: `arn:${partition}:cloudformation:${region}:${account}:stack/pca-remediation-${stage}/*`,
      table: `arn:${partition}:dynamodb:${region}:${account}:table/${table}`,
    }),
  };
}

module.exports = { approverPolicyTemplate, approverPolicyDocument };
