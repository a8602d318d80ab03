/**
 * The history table, locally: dynalite (a DynamoDB-compatible server written in Node,
 * the real DynamoDB API with conditional writes) in this process, with the table built
 * from the definition in deploy/resources.yml, so local runs claim events, hold bucket
 * leases and record changes exactly as the deployed workflow does.
 *
 * One dynalite server per process, started on first use on a free localhost port and
 * not keeping the process alive; each run may have its own table in it. Dynalite does
 * not expire items (no TTL), so `expiresAt` is written but never acted on locally.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, ScanCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { parse } from 'yaml';
import { marshalItem, unmarshalItem } from '../../core/history-item';

export const RESOURCES_FILE = fileURLToPath(new URL('../../../deploy/resources.yml', import.meta.url));

export interface LocalHistoryTable {
  name: string;
  /** http://127.0.0.1:<port> of the dynalite server. */
  endpoint: string;
  /** Every item, as plain JSON (event items and leases), sorted by key. */
  items(): Promise<Array<Record<string, unknown>>>;
  /** Write items as they are (to load a saved history). */
  load(items: ReadonlyArray<Record<string, unknown>>): Promise<void>;
}

let server: Promise<string> | null = null;
let running: import('node:http').Server | null = null;
let tables = 0;

/** The dynalite endpoint of this process (started on first call). */
export function dynaliteEndpoint(): Promise<string> {
  server ??= new Promise((resolve, reject) => {
    const instance = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    instance.once('error', reject);
    instance.listen(0, '127.0.0.1', () => {
      instance.unref();
      running = instance;
      resolve(`http://127.0.0.1:${(instance.address() as AddressInfo).port}`);
    });
  });
  return server;
}

/**
 * Close dynalite and its connections. The server does not keep the process alive, but
 * the SDK's kept-alive connections to it would, for the server's keep-alive timeout:
 * the command-line tools call this when they are done.
 */
export async function stopDynalite(): Promise<void> {
  const instance = running;
  if (!instance) return;
  running = null;
  server = null;
  instance.closeAllConnections();
  await new Promise<void>((resolve) => instance.close(() => resolve()));
}

/** The table's key schema and attributes as deploy/resources.yml declares them. */
export function historyTableDefinition(file = RESOURCES_FILE): Pick<CreateTableCommandInput, 'AttributeDefinitions' | 'KeySchema' | 'BillingMode'> {
  const document = parse(readFileSync(file, 'utf8')) as { Resources?: Record<string, { Type: string; Properties: CreateTableCommandInput }> };
  const table = document.Resources?.HistoryTable;
  if (table?.Type !== 'AWS::DynamoDB::Table') throw new Error(`${file} has no AWS::DynamoDB::Table named HistoryTable`);
  const { AttributeDefinitions, KeySchema, BillingMode } = table.Properties;
  return { AttributeDefinitions, KeySchema, BillingMode };
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/** A new, empty history table on this process's dynalite. */
export async function createHistoryTable(name?: string): Promise<LocalHistoryTable> {
  tables += 1;
  name ??= `pca-remediation-local-history-${tables}`;
  const endpoint = await dynaliteEndpoint();
  const client = localClient(endpoint);
  await client.send(new CreateTableCommand({ TableName: name, ...historyTableDefinition() }));
  return {
    name,
    endpoint,
    async items() {
      const items: Array<Record<string, unknown>> = [];
      let ExclusiveStartKey: Record<string, never> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: name, ConsistentRead: true, ExclusiveStartKey }));
        items.push(...(page.Items ?? []).map(unmarshalItem));
        ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
      } while (ExclusiveStartKey);
      return items.sort((a, b) => String(a.pk).localeCompare(String(b.pk)));
    },
    async load(items) {
      for (const item of items) await client.send(new PutItemCommand({ TableName: name, Item: marshalItem(item) }));
    },
  };
}
