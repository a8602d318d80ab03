/**
 * The workflow as a picture, generated from the definition so it cannot drift from it:
 * Mermaid text for the README (and, for one execution, the same diagram with its path
 * highlighted), and a standalone SVG drawn here with a small layered layout and no
 * dependencies. `npm run diagram` writes docs/ and the README block; `npm run local --
 * <event> --diagram run.svg` (or .mmd) draws the path one execution took.
 */
import { DYNAMODB_TRANSIENT_ERRORS, LAMBDA_ERRORS } from '../lib/errors';
import type { Definition, StateDefinition } from './definition';
import type { ExecutionView } from './view';

export type EdgeKind = 'next' | 'choice' | 'default' | 'retry' | 'catch';

export interface DiagramNode {
  /** The state name, as in the definition and the execution history. */
  name: string;
  /** An id Mermaid accepts (state names may contain `?` and other punctuation). */
  id: string;
  type: string;
  /** The retry self-loop's label drawn inside the box of the SVG, if any. */
  retry?: string;
}

export interface DiagramEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** Empty for a plain Next. */
  label: string;
  /** The errors a retry loop or catch edge stands for (after leaving out `hiddenErrors`). */
  errors?: string[];
}

export interface DiagramGraph {
  startAt: string;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  hiddenErrors: readonly string[];
}

export interface DiagramOptions {
  /**
   * Errors left out of retry loops and catch labels to keep them short (the README
   * explains them in prose). Default `COMMON_ERRORS`; pass [] to draw every retrier.
   */
  hiddenErrors?: readonly string[];
}

/** Lambda service errors and function failures, AWS throttling or 5xx (AwsTransientError, and DynamoDB's own names) and timeouts. */
export const COMMON_ERRORS: readonly string[] = [...LAMBDA_ERRORS, 'AwsTransientError', ...DYNAMODB_TRANSIENT_ERRORS, 'States.Timeout'];

// ---------------------------------------------------------------------------
// The graph
// ---------------------------------------------------------------------------

/** Words Mermaid's flowchart grammar reads as keywords, never usable as node ids. */
const MERMAID_RESERVED = new Set(['end', 'graph', 'flowchart', 'subgraph', 'style', 'class', 'classdef', 'click', 'linkstyle', 'default', 'direction', 'call', 'href', 'interpolate', 'callback']);

function mermaidIds(names: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const name of names) {
    let base = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'state';
    if (/^[0-9]/.test(base) || MERMAID_RESERVED.has(base.toLowerCase())) base = `s_${base}`;
    let id = base;
    for (let n = 2; used.has(id.toLowerCase()); n++) id = `${base}_${n}`;
    used.add(id.toLowerCase());
    ids.set(name, id);
  }
  return ids;
}

/** The error names, once each, with the Lambda errors the workflow retries written `Lambda.*`. */
export function compactErrors(names: readonly string[]): string {
  const unique = [...new Set(names)];
  const allLambda = LAMBDA_ERRORS.every((name) => unique.includes(name));
  const allDynamoDb = DYNAMODB_TRANSIENT_ERRORS.every((name) => unique.includes(name));
  const out: string[] = [];
  for (const name of unique) {
    if (allLambda && (LAMBDA_ERRORS as readonly string[]).includes(name)) {
      if (!out.includes('Lambda.*')) out.push('Lambda.*');
    } else if (allDynamoDb && (DYNAMODB_TRANSIENT_ERRORS as readonly string[]).includes(name)) {
      if (!out.includes('DynamoDB throttling/5xx')) out.push('DynamoDB throttling/5xx');
    } else out.push(name);
  }
  return out.join(', ');
}

const COMPARISONS: Array<[RegExp, string]> = [
  [/^(String|Numeric|Boolean|Timestamp)Equals(Path)?$/, '=='],
  [/^(String|Numeric|Timestamp)LessThanEquals(Path)?$/, '<='],
  [/^(String|Numeric|Timestamp)GreaterThanEquals(Path)?$/, '>='],
  [/^(String|Numeric|Timestamp)LessThan(Path)?$/, '<'],
  [/^(String|Numeric|Timestamp)GreaterThan(Path)?$/, '>'],
  [/^StringMatches$/, 'matches'],
];
const TYPE_TESTS: Record<string, [string, string]> = {
  IsPresent: ['is present', 'is absent'],
  IsNull: ['is null', 'is not null'],
  IsNumeric: ['is numeric', 'is not numeric'],
  IsString: ['is a string', 'is not a string'],
  IsBoolean: ['is a boolean', 'is not a boolean'],
  IsTimestamp: ['is a timestamp', 'is not a timestamp'],
};

type Rule = Record<string, unknown>;

function formatValue(value: unknown): string {
  if (typeof value === 'string') return value === '' || /\s/.test(value) ? `'${value}'` : value;
  return JSON.stringify(value) ?? String(value);
}

/** One comparison as `variable op value`, split so Or/And can share the variable. */
function comparison(rule: Rule): { variable: string; op: string; value: string } | null {
  const variable = typeof rule.Variable === 'string' ? rule.Variable : '?';
  for (const [key, value] of Object.entries(rule)) {
    if (key === 'Variable' || key === 'Next') continue;
    const tests = TYPE_TESTS[key];
    if (tests) return { variable, op: value === false ? tests[1] : tests[0], value: '' };
    const match = COMPARISONS.find(([pattern]) => pattern.test(key));
    if (match) return { variable, op: match[1], value: formatValue(value) };
  }
  return null;
}

function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A short readable form of a Choice rule: `$.target.kind == CRL_S3_PERMISSION`. */
export function ruleLabel(rule: Rule): string {
  const compound = (key: 'And' | 'Or'): string | null => {
    const rules = rule[key];
    if (!Array.isArray(rules)) return null;
    const word = key === 'And' ? 'and' : 'or';
    const parts = rules.map((inner: Rule) => ({ inner, simple: comparison(inner) }));
    // `$.x == A or B` when every branch compares the same variable the same way.
    const first = parts[0]?.simple;
    if (first && first.value !== '' && parts.every((part) => part.simple && !part.inner.And && !part.inner.Or && !part.inner.Not && part.simple.variable === first.variable && part.simple.op === first.op)) {
      return `${first.variable} ${first.op} ${parts.map((part) => part.simple!.value).join(` ${word} `)}`;
    }
    return parts.map((part) => (part.inner.And || part.inner.Or ? `(${ruleLabel(part.inner)})` : ruleLabel(part.inner))).join(` ${word} `);
  };
  const label = compound('And') ?? compound('Or');
  if (label !== null) return label;
  if (rule.Not && typeof rule.Not === 'object') {
    const inner = rule.Not as Rule;
    const simple = inner.And || inner.Or || inner.Not ? null : comparison(inner);
    const negated = simple && (simple.op === '==' ? '!=' : Object.values(TYPE_TESTS).find(([yes, no]) => simple.op === yes || simple.op === no));
    if (simple && negated) {
      const op = typeof negated === 'string' ? negated : simple.op === negated[0] ? negated[1] : negated[0];
      return simple.value === '' ? `${simple.variable} ${op}` : `${simple.variable} ${op} ${simple.value}`;
    }
    return `not (${ruleLabel(inner)})`;
  }
  if (typeof rule.Condition === 'string') return clip(rule.Condition.replace(/^\{%\s*|\s*%\}$/g, ''), 60);
  const simple = comparison(rule);
  if (!simple) return 'rule';
  return simple.value === '' ? `${simple.variable} ${simple.op}` : `${simple.variable} ${simple.op} ${simple.value}`;
}

interface Catcher {
  ErrorEquals?: string[];
  Next?: string;
}

/** States and edges of the definition, in definition order (StartAt first). */
export function workflowGraph(definition: Definition, options: DiagramOptions = {}): DiagramGraph {
  const hidden = options.hiddenErrors ?? COMMON_ERRORS;
  const names = Object.keys(definition.States);
  if (!names.includes(definition.StartAt)) throw new Error(`StartAt ${definition.StartAt} is not a state`);
  const ordered = [definition.StartAt, ...names.filter((name) => name !== definition.StartAt)];
  const ids = mermaidIds(ordered);
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const target = (from: string, to: unknown): string => {
    if (typeof to !== 'string' || !(to in definition.States)) throw new Error(`state ${from}: ${String(to)} is not a state`);
    return to;
  };
  const visible = (errors: string[]) => errors.filter((name) => !hidden.includes(name));

  for (const name of ordered) {
    const state = definition.States[name] as StateDefinition;
    const node: DiagramNode = { name, id: ids.get(name)!, type: state.Type };
    nodes.push(node);
    if (state.Type === 'Choice') {
      for (const rule of (state.Choices as Rule[] | undefined) ?? []) edges.push({ from: name, to: target(name, rule.Next), kind: 'choice', label: clip(ruleLabel(rule)) });
      if (state.Default !== undefined) edges.push({ from: name, to: target(name, state.Default), kind: 'default', label: 'otherwise' });
    }
    if (state.Next !== undefined) edges.push({ from: name, to: target(name, state.Next), kind: 'next', label: '' });
    const retried = visible((state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals ?? []));
    if (retried.length > 0) {
      node.retry = `retry ${compactErrors(retried)}`;
      edges.push({ from: name, to: name, kind: 'retry', label: node.retry, errors: [...new Set(retried)] });
    }
    // One catch edge per target: every error that leads there.
    const byTarget = new Map<string, string[]>();
    for (const catcher of (state.Catch as Catcher[] | undefined) ?? []) {
      const to = target(name, catcher.Next);
      byTarget.set(to, [...(byTarget.get(to) ?? []), ...(catcher.ErrorEquals ?? [])]);
    }
    for (const [to, errors] of byTarget) {
      const shown = visible(errors).length > 0 ? visible(errors) : errors;
      edges.push({ from: name, to, kind: 'catch', label: `catch ${compactErrors(shown)}`, errors: [...new Set(errors)] });
    }
  }
  return { startAt: definition.StartAt, nodes, edges, hiddenErrors: hidden };
}

// ---------------------------------------------------------------------------
// Mermaid
// ---------------------------------------------------------------------------

/** Mermaid's own escapes (`#quot;` and friends) inside a quoted label. */
function mermaidText(text: string): string {
  return text.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

function mermaidNode(node: DiagramNode): string {
  const label = `"${mermaidText(node.name)}"`;
  switch (node.type) {
    case 'Choice':
      return `${node.id}{${label}}`;
    case 'Wait':
      return `${node.id}{{${label}}}`;
    case 'Succeed':
    case 'Fail':
      return `${node.id}([${label}])`;
    case 'Parallel':
    case 'Map':
      return `${node.id}[[${label}]]`;
    case 'Pass':
      return `${node.id}[/${label}/]`;
    default:
      return `${node.id}[${label}]`;
  }
}

function mermaidLines(graph: DiagramGraph, about: string): string[] {
  const id = new Map(graph.nodes.map((node) => [node.name, node.id]));
  const lines = ['flowchart TD', `  %% ${about}`];
  if (graph.hiddenErrors.length > 0) lines.push(`  %% Retry loops and catch labels leave out ${compactErrors(graph.hiddenErrors)}.`);
  for (const node of graph.nodes) lines.push(`  ${mermaidNode(node)}`);
  for (const edge of graph.edges) {
    const arrow = edge.kind === 'catch' ? '-.->' : '-->';
    const label = edge.label ? `|"${mermaidText(edge.label)}"|` : '';
    lines.push(`  ${id.get(edge.from)} ${arrow}${label} ${id.get(edge.to)}`);
  }
  return lines;
}

/** Mermaid `flowchart TD` text of the definition. Same definition, same text. */
export function workflowMermaid(definition: Definition, options: DiagramOptions = {}): string {
  return `${mermaidLines(workflowGraph(definition, options), 'Generated from the state machine definition by `npm run diagram`; do not edit by hand.').join('\n')}\n`;
}

// ---------------------------------------------------------------------------
// One execution on the graph
// ---------------------------------------------------------------------------

export type Mark = 'visited' | 'retried' | 'failed';

export interface ExecutionMarks {
  /** Every state the execution entered. */
  visited: Set<string>;
  /** States with more than one attempt in some visit. */
  retried: Set<string>;
  /** States where an error was caught or the execution ended failed. */
  failed: Set<string>;
  /** Indexes into `graph.edges` of the edges the execution took. */
  edges: Set<number>;
}

/** Which states and edges of `graph` one execution went through. */
export function executionMarks(graph: DiagramGraph, view: ExecutionView): ExecutionMarks {
  const known = new Set(graph.nodes.map((node) => node.name));
  const marks: ExecutionMarks = { visited: new Set(), retried: new Set(), failed: new Set(), edges: new Set() };
  view.states.forEach((state, index) => {
    if (!known.has(state.name)) return;
    marks.visited.add(state.name);
    if (state.attempts.length > 1) {
      marks.retried.add(state.name);
      const errors = new Set(state.attempts.slice(0, -1).flatMap((attempt) => (attempt.error ? [attempt.error.error] : [])));
      graph.edges.forEach((edge, at) => {
        if (edge.kind === 'retry' && edge.from === state.name && edge.errors?.some((name) => errors.has(name) || name === 'States.ALL')) marks.edges.add(at);
      });
    }
    if (state.failed || state.caught) marks.failed.add(state.name);
    const next = view.states[index + 1];
    if (!next) return;
    const candidates = graph.edges.map((edge, at) => ({ edge, at })).filter(({ edge }) => edge.kind !== 'retry' && edge.from === state.name && edge.to === next.name);
    const wanted = candidates.filter(({ edge }) => (edge.kind === 'catch') === (state.caught !== null));
    for (const { at } of wanted.length > 0 ? wanted : candidates) marks.edges.add(at);
  });
  return marks;
}

export const MARK_COLORS: Record<Mark, { fill: string; stroke: string }> = {
  visited: { fill: '#dafbe1', stroke: '#1a7f37' },
  retried: { fill: '#fff8c5', stroke: '#9a6700' },
  failed: { fill: '#ffebe9', stroke: '#cf222e' },
};
const TAKEN_COLOR = '#1a7f37';

/**
 * The workflow diagram with the path of one execution: every visited state in class
 * `visited`, retried states also in `retried`, states that caught an error or failed
 * also in `failed` (later classes win), and the edges taken drawn thick.
 */
export function executionMermaid(definition: Definition, view: ExecutionView, options: DiagramOptions = {}): string {
  const graph = workflowGraph(definition, options);
  const marks = executionMarks(graph, view);
  const ids = (names: Set<string>) => graph.nodes.filter((node) => names.has(node.name)).map((node) => node.id);
  const lines = mermaidLines(graph, `The path of one execution (${view.status}${view.error ? `: ${view.error.error}` : ''}), drawn from the state machine definition.`);
  for (const mark of ['visited', 'retried', 'failed'] as const) {
    lines.push(`  classDef ${mark} fill:${MARK_COLORS[mark].fill},stroke:${MARK_COLORS[mark].stroke},stroke-width:2px,color:#1f2328`);
  }
  for (const mark of ['visited', 'retried', 'failed'] as const) {
    const members = ids(marks[mark]);
    if (members.length > 0) lines.push(`  class ${members.join(',')} ${mark}`);
  }
  if (marks.edges.size > 0) lines.push(`  linkStyle ${[...marks.edges].sort((a, b) => a - b).join(',')} stroke:${TAKEN_COLOR},stroke-width:3px`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------
// SVG: a layered layout (Sugiyama, much simplified)
// ---------------------------------------------------------------------------

const FONT = 'Helvetica, Arial, sans-serif';
const NODE_FONT = 13;
const SMALL_FONT = 10.5;
const LABEL_FONT = 10;
const LABEL_LINE = 12;

/** Helvetica/Arial advance widths (per 1000 em) for the characters state names and rules use. */
const GLYPHS: Record<string, number> = (() => {
  const widths: Record<string, number> = {};
  const set = (chars: string, width: number) => {
    for (const char of chars) widths[char] = width;
  };
  set('abdeghnopqu0123456789$?_#', 556);
  set('cksvxyzJ', 500);
  set('fjt/[]:;., !I', 278);
  set('il', 222);
  set('r-()', 333);
  set('mM', 833);
  set('ABEKPSVXY&', 667);
  set('CDHNRUw', 722);
  set('FTZ', 611);
  set('GOQ', 778);
  set('L', 556);
  set('W', 944);
  set('=<>+|', 584);
  set('*', 389);
  set('\'"', 260);
  return widths;
})();

function textWidth(text: string, size: number): number {
  let total = 0;
  for (const char of text) total += GLYPHS[char] ?? 600;
  return (total / 1000) * size * 1.04;
}

/** Greedy word wrap of an edge label to lines of at most `max` characters. */
function wrap(text: string, max = 26): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && `${last} ${word}`.length <= max) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function labelBox(lines: string[], cx: number, cy: number): Box {
  const w = Math.max(...lines.map((line) => textWidth(line, LABEL_FONT))) + 6;
  const h = lines.length * LABEL_LINE + 2;
  return { x: cx - w / 2, y: cy - h / 2, w, h };
}

interface LayoutNode {
  key: string;
  layer: number;
  x: number;
  y: number;
  w: number;
  h: number;
  node?: DiagramNode;
  /** For a point of a bundle of long edges: the bundle's key. */
  bundle?: string;
  /** For a point of a bundle: the state the bundle leads to. */
  target?: string;
  /** A rail: a bundle many edges join, kept straight at the left (next) or right (catch) side. */
  pinned?: 'left' | 'right';
  up: string[];
  down: string[];
}

/** A drawn piece between two adjacent layers. */
interface Segment {
  from: string;
  to: string;
  dashed: boolean;
  arrow: boolean;
  label: string;
  /** Indexes of the graph edges drawn (in part) by this segment. */
  edges: number[];
}

const r1 = (n: number) => {
  const value = Math.round(n * 10) / 10;
  return Object.is(value, -0) ? '0' : String(value);
};

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Minimize Σ (x_i − desired_i)² keeping x_{i+1} − x_i ≥ gaps[i] (pool adjacent violators). */
function placeInOrder(desired: number[], gaps: number[]): number[] {
  const offsets: number[] = [0];
  for (let i = 1; i < desired.length; i++) offsets.push(offsets[i - 1]! + gaps[i - 1]!);
  const blocks: Array<{ sum: number; count: number }> = [];
  for (let i = 0; i < desired.length; i++) {
    blocks.push({ sum: desired[i]! - offsets[i]!, count: 1 });
    while (blocks.length > 1) {
      const last = blocks.at(-1)!;
      const prev = blocks.at(-2)!;
      if (prev.sum / prev.count <= last.sum / last.count) break;
      blocks.pop();
      prev.sum += last.sum;
      prev.count += last.count;
    }
  }
  const out: number[] = [];
  for (const block of blocks) for (let k = 0; k < block.count; k++) out.push(block.sum / block.count + offsets[out.length]!);
  return out;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const LAYER_GAP = 44;
const LABELLED_LAYER_GAP = 66;
const NODE_GAP = 30;
const POINT_GAP = 14;
const MARGIN = 16;

function nodeSize(node: DiagramNode): { w: number; h: number } {
  const text = Math.max(textWidth(node.name, NODE_FONT), node.retry ? textWidth(`↻ ${node.retry}`, SMALL_FONT) : 0);
  const h = node.retry ? 46 : 34;
  switch (node.type) {
    case 'Choice':
      return { w: text + 44, h };
    case 'Succeed':
    case 'Fail':
      return { w: text + h, h };
    case 'Wait':
      return { w: text + 44, h };
    default:
      return { w: text + 26, h };
  }
}

interface BackRoute {
  /** Index of the edge in the graph. */
  index: number;
  side: 'left' | 'right';
  /** The vertical part's x. */
  x: number;
  top: number;
  bottom: number;
  /** The farthest x the route or its label reaches. */
  outer: number;
  label: { box: Box; lines: string[] } | null;
}

interface Layout {
  graph: DiagramGraph;
  nodes: Map<string, LayoutNode>;
  layers: LayoutNode[][];
  segments: Segment[];
  routes: BackRoute[];
  loops: number[];
  layerTop: number[];
  layerHeight: number[];
}

function layout(graph: DiagramGraph): Layout {
  const names = graph.nodes.map((node) => node.name);
  const out = new Map<string, number[]>(names.map((name) => [name, []]));
  graph.edges.forEach((edge, index) => {
    if (edge.kind !== 'retry' && edge.from !== edge.to) out.get(edge.from)!.push(index);
  });
  // Back edges: those that reach a state still on the DFS stack.
  const back = new Set<number>();
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string) => {
    state.set(name, 'open');
    for (const index of out.get(name)!) {
      const to = graph.edges[index]!.to;
      if (state.get(to) === 'open') back.add(index);
      else if (!state.has(to)) visit(to);
    }
    state.set(name, 'done');
  };
  for (const name of [graph.startAt, ...names]) if (!state.has(name)) visit(name);
  const forward = graph.edges.map((edge, index) => ({ edge, index })).filter(({ edge, index }) => edge.kind !== 'retry' && edge.from !== edge.to && !back.has(index));

  // Layers: the longest path from the start over forward edges.
  const layerOf = new Map<string, number>(names.map((name) => [name, 0]));
  const indegree = new Map<string, number>(names.map((name) => [name, 0]));
  for (const { edge } of forward) indegree.set(edge.to, indegree.get(edge.to)! + 1);
  const queue = names.filter((name) => indegree.get(name) === 0);
  while (queue.length > 0) {
    const name = queue.shift()!;
    for (const { edge } of forward.filter(({ edge }) => edge.from === name)) {
      layerOf.set(edge.to, Math.max(layerOf.get(edge.to)!, layerOf.get(name)! + 1));
      indegree.set(edge.to, indegree.get(edge.to)! - 1);
      if (indegree.get(edge.to) === 0) queue.push(edge.to);
    }
  }

  const nodes = new Map<string, LayoutNode>();
  for (const node of graph.nodes) nodes.set(node.name, { key: node.name, layer: layerOf.get(node.name)!, x: 0, y: 0, ...nodeSize(node), node, up: [], down: [] });
  const segments: Segment[] = [];
  const segmentAt = new Map<string, Segment>();
  const addSegment = (from: string, to: string, dashed: boolean, arrow: boolean, label: string, edge: number) => {
    const key = `${from}\u0000${to}\u0000${dashed}\u0000${arrow}`;
    const existing = segmentAt.get(key);
    // Segments in a bundle are shared; direct edges between two states are not.
    if (existing && (!arrow || nodes.get(from)!.bundle)) {
      if (label && !existing.label.split('; ').includes(label)) existing.label = existing.label ? `${existing.label}; ${label}` : label;
      existing.edges.push(edge);
      return;
    }
    const segment: Segment = { from, to, dashed, arrow, label, edges: [edge] };
    segments.push(segment);
    if (!existing) segmentAt.set(key, segment);
    nodes.get(from)!.down.push(to);
    nodes.get(to)!.up.push(from);
  };
  // Long edges to the same state in the same style share one bundle of points, one per
  // layer they pass, so the many edges into RecordOutcome merge instead of fanning in.
  for (const { edge, index } of forward) {
    const from = layerOf.get(edge.from)!;
    const to = layerOf.get(edge.to)!;
    const dashed = edge.kind === 'catch';
    if (to - from === 1) {
      addSegment(edge.from, edge.to, dashed, true, edge.label, index);
      continue;
    }
    const bundle = `${edge.to}\u0000${dashed ? 'catch' : 'next'}`;
    const point = (layer: number) => `${bundle}\u0000${layer}`;
    for (let layer = from + 1; layer < to; layer++) {
      if (!nodes.has(point(layer))) nodes.set(point(layer), { key: point(layer), layer, x: 0, y: 0, w: 0, h: 0, bundle, target: edge.to, up: [], down: [] });
    }
    addSegment(edge.from, point(from + 1), dashed, false, edge.label, index);
    for (let layer = from + 1; layer < to - 1; layer++) addSegment(point(layer), point(layer + 1), dashed, false, '', index);
    addSegment(point(to - 1), edge.to, dashed, true, '', index);
  }
  // The chain inside a bundle was added once per member; keep each link once.
  for (const node of nodes.values()) {
    node.up = [...new Set(node.up)];
    node.down = [...new Set(node.down)];
  }
  // A bundle three or more edges join becomes a rail at the side: next edges on the left,
  // catches on the right. Smaller bundles run between the states like any edge.
  const bundles = new Map<string, LayoutNode[]>();
  for (const node of nodes.values()) if (node.bundle) bundles.set(node.bundle, [...(bundles.get(node.bundle) ?? []), node]);
  const ends = new Map<string, string[]>();
  for (const [bundle, points] of bundles) {
    const members = new Set(segments.filter((segment) => points.some((point) => point.key === segment.to)).flatMap((segment) => segment.edges));
    const joins = segments.filter((segment) => !nodes.get(segment.from)!.bundle && points.some((point) => point.key === segment.to)).map((segment) => segment.from);
    ends.set(bundle, [...joins, points[0]!.target!]);
    if (members.size >= 3) for (const point of points) point.pinned = bundle.endsWith('\u0000catch') ? 'right' : 'left';
  }

  // Order within layers: first seen in a DFS from the start, then barycenter sweeps.
  const depth = Math.max(...[...nodes.values()].map((node) => node.layer)) + 1;
  const layers: LayoutNode[][] = Array.from({ length: depth }, () => []);
  const seen = new Set<string>();
  const place = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    layers[nodes.get(key)!.layer]!.push(nodes.get(key)!);
    for (const next of nodes.get(key)!.down) place(next);
  };
  for (const name of [graph.startAt, ...names]) place(name);
  for (const node of nodes.values()) place(node.key);
  const side = (node: LayoutNode) => (node.pinned === 'left' ? -1 : node.pinned === 'right' ? 1 : 0);
  const pinLast = (layer: LayoutNode[]) => layer.sort((a, b) => side(a) - side(b));
  layers.forEach(pinLast);
  const crossings = () => {
    let count = 0;
    for (let l = 0; l + 1 < layers.length; l++) {
      const below = new Map(layers[l + 1]!.map((node, index) => [node.key, index]));
      const pairs = layers[l]!.flatMap((node, index) => node.down.map((key) => [index, below.get(key)!] as const));
      for (let i = 0; i < pairs.length; i++) for (let j = i + 1; j < pairs.length; j++) if ((pairs[i]![0] - pairs[j]![0]) * (pairs[i]![1] - pairs[j]![1]) < 0) count++;
    }
    return count;
  };
  const sweep = (downward: boolean) => {
    const order = downward ? layers.map((_, l) => l).slice(1) : layers.map((_, l) => l).slice(0, -1).reverse();
    for (const l of order) {
      const neighbor = new Map(layers[downward ? l - 1 : l + 1]!.map((node, index) => [node.key, index]));
      const key = new Map(layers[l]!.map((node, index) => {
        const positions = (downward ? node.up : node.down).map((k) => neighbor.get(k)!);
        return [node.key, positions.length ? positions.reduce((a, b) => a + b, 0) / positions.length : index] as const;
      }));
      layers[l]!.sort((a, b) => key.get(a.key)! - key.get(b.key)!);
      pinLast(layers[l]!);
    }
  };
  let best = layers.map((layer) => [...layer]);
  let bestCount = crossings();
  for (let round = 0; round < 6; round++) {
    sweep(round % 2 === 0);
    const count = crossings();
    if (count < bestCount) {
      best = layers.map((layer) => [...layer]);
      bestCount = count;
    }
  }
  best.forEach((layer, l) => (layers[l] = layer));

  // Vertical positions: a taller gap above layers that edge labels enter.
  const labelledInto = new Set(segments.filter((segment) => segment.label).map((segment) => nodes.get(segment.to)!.layer));
  const layerHeight = layers.map((layer) => Math.max(0, ...layer.map((node) => node.h)));
  const layerTop: number[] = [];
  let y = 0;
  layers.forEach((_, l) => {
    if (l > 0) y += labelledInto.has(l) ? LABELLED_LAYER_GAP : LAYER_GAP;
    layerTop.push(y);
    for (const node of layers[l]!) node.y = y + layerHeight[l]! / 2;
    y += layerHeight[l]!;
  });

  // Horizontal positions: pack, then pull each node towards the median of its neighbors.
  const gap = (a: LayoutNode, b: LayoutNode) => a.w / 2 + b.w / 2 + (a.node && b.node ? NODE_GAP : POINT_GAP) + (a.node?.retry ? 16 : 0);
  for (const layer of layers) {
    let x = 0;
    layer.forEach((node, index) => {
      if (index > 0) x += gap(layer[index - 1]!, node);
      node.x = x;
    });
  }
  const pull = (node: LayoutNode, direction: 'up' | 'down' | 'both'): number => {
    if (node.pinned) return node.x;
    // A bundle stays straight, in the middle of the states it joins.
    if (node.bundle) return median(ends.get(node.bundle)!.map((key) => nodes.get(key)!.x)) ?? node.x;
    const keys = (direction === 'up' ? node.up : direction === 'down' ? node.down : [...node.up, ...node.down]).filter((key) => !nodes.get(key)!.pinned);
    return median(keys.map((key) => nodes.get(key)!.x)) ?? node.x;
  };
  for (let round = 0; round < 24; round++) {
    const direction = round % 3 === 0 ? 'up' : round % 3 === 1 ? 'down' : 'both';
    const order = direction === 'down' ? layers.map((_, l) => l).reverse() : layers.map((_, l) => l);
    for (const l of order) {
      const layer = layers[l]!;
      const xs = placeInOrder(layer.map((node) => pull(node, direction)), layer.slice(1).map((node, index) => gap(layer[index]!, node)));
      layer.forEach((node, index) => (node.x = xs[index]!));
    }
  }

  // Edges back up run beside the states they pass, on the side nearer to both ends.
  const extent = (node: LayoutNode) => ({ left: node.x - node.w / 2, right: node.x + node.w / 2 + (node.node?.retry ? 22 : 0) });
  const routes: BackRoute[] = [];
  for (const index of [...back].sort((a, b) => a - b)) {
    const edge = graph.edges[index]!;
    const a = nodes.get(edge.from)!;
    const b = nodes.get(edge.to)!;
    const between = [...nodes.values()].filter((node) => node.node && node.layer >= Math.min(a.layer, b.layer) && node.layer <= Math.max(a.layer, b.layer));
    const others = routes.filter((route) => route.top < Math.max(a.y, b.y) && route.bottom > Math.min(a.y, b.y));
    const minX = Math.min(...between.map((node) => extent(node).left), ...others.filter((route) => route.side === 'left').map((route) => route.outer));
    const maxX = Math.max(...between.map((node) => extent(node).right), ...others.filter((route) => route.side === 'right').map((route) => route.outer));
    const onLeft = a.x - minX + (b.x - minX) <= maxX - a.x + (maxX - b.x);
    const x = onLeft ? minX - 22 : maxX + 22;
    const route: BackRoute = { index, side: onLeft ? 'left' : 'right', x, top: Math.min(a.y, b.y), bottom: Math.max(a.y, b.y), outer: x, label: null };
    if (edge.label) {
      const lines = wrap(edge.label, 24);
      const box = labelBox(lines, 0, (a.y + b.y) / 2);
      box.x = onLeft ? x - 6 - box.w : x + 6;
      route.label = { box, lines };
      route.outer = onLeft ? box.x : box.x + box.w;
    }
    routes.push(route);
  }
  // Rails outside everything in the layers they pass.
  const railCount = { left: 0, right: 0 };
  for (const points of bundles.values()) {
    const pinned = points[0]!.pinned;
    if (!pinned) continue;
    const top = Math.min(...points.map((point) => point.y));
    const bottom = Math.max(...points.map((point) => point.y));
    const layersPassed = new Set(points.map((point) => point.layer));
    const inside = [...nodes.values()].filter((node) => !node.pinned && layersPassed.has(node.layer));
    const beside = routes.filter((route) => route.top <= bottom && route.bottom >= top);
    const offset = 24 + 12 * railCount[pinned]++;
    const x = pinned === 'left'
      ? Math.min(...inside.map((node) => extent(node).left), ...beside.map((route) => Math.min(route.x, route.outer))) - offset
      : Math.max(...inside.map((node) => extent(node).right), ...beside.map((route) => Math.max(route.x, route.outer))) + offset;
    for (const point of points) point.x = x;
  }
  const loops = graph.edges.map((edge, index) => ({ edge, index })).filter(({ edge }) => edge.from === edge.to).map(({ index }) => index);
  return { graph, nodes, layers, segments, routes, loops, layerTop, layerHeight };
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Point of the vertical-tangent cubic from p to q at parameter t. */
function curvePoint(p: { x: number; y: number }, q: { x: number; y: number }, t: number): { x: number; y: number } {
  const s = 3 * t * t - 2 * t * t * t;
  const v = 1.5 * t * (1 - t) + t * t * t;
  return { x: p.x + (q.x - p.x) * s, y: p.y + (q.y - p.y) * v };
}

function nodeShape(node: LayoutNode, fill: string, stroke: string, width: number): string {
  const { x, y, w, h } = node;
  const left = x - w / 2;
  const top = y - h / 2;
  const style = `fill="${fill}" stroke="${stroke}" stroke-width="${width}"`;
  switch (node.node!.type) {
    case 'Choice': {
      const d = 16;
      return `<polygon points="${[[left, y], [left + d, top], [left + w - d, top], [left + w, y], [left + w - d, top + h], [left + d, top + h]].map(([px, py]) => `${r1(px!)},${r1(py!)}`).join(' ')}" ${style}/>`;
    }
    case 'Wait': {
      const cx = left + 16;
      return `<rect x="${r1(left)}" y="${r1(top)}" width="${r1(w)}" height="${r1(h)}" rx="4" ${style}/><circle cx="${r1(cx)}" cy="${r1(y)}" r="6.5" fill="none" stroke="${stroke}" stroke-width="1.2"/><path d="M${r1(cx)},${r1(y - 4)} V${r1(y)} H${r1(cx + 3)}" fill="none" stroke="${stroke}" stroke-width="1.2"/>`;
    }
    case 'Succeed':
    case 'Fail': {
      const inner = node.node!.type === 'Fail' ? `<rect x="${r1(left + 3)}" y="${r1(top + 3)}" width="${r1(w - 6)}" height="${r1(h - 6)}" rx="${r1((h - 6) / 2)}" fill="none" stroke="${stroke}" stroke-width="1"/>` : '';
      return `<rect x="${r1(left)}" y="${r1(top)}" width="${r1(w)}" height="${r1(h)}" rx="${r1(h / 2)}" ${style}/>${inner}`;
    }
    default:
      return `<rect x="${r1(left)}" y="${r1(top)}" width="${r1(w)}" height="${r1(h)}" rx="4" ${style}/>`;
  }
}

/**
 * The workflow as a standalone SVG: states in layers from StartAt down, choices as
 * pointed boxes, catches dashed, long edges into the same state merged into one line,
 * loops back drawn on the side, retries as a loop with its errors in the box. With
 * `view`, the states and edges one execution went through are colored, with a legend.
 */
export function workflowSvg(definition: Definition, view?: ExecutionView, options: DiagramOptions = {}): string {
  const graph = workflowGraph(definition, options);
  const { nodes, segments, routes, loops, layerTop, layerHeight } = layout(graph);
  const marks = view ? executionMarks(graph, view) : null;
  const taken = (edges: number[]) => !!marks && edges.some((index) => marks.edges.has(index));
  const real = [...nodes.values()].filter((node) => node.node);

  // Ports: the edges leaving (entering) a state spread a little along its bottom (top).
  const ports = new Map<Segment, { from: { x: number; y: number }; to: { x: number; y: number } }>();
  const spread = (node: LayoutNode, list: Segment[], end: 'from' | 'to') => {
    const other = (segment: Segment) => nodes.get(end === 'from' ? segment.to : segment.from)!.x;
    const sorted = [...list].sort((a, b) => other(a) - other(b));
    const usable = node.node ? Math.max(0, node.w - (node.node.type === 'Choice' ? 40 : node.h)) : 0;
    const step = sorted.length > 1 ? Math.min(14, usable / (sorted.length - 1)) : 0;
    sorted.forEach((segment, index) => {
      const point = { x: node.x + (index - (sorted.length - 1) / 2) * step, y: node.y + (end === 'from' ? node.h / 2 : -node.h / 2) };
      const entry = ports.get(segment) ?? { from: { x: 0, y: 0 }, to: { x: 0, y: 0 } };
      entry[end] = point;
      ports.set(segment, entry);
    });
  };
  for (const node of nodes.values()) {
    spread(node, segments.filter((segment) => segment.from === node.key), 'from');
    spread(node, segments.filter((segment) => segment.to === node.key), 'to');
  }

  const obstacles: Box[] = real.map((node) => ({ x: node.x - node.w / 2 - 2, y: node.y - node.h / 2 - 2, w: node.w + 4, h: node.h + 4 }));
  const labels: Array<{ box: Box; lines: string[]; color: string }> = [];
  const placeLabel = (lines: string[], candidates: Array<{ x: number; y: number }>, color: string) => {
    let best: { box: Box; score: number } | null = null;
    for (const at of candidates) {
      const box = labelBox(lines, at.x, at.y);
      const score = [...obstacles, ...labels.map((label) => label.box)].filter((other) => overlaps(box, other)).length;
      if (!best || score < best.score) best = { box, score };
      if (score === 0) break;
    }
    labels.push({ box: best!.box, lines, color });
  };

  const edgeParts: string[] = [];
  const takenParts: string[] = [];
  const stroke = (isTaken: boolean, dashed: boolean, arrow: boolean) =>
    `fill="none" stroke="${isTaken ? TAKEN_COLOR : dashed ? '#8c959f' : '#57606a'}" stroke-width="${isTaken ? 2.5 : dashed ? 1.1 : 1.3}"${dashed ? ' stroke-dasharray="5 4"' : ''}${arrow ? ` marker-end="url(#${isTaken ? 'arrow-taken' : dashed ? 'arrow-light' : 'arrow'})"` : ''}`;

  for (const segment of segments) {
    const { from, to } = ports.get(segment)!;
    const mid = (from.y + to.y) / 2;
    const end = segment.arrow ? { x: to.x, y: to.y - 1 } : to;
    const d = `M${r1(from.x)},${r1(from.y)} C${r1(from.x)},${r1(mid)} ${r1(end.x)},${r1(mid)} ${r1(end.x)},${r1(end.y)}`;
    const isTaken = taken(segment.edges);
    (isTaken ? takenParts : edgeParts).push(`<path d="${d}" ${stroke(isTaken, segment.dashed, segment.arrow)}/>`);
  }
  // Labels after every segment is known, nearest the far end first, away from boxes.
  for (const segment of segments) {
    if (!segment.label) continue;
    const { from, to } = ports.get(segment)!;
    const lines = wrap(segment.label);
    // On the line nearest the far end first, then beside it.
    const along = [0.72, 0.55, 0.85, 0.4, 0.3, 0.62, 0.78, 0.2, 0.48, 0.9].map((t) => curvePoint(from, to, t));
    const half = labelBox(lines, 0, 0).w / 2 + 3;
    const candidates = [...along, ...along.flatMap((point) => [{ x: point.x + half, y: point.y }, { x: point.x - half, y: point.y }])];
    placeLabel(lines, candidates, segment.dashed ? '#6e7781' : '#424a53');
  }

  // Edges back up (the polling loop) run beside the states they pass.
  const sideLines: Box[] = [];
  for (const route of routes) {
    const edge = graph.edges[route.index]!;
    const a = nodes.get(edge.from)!;
    const b = nodes.get(edge.to)!;
    const left = route.side === 'left';
    const sx = left ? a.x - a.w / 2 : a.x + a.w / 2;
    const tx = left ? b.x - b.w / 2 - 1 : b.x + b.w / 2 + 1;
    const r = 8;
    const dir = left ? 1 : -1;
    const up = a.y > b.y ? -1 : 1;
    const d = `M${r1(sx)},${r1(a.y)} H${r1(route.x + dir * r)} Q${r1(route.x)},${r1(a.y)} ${r1(route.x)},${r1(a.y + up * r)} V${r1(b.y - up * r)} Q${r1(route.x)},${r1(b.y)} ${r1(route.x + dir * r)},${r1(b.y)} H${r1(tx)}`;
    const isTaken = taken([route.index]);
    (isTaken ? takenParts : edgeParts).push(`<path d="${d}" ${stroke(isTaken, edge.kind === 'catch', true)}/>`);
    if (route.label) labels.push({ ...route.label, color: '#424a53' });
    sideLines.push({ x: route.x, y: route.top, w: 0, h: route.bottom - route.top });
  }
  // Loops on the right edge of the box: a retry's errors are written in the box.
  for (const index of loops) {
    const edge = graph.edges[index]!;
    const node = nodes.get(edge.from)!;
    const right = node.x + node.w / 2;
    const d = `M${r1(right)},${r1(node.y - 8)} C${r1(right + 20)},${r1(node.y - 20)} ${r1(right + 20)},${r1(node.y + 20)} ${r1(right + 1)},${r1(node.y + 8)}`;
    const isTaken = taken([index]);
    (isTaken ? takenParts : edgeParts).push(`<path d="${d}" ${stroke(isTaken, edge.kind === 'catch', true)}/>`);
    if (edge.kind !== 'retry' && edge.label) {
      const lines = wrap(edge.label);
      const box = labelBox(lines, 0, node.y);
      box.x = right + 22;
      labels.push({ box, lines, color: '#424a53' });
    }
  }

  // Bounds, then the legend under the graph.
  const boxes: Box[] = [...obstacles, ...labels.map((label) => label.box)];
  for (const node of nodes.values()) if (node.node?.retry) boxes.push({ x: node.x + node.w / 2, y: node.y - 20, w: 20, h: 40 });
  boxes.push(...sideLines);
  for (const node of nodes.values()) if (node.bundle) boxes.push({ x: node.x, y: node.y, w: 0, h: 0 });
  const minX = Math.min(...boxes.map((box) => box.x)) - MARGIN;
  const maxX = Math.max(...boxes.map((box) => box.x + box.w)) + MARGIN;
  const minY = Math.min(...boxes.map((box) => box.y), layerTop[0]!) - MARGIN;
  const maxY = Math.max(...boxes.map((box) => box.y + box.h), layerTop.at(-1)! + layerHeight.at(-1)!) + MARGIN;

  const legend: string[] = [];
  const legendItems: Array<{ width: number }> = [];
  const swatch = (fill: string, strokeColor: string) => (lx: number, ly: number) => `<rect x="${r1(lx)}" y="${r1(ly - 7)}" width="22" height="14" rx="3" fill="${fill}" stroke="${strokeColor}" stroke-width="${marks ? 2 : 1.3}"/>`;
  const line = (dashed: boolean, color: string, width: number) => (lx: number, ly: number) => `<path d="M${r1(lx)},${r1(ly)} H${r1(lx + 22)}" fill="none" stroke="${color}" stroke-width="${width}"${dashed ? ' stroke-dasharray="5 4"' : ''}/>`;
  const items: Array<[(lx: number, ly: number) => string, string]> = [];
  if (marks) {
    items.push([swatch(MARK_COLORS.visited.fill, MARK_COLORS.visited.stroke), 'visited']);
    items.push([swatch(MARK_COLORS.retried.fill, MARK_COLORS.retried.stroke), 'retried']);
    items.push([swatch(MARK_COLORS.failed.fill, MARK_COLORS.failed.stroke), 'caught an error or failed']);
    items.push([swatch('#ffffff', '#afb8c1'), 'not visited']);
    items.push([line(false, TAKEN_COLOR, 2.5), 'path taken']);
  }
  items.push([line(false, '#57606a', 1.3), 'next or choice']);
  items.push([line(true, '#8c959f', 1.1), 'catch']);
  if (graph.hiddenErrors.length > 0) items.push([() => '', `retry loops and catch labels leave out ${compactErrors(graph.hiddenErrors)}`]);
  for (const [sample, text] of items) legendItems.push({ width: (sample(0, 0) ? 28 : 0) + textWidth(text, SMALL_FONT) + 22 });
  // Wrap legend items into rows as wide as the graph.
  const graphWidth = maxX - minX;
  const rows: number[][] = [[]];
  let rowWidth = 0;
  legendItems.forEach((item, index) => {
    if (rowWidth > 0 && rowWidth + item.width > graphWidth - 2 * MARGIN) {
      rows.push([]);
      rowWidth = 0;
    }
    rows.at(-1)!.push(index);
    rowWidth += item.width;
  });
  let ly = maxY + 4;
  const title = marks && view ? `One execution: ${view.status}${view.error ? ` (${view.error.error})` : ''}${view.outcome ? `, outcome ${view.outcome.status}` : ''}` : null;
  if (title) {
    legend.push(`<text x="${r1(minX + MARGIN)}" y="${r1(ly + 4)}" font-size="${NODE_FONT}" font-weight="bold" fill="#1f2328">${xml(title)}</text>`);
    ly += 22;
  }
  for (const row of rows) {
    let lx = minX + MARGIN;
    for (const index of row) {
      const [sample, text] = items[index]!;
      const drawn = sample(lx, ly);
      if (drawn) legend.push(drawn);
      const tx = drawn ? lx + 28 : lx;
      legend.push(`<text x="${r1(tx)}" y="${r1(ly + 3.5)}" font-size="${SMALL_FONT}" fill="#57606a">${xml(text)}</text>`);
      lx += legendItems[index]!.width;
    }
    ly += 20;
  }
  const width = Math.max(graphWidth, ...rows.map((row) => row.reduce((sum, index) => sum + legendItems[index]!.width, 0) + 2 * MARGIN));
  const height = ly - minY + MARGIN / 2;

  // States, colored by what the execution did.
  const nodeParts: string[] = [];
  for (const node of real) {
    const name = node.node!.name;
    let fill = '#f6f8fa';
    let strokeColor = '#57606a';
    let strokeWidth = 1.3;
    let text = '#1f2328';
    if (marks) {
      const mark: Mark | null = marks.failed.has(name) ? 'failed' : marks.retried.has(name) ? 'retried' : marks.visited.has(name) ? 'visited' : null;
      if (mark) ({ fill, stroke: strokeColor } = MARK_COLORS[mark]);
      else ({ fill, strokeColor, text } = { fill: '#ffffff', strokeColor: '#afb8c1', text: '#57606a' });
      strokeWidth = mark ? 2 : 1.2;
    }
    const tooltip = [name, `(${node.node!.type})`];
    const visits = view?.states.filter((visit) => visit.name === name) ?? [];
    if (visits.length > 1) tooltip.push(`visited ${visits.length} times`);
    const attempts = Math.max(0, ...visits.map((visit) => visit.attempts.length));
    if (attempts > 1) tooltip.push(`${attempts} attempts`);
    for (const visit of visits) {
      if (visit.caught) tooltip.push(`caught ${visit.caught.error}`);
      if (visit.failed) tooltip.push(`failed: ${visit.failed.error}`);
    }
    const textX = node.node!.type === 'Wait' ? node.x + 10 : node.x;
    const nameY = node.node!.retry ? node.y - 4 : node.y + 4.5;
    nodeParts.push(
      `<g><title>${xml(tooltip.join(' '))}</title>${nodeShape(node, fill, strokeColor, strokeWidth)}` +
        `<text x="${r1(textX)}" y="${r1(nameY)}" text-anchor="middle" font-size="${NODE_FONT}" fill="${text}">${xml(name)}</text>` +
        (node.node!.retry ? `<text x="${r1(node.x)}" y="${r1(node.y + 12)}" text-anchor="middle" font-size="${SMALL_FONT}" fill="#6e7781">${xml(`↻ ${node.node!.retry}`)}</text>` : '') +
        '</g>',
    );
  }
  const labelParts = labels.map(({ box, lines, color }) => {
    const texts = lines.map((text, index) => `<text x="${r1(box.x + box.w / 2)}" y="${r1(box.y + 1 + LABEL_LINE * (index + 1) - 3)}" text-anchor="middle" font-size="${LABEL_FONT}" fill="${color}">${xml(text)}</text>`);
    return `<rect x="${r1(box.x)}" y="${r1(box.y)}" width="${r1(box.w)}" height="${r1(box.h)}" rx="2" fill="#ffffff" fill-opacity="0.9"/>${texts.join('')}`;
  });

  const marker = (id: string, color: string) => `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`;
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r1(width)}" height="${r1(height)}" viewBox="0 0 ${r1(width)} ${r1(height)}" font-family="${FONT}" role="img">`,
    `<title>${xml(title ?? `Workflow: ${graph.nodes.length} states from ${graph.startAt}`)}</title>`,
    `<defs>${marker('arrow', '#57606a')}${marker('arrow-light', '#8c959f')}${marker('arrow-taken', TAKEN_COLOR)}</defs>`,
    `<rect x="0" y="0" width="${r1(width)}" height="${r1(height)}" fill="#ffffff"/>`,
    `<g transform="translate(${r1(-minX)},${r1(-minY)})">`,
    '<g class="edges">',
    ...edgeParts,
    ...takenParts,
    '</g>',
    '<g class="labels">',
    ...labelParts,
    '</g>',
    '<g class="states">',
    ...nodeParts,
    '</g>',
    '<g class="legend">',
    ...legend,
    '</g>',
    '</g>',
    '</svg>',
  ];
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------
// The generated files
// ---------------------------------------------------------------------------

export const README_START = '<!-- diagram:start -->';
export const README_END = '<!-- diagram:end -->';

/** The README block between the markers: the Mermaid diagram and a link to the picture. */
export function readmeDiagramBlock(definition: Definition, svgLink = 'docs/workflow.svg'): string {
  return ['```mermaid', workflowMermaid(definition).trimEnd(), '```', '', `The same graph as a picture: [${svgLink}](${svgLink}).`].join('\n');
}

/** `readme` with the text between the diagram markers replaced by `block`. */
export function withReadmeDiagram(readme: string, block: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`the README has no ${README_START} … ${README_END} block`);
  return `${readme.slice(0, start + README_START.length)}\n${block}\n${readme.slice(end)}`;
}

/** The text between the markers, without the newlines around it. */
export function readmeDiagram(readme: string): string | null {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return null;
  return readme.slice(start + README_START.length, end).replace(/^\n/, '').replace(/\n$/, '');
}
