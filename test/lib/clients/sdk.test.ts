/**
 * The SDK-backed clients (src/lib/clients/sdk/): what the CLIs use on a workstation and
 * the bench's naive build swaps in. Every operation the product's own client sends has
 * its SDK command, and `send('Op', input)` reaches the SDK as `new OpCommand(input)`.
 * The SDK clients are stubbed with aws-sdk-client-mock: nothing leaves the process.
 */
import * as Pca from '@aws-sdk/client-acm-pca';
import * as Ddb from '@aws-sdk/client-dynamodb';
import * as S3Sdk from '@aws-sdk/client-s3';
import * as Sfn from '@aws-sdk/client-sfn';
import * as Sns from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { acmPca } from '../../../src/lib/clients/acm-pca';
import { dynamoDb } from '../../../src/lib/clients/dynamodb';
import { configureClients, resetClients, type ServiceName } from '../../../src/lib/clients/registry';
import { s3 } from '../../../src/lib/clients/s3';
import { sdkClients } from '../../../src/lib/clients/sdk';
import { stepFunctions } from '../../../src/lib/clients/sfn';
import { sns } from '../../../src/lib/clients/sns';
import type { AcmPcaOperations } from '../../../src/lib/aws/services/acm-pca';
import type { DynamoDbOperations } from '../../../src/lib/aws/services/dynamodb';
import type { S3Operations } from '../../../src/lib/aws/services/s3';
import type { SfnOperations } from '../../../src/lib/aws/services/sfn';
import type { SnsOperations } from '../../../src/lib/aws/services/sns';

type SdkModule = Record<string, unknown>;
type Stub = { on(command: unknown): { resolves(output: object): void }; commandCalls(command: unknown): Array<{ args: [{ input: object }] }>; restore(): void };

/** Each service's operations, as its operation map lists them. */
const OPERATIONS: Record<ServiceName, { sdk: SdkModule; client: string; operations: string[]; call: (operation: string, input: object) => Promise<unknown> }> = {
  S3: {
    sdk: S3Sdk,
    client: 'S3Client',
    operations: ['GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucketPolicy', 'GetPublicAccessBlock', 'GetBucketOwnershipControls', 'GetBucketEncryption', 'HeadObject'] satisfies Array<keyof S3Operations>,
    call: (operation, input) => s3().send(operation as never, input as never),
  },
  'ACM PCA': {
    sdk: Pca,
    client: 'ACMPCAClient',
    operations: ['DescribeCertificateAuthority', 'DescribeCertificateAuthorityAuditReport', 'CreateCertificateAuthorityAuditReport', 'UpdateCertificateAuthority', 'GetCertificate', 'ListCertificateAuthorities'] satisfies Array<keyof AcmPcaOperations>,
    call: (operation, input) => acmPca().send(operation as never, input as never),
  },
  SNS: { sdk: Sns, client: 'SNSClient', operations: ['Publish'] satisfies Array<keyof SnsOperations>, call: (operation, input) => sns().send(operation as never, input as never) },
  DynamoDB: {
    sdk: Ddb,
    client: 'DynamoDBClient',
    operations: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Scan', 'CreateTable', 'DescribeTable'] satisfies Array<keyof DynamoDbOperations>,
    call: (operation, input) => dynamoDb().send(operation as never, input as never),
  },
  SFN: { sdk: Sfn, client: 'SFNClient', operations: ['StartExecution'] satisfies Array<keyof SfnOperations>, call: (operation, input) => stepFunctions().send(operation as never, input as never) },
};

let stubs: Stub[] = [];

afterEach(() => {
  for (const stub of stubs) stub.restore();
  stubs = [];
  resetClients();
});

describe('the SDK-backed clients', () => {
  it('list operations the product’s JSON service definitions send, which refuse others', async () => {
    for (const [name, file, exported] of [
      ['ACM PCA', 'acm-pca', 'ACM_PCA'],
      ['DynamoDB', 'dynamodb', 'DYNAMODB'],
      ['SFN', 'sfn', 'SFN'],
    ] as const) {
      const definition = (await import(`../../../src/lib/aws/services/${file}.ts`))[exported];
      // The product refuses any operation outside its list: each listed one serialises, an unlisted one does not.
      for (const operation of OPERATIONS[name].operations) expect(() => definition.serialize(operation, {}, { protocol: 'https:', hostname: 'h', custom: false })).not.toThrow();
      expect(() => definition.serialize('ListTables', {}, { protocol: 'https:', hostname: 'h', custom: false })).toThrow(/not an operation this client sends/);
    }
  });

  it.each(Object.entries(OPERATIONS))('%s: send(operation, input) reaches the SDK client as the operation’s command, with the input unchanged', async (service, { sdk, client, operations, call }) => {
    const stub = mockClient(sdk[client] as never) as unknown as Stub;
    stubs.push(stub);
    configureClients({ options: { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } }, factory: sdkClients });
    for (const operation of operations) {
      const command = sdk[`${operation}Command`];
      expect(command, `${service} ${operation} has an SDK command`).toBeTypeOf('function');
      stub.on(command).resolves({ marker: operation });
      const input = { Marker: `${service}/${operation}` };
      await expect(call(operation, input)).resolves.toMatchObject({ marker: operation });
      expect(stub.commandCalls(command).map((c) => c.args[0].input)).toEqual([input]);
    }
  });

  it('are built with the region and credentials of the settings, and only when the factory is set', async () => {
    configureClients({ options: { region: 'ap-southeast-2', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } }, factory: sdkClients });
    const client = sdkClients('S3', { region: 'ap-southeast-2' }) as unknown as { send: unknown };
    expect(client.send).toBeTypeOf('function');
    const stub = mockClient(S3Sdk.S3Client as never) as unknown as Stub;
    stubs.push(stub);
    stub.on(S3Sdk.GetBucketPolicyCommand).resolves({ Policy: '{}' });
    await expect(s3().send('GetBucketPolicy', { Bucket: 'b' })).resolves.toMatchObject({ Policy: '{}' });
    resetClients();
    // Without the factory, the product's own client: not the SDK (the stub sees nothing more).
    expect(s3().constructor.name).toBe('ServiceClient');
    expect(stub.commandCalls(S3Sdk.GetBucketPolicyCommand)).toHaveLength(1);
  });
});
