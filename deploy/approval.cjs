// Mode approve: the TimeoutSeconds of the Tasks that wait for a person (AskToApprove* in
// statemachines/remediation.asl.yml: `${file(./deploy/approval.cjs):timeoutSeconds}`), from
// the approvalTimeoutHours parameter. A Task's timeout is a number of seconds in the
// definition, and serverless variables cannot multiply, so it is computed here; the
// parameter is checked (1 to 8760 hours) with the others in iam-roles.cjs. A timed-out
// Task fails with States.Timeout, which the workflow records as APPROVAL_EXPIRED.
const { checkApprovalTimeoutHours } = require('./iam-roles.cjs');

async function timeoutSeconds({ resolveVariable }) {
  return checkApprovalTimeoutHours(await resolveVariable('param:approvalTimeoutHours')) * 3600;
}

module.exports = { timeoutSeconds };
