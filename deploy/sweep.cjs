// The optional scheduled sweep: Private CA's events are best effort, so a lost one would
// leave a CRL bucket broken unnoticed. With the sweepSchedule parameter set, serverless.yml
// gets one more function from here (`${file(./deploy/sweep.cjs):functions}`, merged into
// `functions`) and iam-roles.cjs adds its SweepRole. With the parameter empty, the default,
// both add nothing: the packaged template holds no sweep function, role, rule or permission.
const { parseSweepSchedule } = require('./iam-roles.cjs');

async function functions({ resolveVariable }) {
  const schedule = parseSweepSchedule(await resolveVariable('param:sweepSchedule'));
  if (schedule === '') return {};
  const stage = await resolveVariable('sls:stage');
  return {
    sweep: {
      handler: 'src/lambda/handlers/sweep.handler',
      description: 'Sweep - start the remediation for CRL buckets Private CA cannot write to, in case its event was lost',
      role: 'SweepRole',
      // One CA takes a handful of reads; the default quota is 200 CAs per region.
      timeout: 300,
      environment: {
        // Ref of an AWS::StepFunctions::StateMachine is its ARN.
        STATE_MACHINE_ARN: { Ref: 'RemediationStateMachine' },
      },
      events: [
        {
          // An EventBridge rule (AWS::Events::Rule) and the permission to invoke this function (AWS::Lambda::Permission).
          schedule: {
            name: `pca-remediation-${stage}-sweep`,
            description: 'Start the pca-remediation sweep of CRL buckets',
            rate: [schedule],
          },
        },
      ],
    },
  };
}

module.exports = { functions };
