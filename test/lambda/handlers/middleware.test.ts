import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as checkAuditReport } from '../../../src/lambda/handlers/check-audit-report';
import { handler as checkCrlRepublished } from '../../../src/lambda/handlers/check-crl-republished';
import { handler as diagnoseCaCreation } from '../../../src/lambda/handlers/diagnose-ca-creation';
import { handler as diagnoseCertificateIssuance } from '../../../src/lambda/handlers/diagnose-certificate-issuance';
import { handler as inspectBucket } from '../../../src/lambda/handlers/inspect-bucket';
import { handler as repairBucket } from '../../../src/lambda/handlers/repair-bucket';
import { handler as requestAuditReport } from '../../../src/lambda/handlers/request-audit-report';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import { crlInspection, lambdaContext, stubDeploymentEnv, CLASSIFICATIONS } from './fixtures';

type AnyHandler = (input: never, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

const HANDLERS_NEEDING_CLASSIFICATION: Array<[string, AnyHandler]> = [
  ['InspectBucket', inspectBucket as AnyHandler],
  ['RepairBucket', repairBucket as AnyHandler],
  ['CheckCrlRepublished', checkCrlRepublished as AnyHandler],
  ['RequestAuditReport', requestAuditReport as AnyHandler],
  ['CheckAuditReport', checkAuditReport as AnyHandler],
  ['DiagnoseCertificateIssuance', diagnoseCertificateIssuance as AnyHandler],
  ['DiagnoseCaCreation', diagnoseCaCreation as AnyHandler],
];

function invoke(handler: AnyHandler, step: string, input: unknown): Promise<unknown> {
  return handler(input as never, lambdaContext(step));
}

beforeEach(() => {
  resetClients();
  stubDeploymentEnv();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Step input checks (middleware)', () => {
  it.each(HANDLERS_NEEDING_CLASSIFICATION)('%s without "classification" rejects InvalidStepInput naming the step and the key', async (step, handler) => {
    const input = { inspection: crlInspection([]), auditRequest: { requested: true } };
    await expect(invoke(handler, step, input)).rejects.toMatchObject({
      name: 'InvalidStepInput',
      message: `${step} needs "classification" (the output of ClassifyEvent) in its input`,
    });
  });

  it.each([
    ['a null input', null],
    ['a classification that is a string', { classification: 'CRL_S3_PERMISSION' }],
    ['a classification without kind', { classification: { eventId: 'x' } }],
  ])('%s rejects InvalidStepInput', async (_name, input) => {
    await expect(invoke(inspectBucket as AnyHandler, 'InspectBucket', input)).rejects.toMatchObject({ name: 'InvalidStepInput' });
  });

  it.each([
    ['RepairBucket', repairBucket as AnyHandler, 'inspection'],
    ['CheckCrlRepublished', checkCrlRepublished as AnyHandler, 'inspection'],
    ['RequestAuditReport', requestAuditReport as AnyHandler, 'inspection'],
    ['CheckAuditReport', checkAuditReport as AnyHandler, 'auditRequest'],
  ] as const)('%s without "%s" rejects InvalidStepInput naming it', async (step, handler, key) => {
    await expect(invoke(handler, step, { classification: CLASSIFICATIONS.crlS3Permission })).rejects.toMatchObject({
      name: 'InvalidStepInput',
      message: `${step} needs "${key}" in its input`,
    });
  });

  it('the InvalidStepInput is terminal: the state machine must not retry it', async () => {
    await expect(invoke(inspectBucket as AnyHandler, 'InspectBucket', {})).rejects.toMatchObject({ name: 'InvalidStepInput', retryable: false });
  });
});
