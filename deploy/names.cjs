// The stage is part of every name this service chooses for an AWS resource
// (`pca-remediation-<stage>-<function>`, the state machine, its rule, the queue, the
// topic, the alarm, the log group, the stack), and AWS limits each kind of name
// (deploy/limits.cjs). A stage that makes one of them too long would only fail when
// CloudFormation creates the resource, part-way through the first deploy; this check
// refuses it at package time instead, with the other parameters (deploy/iam-roles.cjs).
//
// The limit is not a number written here: it is computed from the names as the service
// configuration resolves them, so a longer function name, or a new named resource in
// deploy/resources.yml, lowers it by itself.

const { NAME_LIMITS, STACK_NAME_LIMIT } = require('./limits.cjs');

/** Resource files of serverless.yml's `resources` whose names are read here (iam-roles.cjs, which runs this check, names no resource). */
const RESOURCE_FILES = ['./deploy/resources.yml'];

/** The entries of a map, or of a list of maps as serverless.yml's `functions` is. */
const entriesOf = (value) => (Array.isArray(value) ? value : [value]).flatMap((part) => (part && typeof part === 'object' ? Object.entries(part) : []));

/**
 * Every name the service sets itself (CloudFormation generates the others, within the
 * limits), resolved for the stage being packaged: `{ name, what, max, source, where }`.
 */
async function generatedNames(resolveVariable) {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const provider = (await resolveVariable('self:provider')) ?? {};
  const functions = await resolveVariable('self:functions');
  const stepFunctions = (await resolveVariable('self:stepFunctions')) ?? {};
  const names = [];
  const add = (limit, name, where) => {
    if (typeof name === 'string') names.push(nameEntry(limit, name, where, service, stage));
  };
  // osls and Serverless v4 name the stack <service>-<stage> unless provider.stackName is set.
  add(STACK_NAME_LIMIT, provider.stackName ?? `${service}-${stage}`, 'the stack');
  for (const [key, fn] of entriesOf(functions)) {
    // The frameworks name a function <service>-<stage>-<key> unless it sets `name`.
    add(NAME_LIMITS['AWS::Lambda::Function'], fn?.name ?? `${service}-${stage}-${key}`, `function ${key}`);
    for (const event of fn?.events ?? [])
      add(NAME_LIMITS['AWS::Events::Rule'], event?.schedule?.name ?? event?.eventBridge?.name, `function ${key}'s schedule`);
  }
  for (const [key, machine] of entriesOf(stepFunctions.stateMachines)) {
    add(NAME_LIMITS['AWS::StepFunctions::StateMachine'], machine?.name, `state machine ${key}`);
    for (const event of machine?.events ?? []) add(NAME_LIMITS['AWS::Events::Rule'], event?.eventBridge?.name, `state machine ${key}'s rule`);
  }
  for (const file of RESOURCE_FILES) {
    const resources = (await resolveVariable(`file(${file})`))?.Resources ?? {};
    for (const [id, resource] of Object.entries(resources)) {
      const limit = NAME_LIMITS[resource?.Type];
      if (limit) add(limit, resource.Properties?.[limit.property], `${id} (${file})`);
    }
  }
  return names;
}

/**
 * One name and its limit. `pattern` writes the stage as <stage> and `fixed` counts the
 * other characters, when the name holds the stage where every name here holds it, after
 * `<service>-`; a name without it has neither, and must fit on its own.
 */
function nameEntry(limit, name, where, service, stage) {
  const at = name.indexOf(`${service}-${stage}`);
  const entry = { what: limit.what, max: limit.max, source: limit.source, name, where };
  if (at < 0) return entry;
  const stageAt = at + service.length + 1;
  return { ...entry, pattern: `${name.slice(0, stageAt)}<stage>${name.slice(stageAt + stage.length)}`, fixed: name.length - stage.length };
}

/** The longest stage that every name holding it fits with, and the name that sets it (null when none holds it). */
function stageLimit(names) {
  let tightest = null;
  for (const entry of names) {
    if (entry.fixed === undefined) continue;
    const longest = entry.max - entry.fixed;
    if (!tightest || longest < tightest.longest) tightest = { ...entry, longest };
  }
  return tightest;
}

/** Refuse a stage that would make one of the service's names longer than AWS allows. */
function checkStageName(stage, names) {
  const limit = stageLimit(names);
  if (limit && stage.length > limit.longest) {
    throw new Error(
      `stage "${stage}" is ${stage.length} characters; at most ${limit.longest} fit: the ${limit.what} "${limit.pattern}" (${limit.where}) ` +
        `would be ${limit.fixed + stage.length} characters, and AWS allows at most ${limit.max} (${limit.source})`,
    );
  }
  const tooLong = names.find((entry) => entry.name.length > entry.max);
  if (tooLong)
    throw new Error(
      `the ${tooLong.what} "${tooLong.name}" (${tooLong.where}) is ${tooLong.name.length} characters; AWS allows at most ${tooLong.max} (${tooLong.source})`,
    );
}

module.exports = { generatedNames, nameEntry, stageLimit, checkStageName, RESOURCE_FILES };
