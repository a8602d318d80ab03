/**
 * What cannot be fixed automatically, what is rejected, and what goes wrong:
 * issuance and creation failures, bad events, unexpected and transient errors.
 */
import { readdirSync } from 'node:fs';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { SDK_MAX_ATTEMPTS } from '../../src/workstation/local/sdk-options';
import { account, CA_ARN, event, runScenario } from './scenario';

const CERTIFICATE = `${CA_ARN}/certificate/6707447683a9b7f4055627ffd55cebcc`;

describe('failures that need a person', () => {
  it('diagnoses a failed issuance from GetCertificate and the CA, and says what to do', async () => {
    const file = account();
    file.certificateAuthorities[0].Certificates = [{ CertificateArn: CERTIFICATE, Status: 'FAILED' }];
    const run = await runScenario(event('certificate-issuance-failure.json'), file);
    expect(run.outcome.status).toBe('NEEDS_ATTENTION');
    expect(run.outcome.findings.map((finding) => finding.code)).toContain('ISSUANCE_FAILED');
    expect(run.outcome.nextSteps.join(' ')).toMatch(/original CSR/);
    expect(run.simulation.calls.map((call) => call.operation)).toEqual(expect.arrayContaining(['DescribeCertificateAuthority', 'GetCertificate', 'Publish']));
    expect(run.mutatingCalls).toEqual([]);
  });

  it.each([
    ['REQUEST_TIMED_OUT', /create it again/],
    ['UNSUPPORTED_ALGORITHM', /supported pair/],
    ['OTHER', /CloudTrail/],
  ])('gives guidance for a CA whose creation failed with %s', async (reason, guidance) => {
    const file = account();
    Object.assign(file.certificateAuthorities[0], { Status: 'FAILED', FailureReason: reason });
    const run = await runScenario(event('ca-creation-failure.json'), file);
    expect(run.outcome.status).toBe('NEEDS_ATTENTION');
    expect(run.outcome.findings[0]!.code).toBe(`CA_CREATION_${reason}`);
    expect(run.outcome.nextSteps.join(' ')).toMatch(guidance);
    expect(run.mutatingCalls).toEqual([]);
  });
});

describe('events that are rejected', () => {
  const published = readdirSync(new URL('../../events/published/', import.meta.url)).filter((file) => file.includes('failure'));

  it.each(published)('rejects the published sample %s without calling AWS', async (file) => {
    const run = await runScenario(event(`published/${file}`), account());
    expect(run.execution.status).toBe('SUCCEEDED');
    expect(run.outcome.status).toBe('REJECTED');
    expect(run.outcome.message).toMatch(/placeholder/);
    expect(run.simulation.calls).toEqual([]);
    expect(run.states).toEqual(['ClassifyEvent', 'IsThereAFailureToHandle?', 'RecordOutcome', 'DidTheRemediationFail?', 'RemediationFinished']);
  });

  it.each<[string, unknown]>([
    ['a string', 'not an event'],
    ['a list', [1, 2]],
    ['a number', 42],
    ['an S3 event', { id: 'x', source: 'aws.s3', 'detail-type': 'Object Created', detail: {} }],
  ])('rejects %s as input without calling AWS', async (_name, input) => {
    const run = await runScenario(input, account());
    expect(run.outcome.status).toBe('REJECTED');
    expect(run.simulation.calls).toEqual([]);
  });
});

describe('errors', () => {
  it('records an unexpected error as FAILED, notifies, then ends the execution failed', async () => {
    const run = await runScenario(event('crl-s3-permission-failure.json'), account(), { env: { MODE: 'fix-everything' } });
    expect(run.execution.status).toBe('FAILED');
    expect(run.execution.error?.Error).toBe('RemediationFailed');
    expect(run.outcome.status).toBe('FAILED');
    expect(run.outcome.mode).toBe('unknown');
    expect(run.outcome.error).toEqual({ name: 'ConfigurationError', message: 'MODE must be "apply", "dry-run" or "approve", not "fix-everything"' });
    expect(run.states.slice(-3)).toEqual(['RecordOutcome', 'DidTheRemediationFail?', 'RemediationFailed']);
    expect(run.after.notifications).toHaveLength(1);
    expect(run.mutatingCalls).toEqual([]);
  });

  it('retries throttling with backoff and recovers', async () => {
    // Every attempt the SDK makes of one call, so that the throttling reaches the state machine, then one more.
    let throttles = SDK_MAX_ATTEMPTS + 1;
    const run = await runScenario(event('crl-s3-permission-failure.json'), account(), {
      prepare: (simulation) => {
        const send = simulation.send.bind(simulation);
        simulation.send = async (service, operation, input) => {
          if (operation === 'GetPublicAccessBlock' && throttles-- > 0) {
            throw new S3ServiceException({
              name: 'SlowDown',
              $fault: 'server',
              $metadata: { httpStatusCode: 503 },
              message: 'Please reduce your request rate.',
            });
          }
          return send(service, operation, input);
        };
      },
    });
    expect(run.outcome.status).toBe('REMEDIATED');
    expect(run.execution.retries.filter((retry) => retry.error === 'AwsTransientError').length).toBeGreaterThan(0);
  }, 60_000);

  it('escalates, having written nothing, when AWS keeps failing until the retries run out', async () => {
    const run = await runScenario(event('crl-s3-permission-failure.json'), account(), {
      prepare: (simulation) => {
        const send = simulation.send.bind(simulation);
        simulation.send = async (service, operation, input) => {
          if (operation === 'GetBucketPolicy')
            throw new S3ServiceException({
              name: 'InternalError',
              $fault: 'server',
              $metadata: { httpStatusCode: 500 },
              message: 'We encountered an internal error.',
            });
          return send(service, operation, input);
        };
      },
    });
    expect(run.outcome.status).toBe('ESCALATED');
    expect(run.outcome.error?.name).toBe('AwsTransientError');
    expect(run.execution.retries.filter((retry) => retry.state === 'InspectCrlBucket')).toHaveLength(5);
    expect(run.mutatingCalls).toEqual([]);
  }, 120_000);
});
