import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyEvent, DETAIL_TYPES, QUOTE_LIMIT, SWEEP_SOURCE } from '../../src/core/classify-event';

const load = (path: string) => JSON.parse(readFileSync(new URL(`../../events/${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const published = readdirSync(new URL('../../events/published/', import.meta.url)).filter((file) => file.endsWith('.json'));

const CA = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11223344-1234-1122-2233-112233445566';

describe('classifyEvent', () => {
  it('finds all eleven published samples', () => {
    expect(published).toHaveLength(11);
  });

  it.each(published)('rejects the published sample %s with a reason naming the placeholder or the success', (file) => {
    // Act
    const classification = classifyEvent(load(`published/${file}`));
    // Assess
    expect(classification.kind).toBe('UNRECOGNIZED');
    expect(classification.rejection).toMatch(/placeholder|success|nothing to remediate/);
    expect(classification.eventId).toBe('event_ID');
  });

  it.each([
    ['ca-creation-failure.json', 'CA_CREATION'],
    ['certificate-issuance-failure.json', 'CERTIFICATE_ISSUANCE'],
    ['crl-s3-permission-failure.json', 'CRL_S3_PERMISSION'],
    ['crl-s3-internal-failure.json', 'CRL_S3_INTERNAL'],
    ['crl-generation-internal-failure.json', 'CRL_GENERATION_INTERNAL'],
    ['audit-report-failure.json', 'AUDIT_REPORT'],
  ])('classifies the realistic sample %s as %s, with account, region and partition from the CA ARN', (file, kind) => {
    const classification = classifyEvent(load(file));
    expect(classification).toMatchObject({
      kind,
      certificateAuthorityArn: CA,
      certificateAuthorityId: '11223344-1234-1122-2233-112233445566',
      account: '111122223333',
      region: 'us-east-1',
      partition: 'aws',
      eventTime: '2026-11-20T10:00:00.000Z',
    });
    expect(classification.rejection).toBeUndefined();
  });

  it('keeps the certificate ARN of an issuance failure and the report id of an audit report failure', () => {
    expect(classifyEvent(load('certificate-issuance-failure.json')).certificateArn).toBe(`${CA}/certificate/6707447683a9b7f4055627ffd55cebcc`);
    expect(classifyEvent(load('audit-report-failure.json')).auditReportId).toBe('a1b2c3d4-5678-90ab-cdef-111122223333');
  });

  it('reads the partition from a China-region ARN', () => {
    const event = load('crl-s3-permission-failure.json');
    const arn = 'arn:aws-cn:acm-pca:cn-north-1:111122223333:certificate-authority/11223344-1234-1122-2233-112233445566';
    const classification = classifyEvent({ ...event, region: 'cn-north-1', resources: [arn] });
    expect(classification).toMatchObject({ kind: 'CRL_S3_PERMISSION', partition: 'aws-cn', region: 'cn-north-1' });
  });

  const base = load('crl-s3-permission-failure.json');
  it.each<[string, unknown, RegExp]>([
    ['null', null, /not a JSON object/],
    ['a string', 'hello', /not a JSON object/],
    ['a list', [base], /a list, not a JSON object/],
    ['no id', { ...base, id: undefined }, /field "id"/],
    ['another source', { ...base, source: 'aws.s3' }, /field "source" is "aws.s3"/],
    ['an unknown detail-type', { ...base, 'detail-type': 'ACM Private CA Something' }, /detail-type/],
    ['a revocation', { ...base, 'detail-type': 'ACM Private CA Certificate Revocation' }, /successes only/],
    ['a success', { ...base, detail: { result: 'success' } }, /success event/],
    ['no detail', { ...base, detail: undefined }, /field "detail" is missing/],
    ['a result that is neither', { ...base, detail: { result: 'maybe' } }, /detail.result/],
    ['an unknown CRL reason', { ...base, detail: { result: 'failure', reason: 'Something else.' } }, /documented CRL failure reasons/],
    ['no CRL reason', { ...base, detail: { result: 'failure' } }, /detail.reason/],
    ['a bad time', { ...base, time: 'yesterday' }, /field "time"/],
    ['the placeholder account', { ...base, account: 'account' }, /field "account" is "account"/],
    ['the placeholder region', { ...base, region: 'region' }, /field "region" is "region"/],
    ['no resources', { ...base, resources: [] }, /resources/],
    ['a non-PCA ARN', { ...base, resources: ['arn:aws:s3:::bucket'] }, /not a Private CA ARN/],
    ['a placeholder CA id', { ...base, resources: ['arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/CA_ID'] }, /CA id/],
    ['an unknown partition', { ...base, resources: [CA.replace('arn:aws:', 'arn:aws-xx:')] }, /partition/],
    ['a CA of another account', { ...base, resources: [CA.replace('111122223333', '444455556666')] }, /differs from the event's account/],
    ['a CA of another region', { ...base, resources: [CA.replace('us-east-1', 'eu-west-1')] }, /differs from the event's region/],
    // Object.prototype's members are not documented reasons.
    ...['constructor', '__proto__', 'toString', 'hasOwnProperty'].map((reason): [string, unknown, RegExp] => [
      `the CRL reason "${reason}"`,
      { ...base, detail: { result: 'failure', reason } },
      /field "detail.reason" is "[^"]+", not one of the documented CRL failure reasons/,
    ]),
  ])('rejects an event with %s and says what was wrong', (_name, event, reason) => {
    const classification = classifyEvent(event);
    expect(classification.kind).toBe('UNRECOGNIZED');
    expect(classification.rejection).toMatch(reason);
  });

  it.each<[string, unknown[], RegExp]>([
    ['the placeholder certificate ARN', [CA, 'arn:aws:acm-pca:region:account:certificate-authority/CA_ID/certificate/certificate_ID'], /placeholder/],
    [
      'a certificate of another CA',
      [CA, 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/99999999-1234-1122-2233-112233445566/certificate/6707447683a9b7f4055627ffd55cebcc'],
      /does not belong/,
    ],
    ['no certificate ARN', [CA], /certificate ARN/],
    ['a certificate ARN of another region', [CA, `${CA.replace('us-east-1', 'eu-west-1')}/certificate/6707447683a9b7f4055627ffd55cebcc`], /does not belong/],
    [
      'a certificate ARN of another partition',
      [CA, `${CA.replace('arn:aws:', 'arn:aws-cn:')}/certificate/6707447683a9b7f4055627ffd55cebcc`],
      /does not belong/,
    ],
  ])('rejects an issuance failure with %s', (_name, resources, reason) => {
    const classification = classifyEvent({ ...load('certificate-issuance-failure.json'), resources });
    expect(classification.kind).toBe('UNRECOGNIZED');
    expect(classification.rejection).toMatch(reason);
  });

  it('rejects an audit report failure whose report id is the placeholder', () => {
    const classification = classifyEvent({ ...load('audit-report-failure.json'), resources: [CA, 'audit_report_ID'] });
    expect(classification.rejection).toMatch(/audit report id.*placeholder/);
  });
});

describe('a huge bad value', () => {
  it('is quoted in the rejection cut to QUOTE_LIMIT characters, with its length', () => {
    const huge = 'x'.repeat(200_000);
    const classification = classifyEvent({ id: 'e-1', source: 'aws.acm-pca', 'detail-type': huge, detail: {} });
    expect(classification.kind).toBe('UNRECOGNIZED');
    expect(classification.rejection!.length).toBeLessThan(QUOTE_LIMIT + 200);
    expect(classification.rejection).toContain('(200002 characters)');
    expect(classification.detailType).toHaveLength(QUOTE_LIMIT);
  });
});

describe('an event of the scheduled sweep', () => {
  const fromSweep = { ...load('crl-s3-permission-failure.json'), id: 'sweep-11223344-1234-1122-2233-112233445566-2026-11-20', source: SWEEP_SOURCE };

  it(`is classified like Private CA's own CRL Generation event when its source is "${SWEEP_SOURCE}"`, () => {
    const own = classifyEvent(load('crl-s3-permission-failure.json'));
    const classification = classifyEvent(fromSweep);
    expect(classification).toEqual({ ...own, eventId: fromSweep.id });
    expect(classification.kind).toBe('CRL_S3_PERMISSION');
  });

  it.each([DETAIL_TYPES.creation, DETAIL_TYPES.issuance, DETAIL_TYPES.auditReport, DETAIL_TYPES.revocation, 'Scheduled Event'])(
    'rejects the detail-type "%s" from the sweep, saying the sweep reports CRL buckets only',
    (detailType) => {
      const classification = classifyEvent({ ...fromSweep, 'detail-type': detailType });
      expect(classification.kind).toBe('UNRECOGNIZED');
      expect(classification.rejection).toBe(
        `the sweep ("${SWEEP_SOURCE}") reports CRL buckets only: field "detail-type" is "${detailType}", not "${DETAIL_TYPES.crl}"`,
      );
    },
  );

  it('still rejects a sweep event that is not a failure, like any other', () => {
    expect(classifyEvent({ ...fromSweep, detail: { result: 'success' } }).rejection).toMatch(/success event/);
  });
});
