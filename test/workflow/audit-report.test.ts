/**
 * AUDIT_REPORT through the real state machine: describe the failed report, repair
 * its bucket, request it again across the 30-minute limit, follow it to the end.
 */
import { describe, expect, it } from 'vitest';
import { account, CA_ARN, event, runScenario } from './scenario';

const auditEvent = event('audit-report-failure.json');
const AUDIT_BUCKET = 'pca-audit-111122223333';

describe('an audit report that could not be produced', () => {
  it('adds the grant, re-requests the report in the same bucket and format after the 30-minute limit, and ends REMEDIATED when it succeeds', async () => {
    // Act: the failed report was requested at 09:59, so Private CA refuses a new one until 10:29.
    const run = await runScenario(auditEvent, account('audit-report-failed'));
    // Assess
    expect(run.outcome.status).toBe('REMEDIATED');
    expect(run.mutatingCalls).toEqual(['PutBucketPolicy', 'CreateCertificateAuthorityAuditReport']);
    const request = run.simulation.calls.find((call) => call.operation === 'CreateCertificateAuthorityAuditReport' && !call.error)!;
    expect(request.input).toMatchObject({ CertificateAuthorityArn: CA_ARN, S3BucketName: AUDIT_BUCKET, AuditReportResponseFormat: 'JSON' });
    expect(Date.parse(request.at)).toBeGreaterThanOrEqual(Date.parse('2026-11-20T10:29:00Z'));
    const refused = run.execution.retries.filter((retry) => retry.error === 'AuditReportRequestInProgress');
    expect(refused.length).toBeGreaterThan(0);
    expect(run.states).toEqual(
      expect.arrayContaining(['InspectAuditBucket', 'RepairAuditBucket', 'RequestAuditReport', 'WaitForAuditReport', 'CheckAuditReport']),
    );
    const ca = run.after.certificateAuthorities[0]!;
    const newReport = ca.AuditReports!.find((report) => report.AuditReportId !== 'a1b2c3d4-5678-90ab-cdef-111122223333')!;
    expect(newReport.AuditReportStatus).toBe('SUCCESS');
    expect(run.after.buckets[0]!.Objects[newReport.S3Key!]).toBeDefined();
    expect(run.outcome.actions.map((action) => action.type)).toEqual(['PutBucketPolicy', 'CreateCertificateAuthorityAuditReport']);
  });

  it('keeps the CSV format of the failed report', async () => {
    const file = account('audit-report-failed');
    const report = file.certificateAuthorities[0].AuditReports[0];
    report.S3Key = report.S3Key.replace(/\.json$/, '.csv');
    const run = await runScenario(auditEvent, file);
    const request = run.simulation.calls.find((call) => call.operation === 'CreateCertificateAuthorityAuditReport' && !call.error)!;
    expect(request.input).toMatchObject({ AuditReportResponseFormat: 'CSV' });
  });

  it('escalates when the re-requested report fails too', async () => {
    const file = account('audit-report-failed');
    file.certificateAuthorities[0].Simulation.AuditReportOutcome = 'FAILED';
    const run = await runScenario(auditEvent, file);
    expect(run.outcome.status).toBe('ESCALATED');
    expect(run.outcome.message).toMatch(/failed too/);
    expect(run.after.notifications).toHaveLength(1);
  });

  it('escalates when the report is still being created after 30 checks', async () => {
    const file = account('audit-report-failed');
    file.certificateAuthorities[0].Simulation.AuditReportSecondsToComplete = 7200;
    const run = await runScenario(auditEvent, file);
    expect(run.outcome.status).toBe('ESCALATED');
    expect(run.states.filter((state) => state === 'CheckAuditReport')).toHaveLength(30);
    expect(run.outcome.message).toMatch(/still CREATING after 30 checks/);
  });

  it('escalates when Private CA keeps refusing a new report until the retries run out', async () => {
    const file = account('audit-report-failed');
    file.certificateAuthorities[0].Simulation.LastAuditReportRequestedAt = '2026-11-20T20:00:00Z';
    const run = await runScenario(auditEvent, file);
    expect(run.outcome.status).toBe('ESCALATED');
    expect(run.outcome.error?.name).toBe('AuditReportRequestInProgress');
    expect(run.execution.retries.filter((retry) => retry.error === 'AuditReportRequestInProgress')).toHaveLength(14);
  });

  it('requests nothing when the bucket needs a person (explicit Deny)', async () => {
    const file = account('audit-report-failed');
    file.buckets[0].Policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyAllButAdmins',
          Effect: 'Deny',
          NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/Admin' },
          Action: 's3:*',
          Resource: `arn:aws:s3:::${AUDIT_BUCKET}/*`,
        },
      ],
    };
    const run = await runScenario(auditEvent, file);
    expect(run.outcome.status).toBe('NEEDS_ATTENTION');
    expect(run.mutatingCalls).toEqual([]);
  });

  it('plans the grant and the re-request but writes nothing in dry-run', async () => {
    const run = await runScenario(auditEvent, account('audit-report-failed'), { env: { MODE: 'dry-run' } });
    expect(run.outcome.status).toBe('DRY_RUN');
    expect(run.outcome.message).toMatch(/re-request of the audit report included/);
    expect(run.outcome.actions.map((action) => action.type)).toEqual(['PutBucketPolicy', 'CreateCertificateAuthorityAuditReport']);
    expect(run.after.notifications).toHaveLength(1);
    expect(run.mutatingCalls).toEqual([]);
  });

  it('re-requests straight away when the bucket is already fine, in dry-run planning it only', async () => {
    const file = account('audit-report-failed');
    file.buckets[0].Policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'acm-pca.amazonaws.com' },
          Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:GetBucketAcl', 's3:GetBucketLocation'],
          Resource: [`arn:aws:s3:::${AUDIT_BUCKET}/*`, `arn:aws:s3:::${AUDIT_BUCKET}`],
          Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
        },
      ],
    };
    const applied = await runScenario(auditEvent, file);
    expect(applied.outcome.status).toBe('REMEDIATED');
    expect(applied.mutatingCalls).toEqual(['CreateCertificateAuthorityAuditReport']);
    const dryRun = await runScenario(auditEvent, file, { env: { MODE: 'dry-run' } });
    expect(dryRun.outcome.status).toBe('DRY_RUN');
    expect(dryRun.mutatingCalls).toEqual([]);
  });

  it('needs a person when Private CA does not know the failed report', async () => {
    const file = account('audit-report-failed');
    file.certificateAuthorities[0].AuditReports = [];
    const run = await runScenario(auditEvent, file);
    expect(run.outcome.status).toBe('NEEDS_ATTENTION');
    expect(run.outcome.findings.map((finding) => finding.code)).toEqual(['AUDIT_REPORT_NOT_FOUND']);
  });
});
