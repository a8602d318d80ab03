import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AccountFileError, parseAccountFile } from '../../../src/workstation/local/account-file';
import { CA_ARN, fixtureJson } from './helpers';

const FIXTURES = readdirSync(new URL('../../fixtures/accounts/', import.meta.url)).filter((name) => name.endsWith('.json'));

describe('the example account files', () => {
  it.each(FIXTURES)('%s parses', (name) => {
    expect(() => parseAccountFile(fixtureJson(name.replace(/\.json$/, '')))).not.toThrow();
  });
});

describe('parseAccountFile', () => {
  it('fills defaults: bucket owner and region from the file, absent settings as null, no objects', () => {
    const file = parseAccountFile({
      account: '111122223333',
      region: 'eu-west-1',
      certificateAuthorities: [],
      buckets: [{ Name: 'crl-bucket' }],
    });
    expect(file).toEqual({
      account: '111122223333',
      region: 'eu-west-1',
      partition: 'aws',
      certificateAuthorities: [],
      buckets: [
        {
          Name: 'crl-bucket',
          Owner: '111122223333',
          Region: 'eu-west-1',
          Policy: null,
          PublicAccessBlockConfiguration: null,
          OwnershipControls: null,
          ServerSideEncryptionConfiguration: null,
          Objects: {},
        },
      ],
      notifications: [],
    });
  });

  it('reads times as ISO 8601 or epoch seconds (AWS CLI v1) and returns ISO strings', () => {
    const file = parseAccountFile({
      account: '111122223333',
      region: 'us-east-1',
      certificateAuthorities: [{ Arn: CA_ARN, Status: 'ACTIVE', NotBefore: 1767600000, NotAfter: '2036-01-05T08:05:00+00:00' }],
      buckets: [],
    });
    expect(file.certificateAuthorities[0]).toMatchObject({ NotBefore: '2026-01-05T08:00:00.000Z', NotAfter: '2036-01-05T08:05:00.000Z' });
  });

  it('keeps a policy given as a document or as text', () => {
    const document = { Version: '2012-10-17', Statement: [] };
    const file = parseAccountFile({
      account: '111122223333',
      region: 'us-east-1',
      buckets: [
        { Name: 'as-document', Policy: document },
        { Name: 'as-text', Policy: JSON.stringify(document) },
      ],
    });
    expect(file.buckets.map((b) => b.Policy)).toEqual([document, JSON.stringify(document)]);
  });

  const base = () => ({
    account: '111122223333',
    region: 'us-east-1',
    partition: 'aws',
    certificateAuthorities: [
      {
        Arn: CA_ARN,
        Status: 'ACTIVE',
        RevocationConfiguration: { CrlConfiguration: { Enabled: true, S3BucketName: 'crl-bucket', S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL' } },
        Simulation: {},
      },
    ],
    buckets: [{ Name: 'crl-bucket', Owner: '111122223333', Region: 'us-east-1', Policy: null, Objects: {} }],
    notifications: [],
  });
  type Base = ReturnType<typeof base>;
  const ca = (file: Base) => file.certificateAuthorities[0] as Record<string, unknown>;
  const crl = (file: Base) => file.certificateAuthorities[0]!.RevocationConfiguration.CrlConfiguration as Record<string, unknown>;
  const simulation = (file: Base) => file.certificateAuthorities[0]!.Simulation as Record<string, unknown>;
  const bucket = (file: Base) => file.buckets[0] as Record<string, unknown>;

  it.each<[string, (file: Base) => unknown, string]>([
    ['a misspelt top-level field', (f) => Object.assign(f, { buckts: [] }), '$.buckts'],
    ['a placeholder account', (f) => (f.account = 'account'), '$.account'],
    ['a placeholder region', (f) => (f.region = 'region'), '$.region'],
    ['an unknown partition', (f) => (f.partition = 'aws-iso'), '$.partition'],
    [
      'a CA ARN with the documentation placeholder id',
      (f) => (ca(f).Arn = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/CA_ID'),
      '$.certificateAuthorities[0].Arn',
    ],
    ['a CA in another region than the file', (f) => (ca(f).Arn = CA_ARN.replace('us-east-1', 'eu-west-1')), '$.certificateAuthorities[0].Arn'],
    ['an unknown CA status', (f) => (ca(f).Status = 'SLEEPING'), '$.certificateAuthorities[0].Status'],
    ['a misspelt CA field', (f) => (ca(f).FailureReasons = 'OTHER'), '$.certificateAuthorities[0].FailureReasons'],
    ['a time that is not a time', (f) => (ca(f).NotAfter = 'next year'), '$.certificateAuthorities[0].NotAfter'],
    ['an unknown S3ObjectAcl', (f) => (crl(f).S3ObjectAcl = 'PRIVATE'), '$.certificateAuthorities[0].RevocationConfiguration.CrlConfiguration.S3ObjectAcl'],
    ['CRLs enabled without a bucket', (f) => delete crl(f).S3BucketName, '$.certificateAuthorities[0].RevocationConfiguration.CrlConfiguration.S3BucketName'],
    ['Enabled given as a string', (f) => (crl(f).Enabled = 'true'), '$.certificateAuthorities[0].RevocationConfiguration.CrlConfiguration.Enabled'],
    [
      'an internal failure window that is neither a time nor forever',
      (f) => (simulation(f).CrlInternalFailureUntil = 'later'),
      '$.certificateAuthorities[0].Simulation.CrlInternalFailureUntil',
    ],
    ['an unknown audit report outcome', (f) => (simulation(f).AuditReportOutcome = 'MAYBE'), '$.certificateAuthorities[0].Simulation.AuditReportOutcome'],
    [
      'a negative report duration',
      (f) => (simulation(f).AuditReportSecondsToComplete = -1),
      '$.certificateAuthorities[0].Simulation.AuditReportSecondsToComplete',
    ],
    [
      'an audit report id that is not a UUID',
      (f) =>
        (ca(f).AuditReports = [{ AuditReportId: 'report-1', AuditReportStatus: 'FAILED', S3BucketName: 'b', S3Key: 'k', CreatedAt: '2026-11-20T10:00:00Z' }]),
      '$.certificateAuthorities[0].AuditReports[0].AuditReportId',
    ],
    [
      'a certificate of another CA',
      (f) =>
        (ca(f).Certificates = [{ CertificateArn: `${CA_ARN.replace('11223344', '99999999')}/certificate/6707447683a9b7f4055627ffd55cebcc`, Status: 'FAILED' }]),
      '$.certificateAuthorities[0].Certificates[0].CertificateArn',
    ],
    [
      'an issued certificate without its PEM',
      (f) => (ca(f).Certificates = [{ CertificateArn: `${CA_ARN}/certificate/6707447683a9b7f4055627ffd55cebcc`, Status: 'ISSUED' }]),
      '$.certificateAuthorities[0].Certificates[0].Certificate',
    ],
    ['the same CA twice', (f) => f.certificateAuthorities.push(f.certificateAuthorities[0]!), '$.certificateAuthorities[1].Arn'],
    ['an invalid bucket name', (f) => (bucket(f).Name = 'Crl_Bucket'), '$.buckets[0].Name'],
    ['the same bucket twice', (f) => f.buckets.push(f.buckets[0]!), '$.buckets[1].Name'],
    ['a bucket owner that is not an account id', (f) => (bucket(f).Owner = 'me'), '$.buckets[0].Owner'],
    ['a policy that is not JSON', (f) => (bucket(f).Policy = '{"Statement": ['), '$.buckets[0].Policy'],
    ['a policy that is a list', (f) => (bucket(f).Policy = []), '$.buckets[0].Policy'],
    [
      'two ownership rules',
      (f) => (bucket(f).OwnershipControls = { Rules: [{ ObjectOwnership: 'ObjectWriter' }, { ObjectOwnership: 'ObjectWriter' }] }),
      '$.buckets[0].OwnershipControls.Rules',
    ],
    [
      'an unknown object ownership',
      (f) => (bucket(f).OwnershipControls = { Rules: [{ ObjectOwnership: 'Mine' }] }),
      '$.buckets[0].OwnershipControls.Rules[0].ObjectOwnership',
    ],
    [
      'an unknown encryption algorithm',
      (f) => (bucket(f).ServerSideEncryptionConfiguration = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'ROT13' } }] }),
      '$.buckets[0].ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm',
    ],
    [
      'a Block Public Access setting given as a string',
      (f) => (bucket(f).PublicAccessBlockConfiguration = { BlockPublicAcls: 'yes' }),
      '$.buckets[0].PublicAccessBlockConfiguration.BlockPublicAcls',
    ],
    ['an object time that is not a time', (f) => (bucket(f).Objects = { 'crl/x.crl': 'yesterday' }), '$.buckets[0].Objects["crl/x.crl"]'],
    ['a misspelt account Simulation field', (f) => Object.assign(f, { Simulation: { Fault: {} } }), '$.Simulation.Fault'],
    ['a fault rate above 1', (f) => Object.assign(f, { Simulation: { Faults: { Rate: 2, Kinds: ['timeout'], Seed: 1 } } }), '$.Simulation.Faults.Rate'],
    ['faults without kinds', (f) => Object.assign(f, { Simulation: { Faults: { Rate: 0.1, Kinds: [], Seed: 1 } } }), '$.Simulation.Faults.Kinds'],
    [
      'an unknown fault kind',
      (f) => Object.assign(f, { Simulation: { Faults: { Rate: 0.1, Kinds: ['timeout', 'SlowDown'], Seed: 1 } } }),
      '$.Simulation.Faults.Kinds[1]',
    ],
    ['faults without a seed', (f) => Object.assign(f, { Simulation: { Faults: { Rate: 0.1, Kinds: ['timeout'] } } }), '$.Simulation.Faults.Seed'],
    [
      'faults for a service that is not simulated',
      (f) => Object.assign(f, { Simulation: { Faults: { Rate: 0.1, Kinds: ['timeout'], Seed: 1, Services: ['DynamoDB'] } } }),
      '$.Simulation.Faults.Services[0]',
    ],
    ['a notification without a message', (f) => (f.notifications = [{ PublishedAt: '2026-11-20T10:00:00Z' } as never]), '$.notifications[0].Message'],
  ])('rejects %s, naming %s', (_case, edit, path) => {
    const file = base();
    edit(file);
    expect(() => parseAccountFile(file)).toThrow(expect.objectContaining({ name: 'AccountFileError', path, message: expect.stringContaining(`${path}: `) }));
  });

  it('names the valid fields when a field name is unknown, at every level', () => {
    const file = base();
    (file.certificateAuthorities[0]!.RevocationConfiguration.CrlConfiguration as Record<string, unknown>).S3Bucket = 'crl-bucket';
    expect(() => parseAccountFile(file)).toThrow(
      '$.certificateAuthorities[0].RevocationConfiguration.CrlConfiguration.S3Bucket: is not a known field (expected one of Enabled, ExpirationInDays, CustomCname, S3BucketName, S3ObjectAcl, CrlDistributionPointExtensionConfiguration, CrlType, CustomPath)',
    );
    expect(() => parseAccountFile(Object.assign(base(), { buckts: [] }))).toThrow(
      '$.buckts: is not a known field (expected one of account, region, partition, certificateAuthorities, buckets, notifications, AccountPublicAccessBlock, Simulation)',
    );
  });

  it('accepts the "$schema" an example file names, and leaves it out of what it returns', () => {
    const file = parseAccountFile({ $schema: '../../../schemas/account-file.schema.json', account: '111122223333', region: 'us-east-1' });
    expect(file).toEqual({ account: '111122223333', region: 'us-east-1', partition: 'aws', certificateAuthorities: [], buckets: [], notifications: [] });
  });

  it('rejects a file that is not an object, naming the root', () => {
    expect(() => parseAccountFile([])).toThrow(AccountFileError);
    expect(() => parseAccountFile([])).toThrow(/^\$: must be an object/);
  });
});
