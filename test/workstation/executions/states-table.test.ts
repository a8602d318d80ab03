/**
 * docs/states.md's table: each state → Lambda function → handler file, derived from the
 * ASL and serverless.yml (the staleness check is in diagram.test.ts).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinition, type LoadedDefinition } from '../../../src/workstation/executions/definition';
import { functionName, handlerFile, serverlessHandlers, stateRows, stepFile } from '../../../src/workstation/executions/states-table';

const ROOT = new URL('../../../', import.meta.url);
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
      expect(row.handlerFile, row.state).toMatch(/^src\/lambda\/handlers\/[a-z-]+\.ts$/);
      expect(existsSync(new URL(row.handlerFile!, ROOT)), row.handlerFile).toBe(true);
    }
  });

  it('names, for every Task, the step its handler calls: a module of src/lambda/steps/ or src/core/ that exports it', () => {
    for (const row of rows.filter((row) => row.type === 'Task')) {
      expect(row.stepFile, row.state).toMatch(/^src\/(lambda\/steps|core)\/[a-z-]+\.ts$/);
      const name = functionName(row.handlerFile!);
      expect(readFileSync(new URL(row.stepFile!, ROOT), 'utf8'), `${row.stepFile} exports ${name}`).toMatch(new RegExp(`export (async )?function ${name}\\b`));
    }
  });

  it('sends ClassifyEvent to classify-event.ts and both Inspect states to inspect-bucket.ts', () => {
    const of = (state: string) => rows.find((row) => row.state === state)!;
    expect(of('ClassifyEvent')).toEqual({
      state: 'ClassifyEvent',
      type: 'Task',
      runs: 'Lambda',
      functionKey: 'classifyEvent',
      handlerFile: 'src/lambda/handlers/classify-event.ts',
      stepFile: 'src/core/classify-event.ts',
    });
    expect([of('InspectCrlBucket').handlerFile, of('InspectAuditBucket').handlerFile]).toEqual([
      'src/lambda/handlers/inspect-bucket.ts',
      'src/lambda/handlers/inspect-bucket.ts',
    ]);
    expect(of('WhatFailed?')).toEqual({ state: 'WhatFailed?', type: 'Choice', runs: '' });
  });

  it('points the DynamoDB task ClaimEvent at the Lambda task whose output holds its item', () => {
    expect(rows.find((row) => row.state === 'ClaimEvent')).toEqual({
      state: 'ClaimEvent',
      type: 'Task',
      runs: 'dynamodb:putItem',
      functionKey: 'classifyEvent',
      handlerFile: 'src/lambda/handlers/classify-event.ts',
      stepFile: 'src/core/classify-event.ts',
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
    const rows = stateRows(loadedOther, { makeApproval: 'src/lambda/handlers/make-approval.handler', other: 'src/lambda/handlers/other.handler' });
    expect(rows.find((row) => row.state === 'Publish')).toMatchObject({
      runs: 'sns:publish',
      functionKey: 'makeApproval',
      handlerFile: 'src/lambda/handlers/make-approval.ts',
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
      'functions:\n  - a:\n      handler: src/lambda/handlers/a.handler\n    b:\n      handler: src/lambda/handlers/b.handler\n  - ${file(./deploy/sweep.cjs):functions}\n',
    );
    expect(serverlessHandlers(file)).toEqual({ a: 'src/lambda/handlers/a.handler', b: 'src/lambda/handlers/b.handler' });
  });
});

describe('names', () => {
  const handlers = readdirSync(new URL('src/lambda/handlers/', ROOT)).filter((file) => file.endsWith('.ts') && file !== 'middleware.ts');

  it('every handler file calls the function of its own name (check-crl-republished.ts calls checkCrlRepublished)', () => {
    expect(handlers.length).toBeGreaterThanOrEqual(11);
    for (const file of handlers) expect(stepFile(`src/lambda/handlers/${file}`), file).toBeDefined();
  });

  it("every function's key in serverless.yml is its handler file's name", () => {
    for (const [key, handler] of Object.entries(serverlessHandlers())) expect(key, handler).toBe(functionName(handlerFile(handler)));
  });

  it('finds no step where the handler imports its name only as a type, or not at all', () => {
    const directory = mkdtempSync(join(tmpdir(), 'step-'));
    writeFileSync(join(directory, 'repair-bucket.ts'), "import type { repairBucket } from './steps';\nimport { other } from './other';\n");
    expect(stepFile('repair-bucket.ts', directory)).toBeUndefined();
    writeFileSync(join(directory, 'repair-bucket.ts'), "import { other, repairBucket as run } from '../steps/repair-bucket';\n");
    expect(stepFile('repair-bucket.ts', directory)).toBe('../steps/repair-bucket.ts');
  });
});
