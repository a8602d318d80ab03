/**
 * `npm run check` and `npm run snapshot` never write: every SDK client they build gets a
 * middleware, first in its stack, that lets through only the read operations listed
 * here and refuses anything else before it is signed or sent. This is a property of
 * the clients, not of the code that calls them: a write anywhere in the workflow's
 * inspection (or a future change to it) fails with WriteRefused instead of reaching AWS.
 */
import type { ConfigurableClient, ServiceName } from '../../lambda/aws/clients/registry';

/**
 * The operations the two commands send, by service (command names without `Command`).
 * Every one of them is a Get, List or Describe; the policy in ./policy.ts grants
 * exactly the IAM actions they need.
 */
export const READ_ONLY_OPERATIONS: Readonly<Record<ServiceName, readonly string[]>> = {
  'ACM PCA': ['ListCertificateAuthorities', 'DescribeCertificateAuthority'],
  S3: ['GetBucketPolicy', 'GetPublicAccessBlock', 'GetBucketOwnershipControls', 'GetBucketEncryption', 'GetBucketLocation', 'ListObjectsV2'],
  SNS: [],
  DynamoDB: [],
  SFN: [],
};

/** A command the read-only clients refused to send. */
export class WriteRefused extends Error {
  override readonly name = 'WriteRefused';
  constructor(
    readonly service: ServiceName,
    readonly operation: string,
  ) {
    super(
      `${service} ${operation} was refused before it was sent: npm run check and npm run snapshot only read (allowed: ${READ_ONLY_OPERATIONS[service].join(', ') || 'nothing'})`,
    );
  }
}

type Middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>;

/** The `onCreate` of the client settings: refuse every command of `service` that is not a listed read. */
export function refuseWrites(client: ConfigurableClient, service: ServiceName): void {
  const allowed = READ_ONLY_OPERATIONS[service];
  const guard: Middleware = (next, context) => async (args) => {
    const operation = (context.commandName ?? '').replace(/Command$/, '');
    if (!allowed.includes(operation)) throw new WriteRefused(service, operation || 'an unnamed command');
    return next(args);
  };
  (client.middlewareStack.add as unknown as (middleware: Middleware, options: object) => void)(guard, {
    step: 'initialize',
    priority: 'high',
    name: 'pcaRemediationReadOnly',
  });
}
