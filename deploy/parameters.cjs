// The deployment parameters: one table of name, default, what it means and how a value is
// checked. serverless.yml's `params.default` holds the same defaults (test/deploy/parameters.test.ts
// compares them), iam-roles.cjs checks every `--param` value with `check` before anything is
// packaged, src/lambda/runtime/config.ts reads its defaults from it (bundled into the Lambdas;
// types in parameters.d.cts), and the README's parameter table is this table, pasted by `npm run readme`.

/** A problem with `value` for a positive whole number, or null. */
const positiveInteger = (name, max) => (value) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) return `${name} must be a positive whole number, not "${value}"`;
  if (max !== undefined && number > max) return `${name} must be at most ${max}, not "${value}"`;
  return null;
};

/** A problem with `value` for one of `choices`, or null. */
const oneOf = (name, choices) => (value) =>
  choices.includes(String(value))
    ? null
    : `${name} must be ${choices
        .map((choice) => `"${choice}"`)
        .join(', ')
        .replace(/, ([^,]*)$/, ' or $1')}, not "${value}"`;

/** A value checked where it is read, at package time too (each use below says where). */
const checkedWhereRead = () => null;

const PARAMETERS = [
  {
    name: 'mode',
    default: 'apply',
    meaning:
      '`apply` repairs; `dry-run` computes the plan, records it as the outcome (`DRY_RUN`) and notifies, and writes nothing; `approve` asks a person with the exact diff and applies only what was approved ([docs/approval.md](docs/approval.md))',
    check: oneOf('mode', ['apply', 'dry-run', 'approve']),
  },
  {
    name: 'approvalTimeoutHours',
    default: '24',
    meaning: '`mode=approve`: how long a question waits for an answer before the outcome is `APPROVAL_EXPIRED` (1 to 8760)',
    // 1 to 8760 (Step Functions' longest task, a year): checkApprovalTimeoutHours in iam-roles.cjs,
    // which approval.cjs also calls to compute the Tasks' TimeoutSeconds.
    check: checkedWhereRead,
  },
  {
    name: 'allowedBuckets',
    default: '',
    meaning:
      "comma-separated bucket names whose policy the workflow may change; empty means any bucket owned by this account. Enforced by the repair role's IAM policy and by the workflow (`BUCKET_NOT_ALLOWED`)",
    // Each name against deploy/bucket-name.json: bucketArns in iam-roles.cjs.
    check: checkedWhereRead,
  },
  {
    name: 'allowCaUpdates',
    default: 'true',
    meaning: "whether the workflow may switch a CA's CRL object ACL from `PUBLIC_READ` to `BUCKET_OWNER_FULL_CONTROL`; `false` reports it instead",
    check: oneOf('allowCaUpdates', ['true', 'false']),
  },
  // Any text: SNS checks the address when it sends the confirmation (deploy/notifications.cjs).
  { name: 'notificationEmail', default: '', meaning: 'an email address subscribed to the notification topic', check: checkedWhereRead },
  {
    name: 'crlRecoveryWindowMinutes',
    default: '75',
    meaning:
      "how long to wait for Private CA to write a CRL before escalating: after an internal CRL failure, and after a CRL bucket's repair (or a compliant verdict) to prove it worked; Private CA retries every 15 minutes",
    check: positiveInteger('crlRecoveryWindowMinutes'),
  },
  {
    name: 'historyRetentionDays',
    default: '365',
    meaning: "how long the history table keeps an event's item (DynamoDB TTL); `npm run rollback` needs the item",
    check: positiveInteger('historyRetentionDays'),
  },
  // CloudWatch Logs takes only some numbers of days; CloudFormation refuses any other at deploy time.
  { name: 'logRetentionDays', default: '90', meaning: 'retention of the function and state machine log groups', check: checkedWhereRead },
  {
    name: 'sweepSchedule',
    default: '',
    meaning:
      'when to run the [scheduled sweep](docs/deploy.md#scheduled-sweep) for lost events, as an EventBridge schedule (`rate(6 hours)`, `cron(0 3 * * ? *)`); empty: no sweep, and nothing of it is deployed',
    // parseSweepSchedule in iam-roles.cjs (rate or six-field cron), also called by sweep.cjs.
    check: checkedWhereRead,
  },
];

/** The README's parameter table, as Markdown. */
function parametersMarkdown() {
  const cell = (value) => (value === '' ? '(empty)' : `\`${value}\``);
  return [
    '| parameter | default | meaning |',
    '| --- | --- | --- |',
    ...PARAMETERS.map((parameter) => `| \`${parameter.name}\` | ${cell(parameter.default)} | ${parameter.meaning} |`),
    '',
  ].join('\n');
}

module.exports = { PARAMETERS, parametersMarkdown };
