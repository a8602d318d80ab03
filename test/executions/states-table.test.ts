/**
 * docs/states.md's table: each state → Lambda function → handler file, derived from the
 * ASL and serverless.yml (the staleness check is in diagram.test.ts).
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinition, type LoadedDefinition } from '../../src/executions/definition';
import { serverlessHandlers, stateRows } from '../../src/executions/states-table';

const ROOT = new URL('../../', import.meta.url);
const loaded = loadDefinition();

describe('stateRows on the workflow', () => {
  const rows = stateRows(loaded);

  it('has one row per state of the ASL, in its order', () => {
    expect(rows.map((row) => row.state)).toEqual(Object.keys(loaded.definition.States));
  });

  it('names, for every Task, a handler file that exists', () => {
    const tasks = rows.filter((row) => row.type === 'Task');
    expect(tasks.length).toBeGreaterThan(10);
    for (const row of tasks) {
      expect(row.handlerFile, row.state).toMatch(/^src\/handlers\/[a-z-]+\.ts$/);
      expect(existsSync(new URL(row.handlerFile!, ROOT)), row.handlerFile).toBe(true);
    }
  });

  it('sends ClassifyEvent to classify-event.ts and both Inspect states to inspect-bucket.ts', () => {
    const of = (state: string) => rows.find((row) => row.state === state)!;
    expect(of('ClassifyEvent')).toEqual({
      state: 'ClassifyEvent',
      type: 'Task',
      runs: 'Lambda',
      functionKey: 'classifyEvent',
      handlerFile: 'src/handlers/classify-event.ts',
    });
    expect([of('InspectCrlBucket').handlerFile, of('InspectAuditBucket').handlerFile]).toEqual([
      'src/handlers/inspect-bucket.ts',
      'src/handlers/inspect-bucket.ts',
    ]);
    expect(of('WhatFailed?')).toEqual({ state: 'WhatFailed?', type: 'Choice', runs: '' });
  });

  it('points the DynamoDB task ClaimEvent at the Lambda task whose output holds its item', () => {
    expect(rows.find((row) => row.state === 'ClaimEvent')).toEqual({
      state: 'ClaimEvent',
      type: 'Task',
      runs: 'dynamodb:putItem',
      functionKey: 'classifyEvent',
      handlerFile: 'src/handlers/classify-event.ts',
      note: '`$.claim` from ClassifyEvent',
    });
  });
});

describe('stateRows on other definitions', () => {
  const definition = (
    states: Record<string, unknown>,
    taskFunctions: Record<string, string>,
    serviceTasks: LoadedDefinition['serviceTasks'],
  ): LoadedDefinition =>
    ({ definition: { StartAt: Object.keys(states)[0]!, States: states }, taskFunctions, serviceTasks, waitsBefore: {}, callbackTasks: {} }) as LoadedDefinition;

  it('follows a service task back past choices to the Lambda that wrote the key it reads, not a nearer one writing elsewhere', () => {
    const loadedOther = definition(
      {
        Make: { Type: 'Task', ResultPath: '$.approval', Next: 'Other' },
        Other: { Type: 'Task', ResultPath: '$.unrelated', Next: 'Ask?' },
        'Ask?': { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'Publish' }], Default: 'Done' },
        Publish: { Type: 'Task', Parameters: { 'Message.$': '$.approval.text' }, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
      { Make: 'makeApproval', Other: 'other' },
      { Publish: { resourceType: 'sns', resource: 'publish' } },
    );
    const rows = stateRows(loadedOther, { makeApproval: 'src/handlers/make-approval.handler', other: 'src/handlers/other.handler' });
    expect(rows.find((row) => row.state === 'Publish')).toMatchObject({
      runs: 'sns:publish',
      functionKey: 'makeApproval',
      handlerFile: 'src/handlers/make-approval.ts',
      note: '`$.approval` from Make',
    });
  });

  it('refuses a Task whose function serverless.yml does not define, naming both', () => {
    const loadedOther = definition({ Run: { Type: 'Task', End: true } }, { Run: 'missing' }, {});
    expect(() => stateRows(loadedOther, {})).toThrow("state Run: function missing is not in serverless.yml's functions");
  });
});

describe('serverlessHandlers', () => {
  it('reads functions given as a list of maps, skipping ${file(...)} entries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pca-states-'));
    const file = join(dir, 'serverless.yml');
    writeFileSync(
      file,
      'functions:\n  - a:\n      handler: src/handlers/a.handler\n    b:\n      handler: src/handlers/b.handler\n  - ${file(./deploy/sweep.cjs):functions}\n',
    );
    expect(serverlessHandlers(file)).toEqual({ a: 'src/handlers/a.handler', b: 'src/handlers/b.handler' });
  });
});
