/**
 * The workflow diagram is generated from the definition: every state and every edge of
 * the definition is in it, one execution's path is marked on it, the SVG is well-formed
 * XML, and the block of docs/workflow.md and docs/ are what `npm run diagram` produces now.
 */
import { readFileSync } from 'node:fs';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDefinition, type Definition } from '../../../src/workstation/executions/definition';
import { executionMermaid, readmeDiagram, readmeDiagramBlock, workflowDot, workflowMermaid, workflowSvg } from '../../../src/workstation/executions/diagram';
import { stateRows, statesMarkdown } from '../../../src/workstation/executions/states-table';
import { executionView, type ExecutionView } from '../../../src/workstation/executions/view';
import { account, event, runScenario } from '../../workflow/scenario';

const root = new URL('../../../', import.meta.url);
const loaded = loadDefinition();
const { definition } = loaded;

interface ParsedEdge {
  from: string;
  to: string;
  arrow: '-->' | '-.->';
  label: string;
}

/** Nodes, edges and classes of the Mermaid text this module writes, by state name. */
function parseMermaid(text: string) {
  const decode = (label: string) =>
    label
      .replace(/#quot;/g, '"')
      .replace(/#lt;/g, '<')
      .replace(/#gt;/g, '>')
      .replace(/#35;/g, '#');
  const names = new Map<string, string>();
  const shapes = new Map<string, string>();
  const edges: ParsedEdge[] = [];
  const classes = new Map<string, Set<string>>();
  let linkStyle: number[] = [];
  for (const line of text.split('\n').map((item) => item.trim())) {
    const node = /^(\w+)(\[|\{\{|\{|\(\[|\[\[|\[\/)"(.*)"(\]|\}\}|\}|\]\)|\]\]|\/\])$/.exec(line);
    const edge = /^(\w+) (-->|-\.->)(?:\|"(.*)"\|)? (\w+)$/.exec(line);
    const marked = /^class (\S+) (\w+)$/.exec(line);
    const styled = /^linkStyle ([\d,]+) /.exec(line);
    if (node) {
      names.set(node[1]!, decode(node[3]!));
      shapes.set(decode(node[3]!), node[2]!);
    } else if (edge) {
      edges.push({ from: names.get(edge[1]!)!, to: names.get(edge[4]!)!, arrow: edge[2] as ParsedEdge['arrow'], label: decode(edge[3] ?? '') });
    } else if (marked) {
      classes.set(marked[2]!, new Set(marked[1]!.split(',').map((id) => names.get(id)!)));
    } else if (styled) {
      linkStyle = styled[1]!.split(',').map(Number);
    }
  }
  return { names, shapes, edges, classes, linkStyle };
}

/** From the definition itself: `from --> to` for Next, Choices and Default, `from -.-> to` for Catch. */
function definitionEdges(def: Definition): Set<string> {
  const edges = new Set<string>();
  for (const [name, state] of Object.entries(def.States)) {
    if (state.Next) edges.add(`${name} --> ${state.Next}`);
    for (const choice of (state.Choices as Array<{ Next: string }> | undefined) ?? []) edges.add(`${name} --> ${choice.Next}`);
    if (state.Default) edges.add(`${name} --> ${state.Default}`);
    for (const catcher of (state.Catch as Array<{ Next: string }> | undefined) ?? []) edges.add(`${name} -.-> ${catcher.Next}`);
  }
  return edges;
}

/** Every tag closed in order, attributes quoted, text escaped: well-formed XML for what an SVG uses. */
function xmlProblems(text: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  // Graphviz writes an XML declaration, a DOCTYPE and comments before the root.
  const body = text.replace(/^<\?xml[^>]*\?>\s*/, '').replace(/^(?:(?:<!DOCTYPE[^>]*>|<!--[\s\S]*?-->)\s*)*/, '');
  let last = 0;
  for (const match of body.matchAll(/<[^>]*>/g)) {
    const between = body.slice(last, match.index);
    if (!/^([^<>&]|&(amp|lt|gt|quot|apos|#\d+);)*$/.test(between)) problems.push(`unescaped text: ${between.slice(0, 40)}`);
    last = match.index! + match[0].length;
    const tag = match[0];
    if (tag.startsWith('<!--') || tag.startsWith('<!DOCTYPE')) continue;
    const closing = /^<\/([\w:-]+)\s*>$/.exec(tag);
    if (closing) {
      const open = stack.pop();
      if (open !== closing[1]) problems.push(`</${closing[1]}> closes <${open}>`);
      continue;
    }
    const opening = /^<([\w:-]+)((?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos|#\d+);[^"<&]*)*")*)\s*(\/?)>$/.exec(tag);
    if (!opening) {
      problems.push(`malformed tag: ${tag.slice(0, 60)}`);
      continue;
    }
    const attributes = [...opening[2]!.matchAll(/([\w:-]+)=/g)].map((item) => item[1]);
    if (new Set(attributes).size !== attributes.length) problems.push(`repeated attribute: ${tag.slice(0, 60)}`);
    if (!opening[3]) stack.push(opening[1]!);
  }
  if (body.slice(last).trim() !== '') problems.push('text after the root element');
  if (stack.length > 0) problems.push(`never closed: ${stack.join(', ')}`);
  if (!/^<svg\s[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(body)) problems.push('the root is not an <svg> in the SVG namespace');
  return problems;
}

/** Each state's group in Graphviz's SVG (`class="node"`, its `<title>` the state name): its shape's fill color, by state name. */
function svgFills(svg: string): Map<string, string> {
  const fills = new Map<string, string>();
  for (const group of svg.split('class="node">').slice(1)) {
    const name = /<title>([^<]*)<\/title>/.exec(group)![1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    fills.set(name, /fill="(#[0-9a-f]{6})"/.exec(group)![1]!);
  }
  return fills;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  what: string;
}

/**
 * The geometry Graphviz computed for a DOT text, read from its own json output (not from
 * the module under test): every state's box, every edge label's box (from the text spans
 * Graphviz measured) and every edge's path, sampled along its Bézier curves.
 */
async function geometry(dot: string): Promise<{ states: Box[]; labels: Box[]; paths: Array<{ what: string; points: number[][] }> }> {
  const layout = JSON.parse((await Graphviz.load()).layout(dot, 'json', 'dot')) as {
    objects: Array<{ name: string; pos: string; width: string; height: string }>;
    edges: Array<{
      tail: number;
      head: number;
      _draw_?: Array<{ op: string; points?: number[][] }>;
      _ldraw_?: Array<{ op: string; size?: number; pt?: number[]; align?: string; width?: number }>;
    }>;
  };
  const states = layout.objects.map((node) => {
    const [x, y] = node.pos.split(',').map(Number) as [number, number];
    const [w, h] = [Number(node.width) * 72, Number(node.height) * 72];
    return { x: x - w / 2, y: y - h / 2, w, h, what: `state ${node.name}` };
  });
  const labels: Box[] = [];
  const paths: Array<{ what: string; points: number[][] }> = [];
  for (const edge of layout.edges) {
    const what = `${layout.objects[edge.tail]!.name} -> ${layout.objects[edge.head]!.name}`;
    let size = 10;
    const lines: Box[] = [];
    for (const op of edge._ldraw_ ?? []) {
      if (op.op === 'F') size = op.size!;
      if (op.op !== 'T') continue;
      const left = op.pt![0]! - (op.align === 'c' ? op.width! / 2 : op.align === 'r' ? op.width! : 0);
      // A text span from a little under its baseline to its cap height.
      lines.push({ x: left, y: op.pt![1]! - size * 0.25, w: op.width!, h: size * 1.05, what });
    }
    if (lines.length > 0) {
      const x = Math.min(...lines.map((line) => line.x));
      const y = Math.min(...lines.map((line) => line.y));
      labels.push({
        x,
        y,
        w: Math.max(...lines.map((line) => line.x + line.w)) - x,
        h: Math.max(...lines.map((line) => line.y + line.h)) - y,
        what: `the label of ${what}`,
      });
    }
    for (const op of edge._draw_ ?? []) {
      if (op.op !== 'b') continue;
      const points: number[][] = [];
      for (let i = 0; i + 3 < op.points!.length; i += 3) {
        const [p0, p1, p2, p3] = op.points!.slice(i, i + 4) as [number[], number[], number[], number[]];
        for (let t = 0; t <= 1.0001; t += 0.02) {
          const u = 1 - t;
          points.push([0, 1].map((k) => u * u * u * p0[k]! + 3 * u * u * t * p1[k]! + 3 * u * t * t * p2[k]! + t * t * t * p3[k]!));
        }
      }
      paths.push({ what, points });
    }
  }
  return { states, labels, paths };
}

const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

type Geometry = Awaited<ReturnType<typeof geometry>>;

/** Every label that overlaps another label or a state, and every edge that runs through a label. */
function problemsIn({ states, labels, paths }: Geometry): string[] {
  const problems: string[] = [];
  labels.forEach((label, index) => {
    for (const other of [...labels.slice(index + 1), ...states]) if (overlap(label, other)) problems.push(`${label.what} overlaps ${other.what}`);
  });
  for (const path of paths) {
    for (const label of labels) {
      if (path.points.some(([x, y]) => x! > label.x + 1 && x! < label.x + label.w - 1 && y! > label.y + 1 && y! < label.y + label.h - 1))
        problems.push(`the edge ${path.what} runs through ${label.what}`);
    }
  }
  return problems;
}

async function layoutProblems(dot: string): Promise<{ labels: number; problems: string[] }> {
  const laidOut = await geometry(dot);
  return { labels: laidOut.labels.length, problems: problemsIn(laidOut) };
}

const xmlText = (name: string) => name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('workflowMermaid', () => {
  const text = workflowMermaid(definition);
  const parsed = parseMermaid(text);

  it('is a flowchart with one node per state, by shape, under ids Mermaid accepts', () => {
    expect(text.startsWith('flowchart TD\n')).toBe(true);
    expect([...parsed.shapes.keys()].sort()).toEqual(Object.keys(definition.States).sort());
    for (const id of parsed.names.keys()) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
    expect(parsed.names.get('WhatFailed')).toBe('WhatFailed?');
    const shapeOf = { Task: '[', Choice: '{', Wait: '{{', Pass: '[/', Succeed: '([', Fail: '([' } as Record<string, string>;
    for (const [name, state] of Object.entries(definition.States)) expect(parsed.shapes.get(name), name).toBe(shapeOf[state.Type]);
  });

  it('has an edge for every Next, Choices, Default and Catch target of the definition, and nothing else but retry loops', () => {
    const drawn = new Set(parsed.edges.filter((edge) => edge.from !== edge.to).map((edge) => `${edge.from} ${edge.arrow} ${edge.to}`));
    expect([...drawn].sort()).toEqual([...definitionEdges(definition)].sort());
    for (const edge of parsed.edges.filter((item) => item.arrow === '-.->')) expect(edge.label).toMatch(/^catch /);
  });

  it('labels choices with their rule, defaults "otherwise", catches and retries with their errors', () => {
    const label = (from: string, to: string, arrow = '-->') =>
      parsed.edges.filter((edge) => edge.from === from && edge.to === to && edge.arrow === arrow).map((edge) => edge.label);
    expect(label('WhatFailed?', 'InspectCrlBucket')).toEqual(['$.classification.kind == CRL_S3_PERMISSION']);
    expect(label('WhatFailed?', 'InspectCrlBucketForCause')).toEqual(['$.classification.kind == CRL_S3_INTERNAL or CRL_GENERATION_INTERNAL']);
    expect(label('WhatFailed?', 'RecordOutcome')).toEqual(['otherwise']);
    expect(label('IsTheReportFinished?', 'WaitForAuditReport')).toEqual(['$.auditRequest.status == CREATING and $.auditRequest.polls < 30']);
    expect(label('WasTheAuditBucketRepaired?', 'RecordOutcome')).toEqual(['$.repair.findings[0] is present']);
    expect(label('CheckCrlRepublished', 'RecordOutcome', '-.->')).toEqual(['catch CrlNotYetPublished, States.ALL']);
    expect(label('RecordOutcome', 'OutcomeNotRecorded', '-.->')).toEqual(['catch States.ALL']);
    expect(label('ClaimEvent', 'RecordOutcome', '-.->')).toEqual(['catch DynamoDB.ConditionalCheckFailedException, States.ALL']);
    expect(label('IsThereAFailureToHandle?', 'RecordOutcome')).toEqual(['$.classification.kind == UNRECOGNIZED']);
    // Retry loops only where a retrier names something beyond the Lambda and AWS transient errors.
    const loops = parsed.edges.filter((edge) => edge.from === edge.to);
    expect(loops.map((edge) => `${edge.from}: ${edge.label}`)).toEqual([
      'RepairCrlBucket: retry BucketPolicyChanged, BucketBusy',
      'CheckCrlWrittenAfterRepair: retry CrlNotYetPublished',
      'CheckCrlRepublished: retry CrlNotYetPublished',
      'RepairAuditBucket: retry BucketPolicyChanged, BucketBusy',
      'RequestAuditReport: retry AuditReportRequestInProgress',
    ]);
    const everything = parseMermaid(workflowMermaid(definition, { hiddenErrors: [] }));
    expect(everything.edges.find((edge) => edge.from === 'ClassifyEvent' && edge.to === 'ClassifyEvent')?.label).toBe('retry Lambda.*, States.Timeout');
  });

  it('gives the same text for the same definition', () => {
    expect(workflowMermaid(structuredClone(definition))).toBe(text);
  });

  it('reads a definition it was not written for: ids kept unique and safe, rules of every kind', async () => {
    const other: Definition = {
      StartAt: 'end',
      States: {
        end: {
          Type: 'Choice',
          Choices: [
            { Not: { Variable: '$.a', IsNull: true }, Next: 'a-b' },
            {
              Or: [
                { Variable: '$.n', NumericGreaterThanEquals: 2 },
                { Variable: '$.s', StringEquals: 'x y' },
              ],
              Next: 'a_b',
            },
          ],
          Default: 'a-b',
        },
        'a-b': { Type: 'Pass', Next: 'a_b' },
        a_b: { Type: 'Succeed' },
      },
    };
    const result = parseMermaid(workflowMermaid(other));
    expect([...result.names.keys()]).toEqual(['s_end', 'a_b', 'a_b_2']);
    expect(result.edges.map((edge) => `${edge.from} -> ${edge.to}: ${edge.label}`)).toEqual([
      'end -> a-b: $.a is not null',
      "end -> a_b: $.n >= 2 or $.s == 'x y'",
      'end -> a-b: otherwise',
      'a-b -> a_b: ',
    ]);
    expect(xmlProblems(await workflowSvg(other))).toEqual([]);
  });
});

describe('one execution on the diagram', () => {
  let retried: ExecutionView;
  let caught: ExecutionView;

  beforeAll(async () => {
    // Private CA republishes after a few checks: CheckCrlRepublished is retried, then succeeds.
    retried = executionView((await runScenario(event('crl-s3-internal-failure.json'), account('crl-internal-failure'))).execution.history);
    // It never does, and the retries run out: the Catch takes CrlNotYetPublished to RecordOutcome.
    const never = account('crl-internal-failure');
    never.certificateAuthorities[0].Simulation.CrlInternalFailureUntil = 'forever';
    const run = await runScenario(event('crl-s3-internal-failure.json'), never, { env: { CRL_RECOVERY_WINDOW_MINUTES: '100000' } });
    caught = executionView(run.execution.history);
  });

  it('marks exactly the visited states, the retried one as retried, and draws the edges taken', () => {
    const parsed = parseMermaid(executionMermaid(definition, retried));
    const visited = new Set(retried.states.map((state) => state.name));
    expect(visited).toContain('CheckCrlRepublished');
    expect([...parsed.classes.get('visited')!].sort()).toEqual([...visited].sort());
    expect([...parsed.classes.get('retried')!]).toEqual(['CheckCrlRepublished']);
    expect(parsed.classes.has('failed')).toBe(false);
    const styled = parsed.linkStyle.map((index) => parsed.edges[index]!);
    for (let i = 0; i + 1 < retried.states.length; i++) {
      const [from, to] = [retried.states[i]!.name, retried.states[i + 1]!.name];
      expect(
        styled.some((edge) => edge.from === from && edge.to === to && edge.arrow === '-->'),
        `${from} → ${to}`,
      ).toBe(true);
    }
    expect(styled.filter((edge) => edge.from === edge.to).map((edge) => edge.from)).toEqual(['CheckCrlRepublished']);
    expect(styled.filter((edge) => edge.arrow === '-.->')).toEqual([]);
    // The diagram under the marks is the workflow's.
    expect(parseMermaid(executionMermaid(definition, retried)).edges).toEqual(parseMermaid(workflowMermaid(definition)).edges);
  });

  it('marks a state whose error was caught as failed, and the catch edge as taken', () => {
    const parsed = parseMermaid(executionMermaid(definition, caught));
    const state = caught.states.find((item) => item.name === 'CheckCrlRepublished')!;
    expect(state.caught?.error).toBe('CrlNotYetPublished');
    expect([...parsed.classes.get('failed')!]).toEqual(['CheckCrlRepublished']);
    expect([...parsed.classes.get('retried')!]).toEqual(['CheckCrlRepublished']);
    const styled = parsed.linkStyle.map((index) => parsed.edges[index]!);
    expect(styled).toContainEqual({ from: 'CheckCrlRepublished', to: 'RecordOutcome', arrow: '-.->', label: 'catch CrlNotYetPublished, States.ALL' });
    expect(styled.some((edge) => edge.from === 'CheckCrlRepublished' && edge.to === 'RecordOutcome' && edge.arrow === '-->')).toBe(false);
  });

  it('colors the same states in the SVG and adds a legend', async () => {
    const svg = await workflowSvg(definition, caught);
    expect(xmlProblems(svg)).toEqual([]);
    const fills = svgFills(svg);
    const visited = new Set(caught.states.map((state) => state.name));
    for (const name of Object.keys(definition.States)) {
      const expected = name === 'CheckCrlRepublished' ? '#ffebe9' : visited.has(name) ? '#dafbe1' : '#ffffff';
      expect(fills.get(name), name).toBe(expected);
    }
    expect(svgFills(await workflowSvg(definition, retried)).get('CheckCrlRepublished')).toBe('#fff8c5');
    for (const entry of ['visited', 'retried', 'caught an error or failed', 'not visited', 'path taken']) expect(svg).toContain(`>${entry}</text>`);
    // The edges taken are drawn in the path colour: as many as the marks say, the catch among them.
    const taken = svg
      .split('<g id="edge')
      .slice(1)
      .filter((group) => /^\d+" class="edge taken">/.test(group));
    expect(taken.length).toBeGreaterThan(3);
    for (const group of taken) expect(group).toMatch(/<path fill="none" stroke="#1a7f37" stroke-width="2.5"/);
    expect(taken.some((group) => /<title>CheckCrlRepublished&#45;&gt;RecordOutcome<\/title>[\s\S]*stroke-dasharray/.test(group))).toBe(true);
    expect(svg).toContain('One execution: ');
  });

  it('lays out the path of an execution without a label over another label, a state or an edge', async () => {
    const { labels, problems } = await layoutProblems(workflowDot(definition, caught));
    expect(labels).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });
});

describe('workflowSvg', () => {
  let svg: string;
  beforeAll(async () => {
    svg = await workflowSvg(definition);
  });

  it('is well-formed XML with a white background, sized to fit', () => {
    expect(xmlProblems(svg)).toEqual([]);
    const [, width, height] = /<svg width="(\d+)pt" height="(\d+)pt"\s+viewBox="0\.00 0\.00 \1\.00 \2\.00"/.exec(svg) ?? [];
    expect(Number(width)).toBeGreaterThan(400);
    // Wider with each parallel branch the workflow grows (the follow-up after a repair added one).
    expect(Number(width)).toBeLessThan(2600);
    expect(Number(height)).toBeGreaterThan(400);
    expect(svg).toMatch(/<polygon fill="#ffffff" stroke="none" points="/);
  });

  it('draws every state with its name, and an edge with an arrowhead into each state but the start', () => {
    for (const name of Object.keys(definition.States)) expect(svg).toContain(`>${xmlText(name)}</text>`);
    expect(new Set(svgFills(svg).values())).toEqual(new Set(['#f6f8fa']));
    const edges = svg.split('class="edge">').slice(1);
    expect(edges.length).toBeGreaterThanOrEqual(Object.keys(definition.States).length - 1);
    // Graphviz draws each arrowhead as a polygon in its edge's group.
    for (const edge of edges) expect(edge.slice(0, edge.indexOf('</g>'))).toContain('<polygon');
    for (const label of ['$.classification.kind', '== CRL_S3_PERMISSION', 'otherwise', 'catch States.ALL', 'retry CrlNotYetPublished'])
      expect(svg).toContain(xmlText(label));
  });

  it('keeps edge labels off the states, off each other and off the edges', async () => {
    const { labels, problems } = await layoutProblems(workflowDot(definition));
    expect(labels).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });

  it('the check finds a label on a label, a label on a state and an edge through a label (so it can fail)', () => {
    const label = (x: number, what: string) => ({ x, y: 0, w: 40, h: 10, what });
    const problems = problemsIn({
      states: [{ x: 100, y: 5, w: 30, h: 20, what: 'state S' }],
      labels: [label(0, 'label A'), label(30, 'label B'), label(95, 'label C')],
      paths: [
        {
          what: 'X -> Y',
          points: [
            [50, -20],
            [50, 5],
            [50, 30],
          ],
        },
      ],
    });
    expect(problems).toEqual(['label A overlaps label B', 'label C overlaps state S', 'the edge X -> Y runs through label B']);
  });

  it('gives the same picture for the same definition', async () => {
    expect(await workflowSvg(structuredClone(definition))).toBe(svg);
  });
});

describe('the generated files are current (run `npm run diagram` when this fails)', () => {
  it('docs/workflow.md: the block between the diagram markers', () => {
    const page = readFileSync(new URL('docs/workflow.md', root), 'utf8');
    const block = readmeDiagram(page);
    expect(block, 'docs/workflow.md has no <!-- diagram:start --> … <!-- diagram:end --> block').not.toBeNull();
    expect(block, 'docs/workflow.md diagram is out of date: run `npm run diagram`').toBe(readmeDiagramBlock(definition, 'workflow.svg'));
    expect(block).toContain(`\`\`\`mermaid\n${workflowMermaid(definition)}\`\`\``);
    expect(block).toContain('[workflow.svg](workflow.svg)');
  });

  it('docs/workflow.mmd, docs/workflow.svg and docs/states.md', async () => {
    expect(readFileSync(new URL('docs/workflow.mmd', root), 'utf8'), 'docs/workflow.mmd is out of date: run `npm run diagram`').toBe(
      workflowMermaid(definition),
    );
    expect(readFileSync(new URL('docs/workflow.svg', root), 'utf8'), 'docs/workflow.svg is out of date: run `npm run diagram`').toBe(
      await workflowSvg(definition),
    );
    expect(readFileSync(new URL('docs/states.md', root), 'utf8'), 'docs/states.md is out of date: run `npm run diagram`').toBe(
      statesMarkdown(stateRows(loaded)),
    );
  });
});
