/** Step Functions: awsJson 1.0, StartExecution (the sweep). */
import type * as Sfn from '@aws-sdk/client-sfn';
import { jsonService } from './json';

export type SfnOperations = {
  StartExecution: { input: Sfn.StartExecutionInput; output: Sfn.StartExecutionOutput };
};

export const SFN = jsonService({
  name: 'SFN',
  signingName: 'states',
  endpointPrefix: 'states',
  endpointEnvId: 'SFN',
  version: '1.0',
  targetPrefix: 'AWSStepFunctions',
  operations: ['StartExecution'] satisfies ReadonlyArray<keyof SfnOperations>,
  timestampKeys: ['startDate', 'stopDate'],
});
