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

module.exports = { TASK_TIMEOUT_MARGIN_SECONDS };
