import {
  WORKFLOW_FORMAT,
  WORKFLOW_VERSION,
  type Workflow,
  type WorkflowEdge,
  type WorkflowNode,
} from './graph.ts';
import { NODE_KINDS, type KindName } from './registry.ts';
import { autoLayout } from './layout.ts';
import { CN_TYPE_DEFAULTS } from '../contract/enums.ts';

/**
 * Builds a workflow in code (templates, decompile, tests): nodes get full default params, wires get
 * ids, and the result is laid out left to right.
 */
export class GraphBuilder {
  private nodes: WorkflowNode[] = [];
  private edges: WorkflowEdge[] = [];
  private counts = new Map<string, number>();

  add<K extends KindName>(kind: K, params: Record<string, unknown> = {}, label?: string): string {
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    const id = `${kind}-${n}`;
    const spec = NODE_KINDS[kind];
    if (kind === 'imagePrompt' && typeof params.cn_type === 'string') {
      // An image prompt's stop/weight default to its type's Fooocus UI values, not ImagePrompt's.
      const d = CN_TYPE_DEFAULTS[params.cn_type as keyof typeof CN_TYPE_DEFAULTS];
      if (d) params = { cn_stop: d.stop, cn_weight: d.weight, ...params };
    }
    this.nodes.push({
      id,
      kind,
      kindVersion: spec.version,
      ...(label ? { label } : {}),
      params: spec.params.parse(params) as Record<string, unknown>,
      position: { x: 0, y: 0 },
    });
    return id;
  }

  wire(source: string, target: string, targetHandle = 'image', sourceHandle?: string): this {
    const src = this.nodes.find((n) => n.id === source);
    const handle =
      sourceHandle ?? (src ? (NODE_KINDS[src.kind as KindName].outputs[0]?.id ?? 'image') : 'image');
    this.edges.push({ id: `e${this.edges.length + 1}`, source, sourceHandle: handle, target, targetHandle });
    return this;
  }

  build(name: string, description = ''): Workflow {
    return autoLayout({
      format: WORKFLOW_FORMAT,
      version: WORKFLOW_VERSION,
      name,
      description,
      nodes: this.nodes,
      edges: this.edges,
      exposed: [],
      assets: {},
    });
  }
}
