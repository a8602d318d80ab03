/**
 * The workflow as a picture, generated from the definition so it cannot drift from it:
 * Mermaid text for the README (and, for one execution, the same diagram with its path
 * highlighted), and a standalone SVG laid out by Graphviz (dot, compiled to
 * WebAssembly). `npm run diagram` writes docs/ and the README block; `npm run local --
 * <event> --diagram run.svg` (or .mmd) draws the path one execution took.
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { DYNAMODB_TRANSIENT_ERRORS, LAMBDA_ERRORS } from '../../core/errors';
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
const MERMAID_RESERVED = new Set([
  'end',
  'graph',
  'flowchart',
  'subgraph',
  'style',
  'class',
  'classdef',
  'click',
  'linkstyle',
  'default',
  'direction',
  'call',
  'href',
  'interpolate',
  'callback',
]);

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

/** A short readable form of a Choice rule: `$.classification.kind == CRL_S3_PERMISSION`. */
export function ruleLabel(rule: Rule): string {
  const compound = (key: 'And' | 'Or'): string | null => {
    const rules = rule[key];
    if (!Array.isArray(rules)) return null;
    const word = key === 'And' ? 'and' : 'or';
    const parts = rules.map((inner: Rule) => ({ inner, simple: comparison(inner) }));
    // `$.x == A or B` when every branch compares the same variable the same way.
    const first = parts[0]?.simple;
    if (
      first &&
      first.value !== '' &&
      parts.every(
        (part) => part.simple && !part.inner.And && !part.inner.Or && !part.inner.Not && part.simple.variable === first.variable && part.simple.op === first.op,
      )
    ) {
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
      for (const rule of (state.Choices as Rule[] | undefined) ?? [])
        edges.push({ from: name, to: target(name, rule.Next), kind: 'choice', label: clip(ruleLabel(rule)) });
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
    const candidates = graph.edges
      .map((edge, at) => ({ edge, at }))
      .filter(({ edge }) => edge.kind !== 'retry' && edge.from === state.name && edge.to === next.name);
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
  const lines = mermaidLines(
    graph,
    `The path of one execution (${view.status}${view.error ? `: ${view.error.error}` : ''}), drawn from the state machine definition.`,
  );
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
// SVG: laid out by Graphviz (dot), compiled to WebAssembly
// ---------------------------------------------------------------------------

/*
 * The picture is a DOT graph handed to Graphviz's `dot` (@hpcc-js/wasm-graphviz: the
 * wasm is inside the npm package, nothing is fetched). dot ranks the states, orders them
 * to cut crossings, sizes every box and label from the font's metrics and routes the
 * edges around them; edge labels are `label`s, which dot places as part of the layout
 * (unlike `xlabel`s, placed afterwards, which can overlap). Colours are GitHub's.
 */

/*
 * Verdana: Graphviz has its metrics, every desktop has it or (Linux, through fontconfig)
 * DejaVu Sans, drawn to the same widths, so the boxes dot sizes fit the text as drawn.
 */
const FONT = 'Verdana';
const NODE_FONT = 12;
const SMALL_FONT = 9.5;
const LABEL_FONT = 9;

let graphviz: Promise<Graphviz> | null = null;
/** The Graphviz instance, loaded once (about 0.3 s). */
function loadGraphviz(): Promise<Graphviz> {
  graphviz ??= Graphviz.load();
  return graphviz;
}

/** A DOT double-quoted string. */
function quoted(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Text inside a DOT HTML-like label. */
function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Words joined into lines of at most `max` characters (a label's line breaks; dot measures them). */
function wrap(text: string, max = 22): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= max) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

const attributes = (values: Record<string, string | number | undefined>) =>
  Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? value : value!.startsWith('<') ? value : quoted(value!)}`)
    .join(', ');

const SHAPES: Record<string, Record<string, string | number>> = {
  Choice: { shape: 'hexagon', style: 'filled' },
  Wait: { shape: 'box', style: 'rounded,filled,dashed' },
  Pass: { shape: 'parallelogram', style: 'filled' },
  Succeed: { shape: 'ellipse', style: 'filled' },
  Fail: { shape: 'ellipse', style: 'filled', peripheries: 2 },
  Parallel: { shape: 'box3d', style: 'filled' },
  Map: { shape: 'box3d', style: 'filled' },
};

/** Node look per execution mark (no marks: the plain picture). */
function nodeColors(name: string, marks: ExecutionMarks | null): { fill: string; stroke: string; text: string; width: number } {
  if (!marks) return { fill: '#f6f8fa', stroke: '#57606a', text: '#1f2328', width: 1.3 };
  const mark: Mark | null = marks.failed.has(name) ? 'failed' : marks.retried.has(name) ? 'retried' : marks.visited.has(name) ? 'visited' : null;
  return mark ? { ...MARK_COLORS[mark], text: '#1f2328', width: 2 } : { fill: '#ffffff', stroke: '#afb8c1', text: '#57606a', width: 1.2 };
}

function tooltip(name: string, type: string, view: ExecutionView | undefined): string {
  const parts = [name, `(${type})`];
  const visits = view?.states.filter((visit) => visit.name === name) ?? [];
  if (visits.length > 1) parts.push(`visited ${visits.length} times`);
  const attempts = Math.max(0, ...visits.map((visit) => visit.attempts.length));
  if (attempts > 1) parts.push(`${attempts} attempts`);
  for (const visit of visits) {
    if (visit.caught) parts.push(`caught ${visit.caught.error}`);
    if (visit.failed) parts.push(`failed: ${visit.failed.error}`);
  }
  return parts.join(' ');
}

/** The legend under the graph (an HTML-like table, the graph's label): what the colours and lines mean. */
function legend(graph: DiagramGraph, marks: ExecutionMarks | null, title: string | null): string {
  const swatch = (fill: string, stroke: string) =>
    `<TD BGCOLOR="${fill}" COLOR="${stroke}" BORDER="${marks ? 2 : 1}" WIDTH="22" HEIGHT="14" FIXEDSIZE="TRUE"></TD>`;
  const line = (color: string, width: number) => `<TD BORDER="${width}" SIDES="B" COLOR="${color}" WIDTH="22" HEIGHT="8" FIXEDSIZE="TRUE"></TD>`;
  // A dashed cell border would do, but this Graphviz build's json output garbles the
  // STYLE of an HTML cell (the layout test reads that output), so the catch sample is text.
  const dashes = `<TD><FONT POINT-SIZE="${SMALL_FONT}" COLOR="#8c959f">- - - -</FONT></TD>`;
  const text = (words: string) => `<TD ALIGN="LEFT"><FONT POINT-SIZE="${SMALL_FONT}" COLOR="#57606a">${html(words)}</FONT></TD>`;
  const items: string[] = [];
  if (marks) {
    items.push(swatch(MARK_COLORS.visited.fill, MARK_COLORS.visited.stroke) + text('visited'));
    items.push(swatch(MARK_COLORS.retried.fill, MARK_COLORS.retried.stroke) + text('retried'));
    items.push(swatch(MARK_COLORS.failed.fill, MARK_COLORS.failed.stroke) + text('caught an error or failed'));
    items.push(swatch('#ffffff', '#afb8c1') + text('not visited'));
    items.push(line(TAKEN_COLOR, 3) + text('path taken'));
  }
  items.push(line('#57606a', 1) + text('next or choice'));
  items.push(dashes + text('catch'));
  // One row (a wider row above or below would stretch these cells apart).
  if (graph.hiddenErrors.length > 0) items.push(text(`retry loops and catch labels leave out ${compactErrors(graph.hiddenErrors)}`));
  const row = (cell: string) => `<TR><TD ALIGN="LEFT">${cell}</TD></TR>`;
  const rows = [row(`<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="1"><TR>${items.join('<TD WIDTH="8"></TD>')}</TR></TABLE>`)];
  if (title) rows.unshift(row(`<FONT POINT-SIZE="${NODE_FONT}" COLOR="#1f2328"><B>${html(title)}</B></FONT>`));
  return `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">${rows.join('')}</TABLE>>`;
}

/**
 * The DOT text of the workflow (and, with `view`, of one execution's path on it): what
 * `workflowSvg` hands to Graphviz. Exported so a test can lay it out itself and check the
 * geometry Graphviz computed.
 */
export function workflowDot(definition: Definition, view?: ExecutionView, options: DiagramOptions = {}): string {
  const graph = workflowGraph(definition, options);
  const marks = view ? executionMarks(graph, view) : null;
  const title =
    marks && view
      ? `One execution: ${view.status}${view.error ? ` (${view.error.error})` : ''}${view.outcome ? `, outcome ${view.outcome.status}` : ''}`
      : null;
  const lines = [
    'digraph workflow {',
    `  graph [${attributes({ rankdir: 'TB', bgcolor: '#ffffff', fontname: FONT, fontsize: LABEL_FONT, nodesep: 0.25, ranksep: 0.4, pad: 0.25, labelloc: 'b', labeljust: 'l', forcelabels: 'true', label: legend(graph, marks, title), tooltip: title ?? `Workflow: ${graph.nodes.length} states from ${graph.startAt}` })}];`,
    `  node [${attributes({ fontname: FONT, fontsize: NODE_FONT, shape: 'box', style: 'rounded,filled', margin: '0.14,0.06', height: 0.4 })}];`,
    `  edge [${attributes({ fontname: FONT, fontsize: LABEL_FONT, arrowsize: 0.7 })}];`,
  ];
  for (const node of graph.nodes) {
    const colors = nodeColors(node.name, marks);
    const label = node.retry ? `<${html(node.name)}<BR/><FONT POINT-SIZE="${SMALL_FONT}" COLOR="#6e7781">${html(`↻ ${node.retry}`)}</FONT>>` : node.name;
    lines.push(
      `  ${quoted(node.name)} [${attributes({ ...SHAPES[node.type], label, fillcolor: colors.fill, color: colors.stroke, fontcolor: colors.text, penwidth: colors.width, tooltip: tooltip(node.name, node.type, view) })}];`,
    );
  }
  graph.edges.forEach((edge, index) => {
    const taken = marks?.edges.has(index) ?? false;
    const dashed = edge.kind === 'catch';
    const color = taken ? TAKEN_COLOR : dashed ? '#8c959f' : '#57606a';
    lines.push(
      `  ${quoted(edge.from)} -> ${quoted(edge.to)} [${attributes({
        // A retry loop's errors are written in its box.
        label: edge.kind === 'retry' || !edge.label ? undefined : wrap(edge.label).join('\n'),
        color,
        fontcolor: dashed ? '#6e7781' : '#424a53',
        penwidth: taken ? 2.5 : dashed ? 1.1 : 1.3,
        style: dashed ? 'dashed' : undefined,
        class: taken ? 'taken' : undefined,
      })}];`,
    );
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Graphviz's layout of `dot` in `format` (`svg`, or `json` for the coordinates). */
export async function layoutDot(dot: string, format: 'svg' | 'json'): Promise<string> {
  return (await loadGraphviz()).layout(dot, format, 'dot');
}

/**
 * The workflow as a standalone SVG, laid out by Graphviz: choices as hexagons, catches
 * dashed, retries as a loop with their errors in the box. With `view`, the states and
 * edges one execution went through are coloured, with a legend.
 */
export async function workflowSvg(definition: Definition, view?: ExecutionView, options: DiagramOptions = {}): Promise<string> {
  return layoutDot(workflowDot(definition, view, options), 'svg');
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
  return readme
    .slice(start + README_START.length, end)
    .replace(/^\n/, '')
    .replace(/\n$/, '');
}
