import type { AssetMeta } from './assets.ts';

/**
 * The workflow graph: the document the editor edits, the compiler reads and the CLI runs.
 * Plain data (JSON-safe), so it can live in a zustand store, be diffed by immer and be saved as is.
 */
export interface WorkflowNode {
  id: string;
  kind: string;
  kindVersion: number;
  label?: string | undefined;
  params: Record<string, unknown>;
  position: { x: number; y: number };
}

export interface WorkflowEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

/** A node parameter a user fills in when running the workflow later (`fooocus-flow run --set`). */
export interface ExposedParam {
  nodeId: string;
  param: string;
  /** The name used on the command line and in the run form. */
  name: string;
}

export interface Workflow {
  format: 'fooocus-flow/workflow';
  version: number;
  name: string;
  description: string;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  exposed: ExposedParam[];
  /**
   * Metadata of every image asset the params refer to (`asset:<hash>`), by hash. The bytes are in an
   * asset store, or embedded in a self-contained file (see `compiler/workflow-file`).
   */
  assets: Record<string, AssetMeta>;
  /**
   * "When one request cannot do it all": run the graph as a short sequence of requests ('steps'),
   * or send one request as Fooocus would and warn about what it drops ('one-request'). Absent means
   * 'one-request', so files from before the setting keep their meaning; new workflows say 'steps'.
   */
  overflow?: WorkflowOverflow | undefined;
}

export type WorkflowOverflow = 'steps' | 'one-request';

export const WORKFLOW_FORMAT = 'fooocus-flow/workflow';
/** 2: images are assets (`asset:<hash>` + the `assets` table) instead of inline data URLs. */
export const WORKFLOW_VERSION = 2;

export function emptyWorkflow(name = 'Untitled workflow'): Workflow {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    name,
    description: '',
    nodes: [],
    edges: [],
    exposed: [],
    assets: {},
    overflow: 'steps',
  };
}

/** Edges indexed both ways, built once per compile or check (graphs reach 1000 nodes). */
export interface GraphIndex {
  node: Map<string, WorkflowNode>;
  incoming: Map<string, WorkflowEdge[]>;
  outgoing: Map<string, WorkflowEdge[]>;
}

export function indexGraph(wf: Pick<Workflow, 'nodes' | 'edges'>): GraphIndex {
  const node = new Map(wf.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, WorkflowEdge[]>();
  const outgoing = new Map<string, WorkflowEdge[]>();
  for (const e of wf.edges) {
    (incoming.get(e.target) ?? incoming.set(e.target, []).get(e.target)!).push(e);
    (outgoing.get(e.source) ?? outgoing.set(e.source, []).get(e.source)!).push(e);
  }
  return { node, incoming, outgoing };
}

export function inputsOf(g: GraphIndex, nodeId: string, handle: string): WorkflowEdge[] {
  return (g.incoming.get(nodeId) ?? []).filter((e) => e.targetHandle === handle);
}

/** The node wired into `handle` of `nodeId` (the first wire, when a file has several). */
export function inputNode(g: GraphIndex, nodeId: string, handle: string): WorkflowNode | undefined {
  const edge = (g.incoming.get(nodeId) ?? []).find((e) => e.targetHandle === handle);
  return edge && g.node.get(edge.source);
}

/** A fresh id that is not used in the graph yet. */
export function newId(prefix: string, taken: { has(id: string): boolean }): string {
  for (let i = 1; ; i++) {
    const id = `${prefix}-${i}`;
    if (!taken.has(id)) return id;
  }
}
