/** DynamoDB: awsJson 1.0, the item operations (and, for the local runner's history table, Scan, CreateTable and DescribeTable). */
import type * as Ddb from '@aws-sdk/client-dynamodb';
import { jsonService } from './json';

export type DynamoDbOperations = {
  GetItem: { input: Ddb.GetItemInput; output: Ddb.GetItemOutput };
  PutItem: { input: Ddb.PutItemInput; output: Ddb.PutItemOutput };
  UpdateItem: { input: Ddb.UpdateItemInput; output: Ddb.UpdateItemOutput };
  DeleteItem: { input: Ddb.DeleteItemInput; output: Ddb.DeleteItemOutput };
  Scan: { input: Ddb.ScanInput; output: Ddb.ScanOutput };
  CreateTable: { input: Ddb.CreateTableInput; output: Ddb.CreateTableOutput };
  DescribeTable: { input: Ddb.DescribeTableInput; output: Ddb.DescribeTableOutput };
};

export const DYNAMODB = jsonService({
  name: 'DynamoDB',
  signingName: 'dynamodb',
  endpointPrefix: 'dynamodb',
  endpointEnvId: 'DYNAMODB',
  version: '1.0',
  targetPrefix: 'DynamoDB_20120810',
  operations: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Scan', 'CreateTable', 'DescribeTable'] satisfies ReadonlyArray<keyof DynamoDbOperations>,
  timestampKeys: ['CreationDateTime', 'LastIncreaseDateTime', 'LastDecreaseDateTime', 'LastUpdateToPayPerRequestDateTime'],
});
