/**
 * SNS: the awsQuery protocol (a form POST, an XML answer), for Publish with the scalar
 * fields this product sends (TopicArn, Subject, Message...). Message attributes and other
 * nested input are refused rather than sent wrong.
 */
import type * as Sns from '@aws-sdk/client-sns';
import { postToRoot, requestIdOf, type ServiceDefinition } from '../client';
import { AwsServiceError, InvalidRequest } from '../errors';
import { uriEncode } from '../sigv4';
import { child, childText, parseXml } from '../xml';

export type SnsOperations = {
  Publish: { input: Sns.PublishInput; output: Sns.PublishResponse };
};

const VERSION = '2010-03-31';

export const SNS: ServiceDefinition = {
  name: 'SNS',
  signingName: 'sns',
  endpointPrefix: 'sns',
  endpointEnvId: 'SNS',
  serialize(operation, input, endpoint) {
    if (operation !== 'Publish') throw new InvalidRequest(`SNS ${operation} is not an operation this client sends (it sends Publish)`);
    const fields: Array<[string, string]> = [
      ['Action', operation],
      ['Version', VERSION],
    ];
    for (const [name, value] of Object.entries(input)) {
      if (value === undefined) continue;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new InvalidRequest(`SNS Publish: ${name} is not a plain value; this client sends only scalar fields (TopicArn, Subject, Message...)`);
      }
      fields.push([name, String(value)]);
    }
    return postToRoot(endpoint, 'application/x-www-form-urlencoded; charset=utf-8', fields.map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`).join('&'));
  },
  deserialize(operation, response) {
    const result = child(parseXml(response.body), `${operation}Result`);
    const output: Record<string, unknown> = {};
    for (const element of result?.children ?? []) output[element.name] = element.text.trim();
    return output;
  },
  deserializeError(_operation, response) {
    let code: string | undefined;
    let message: string | undefined;
    let type: string | undefined;
    try {
      const root = parseXml(response.body);
      const error = child(root, 'Error') ?? (root.name === 'Error' ? root : undefined);
      code = childText(error, 'Code');
      message = childText(error, 'Message');
      type = childText(error, 'Type');
    } catch {
      // No XML: named from the status below.
    }
    const name = code ?? (response.statusCode >= 500 ? 'InternalError' : 'Unknown');
    const fault = type === 'Receiver' ? 'server' : type === 'Sender' ? 'client' : undefined;
    return new AwsServiceError({ name, message: message ?? name, httpStatusCode: response.statusCode, requestId: requestIdOf(response), headers: response.headers, ...(fault ? { fault } : {}) });
  },
};
