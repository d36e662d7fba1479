import { beforeEach, describe, expect, it } from 'vitest';
import { emptyWorkflow } from '../../nodes/graph.ts';
import { createEdgeAdapter, createNodeAdapter } from '../../app/canvas/rf-adapter.ts';
import { initialEditorState, useEditor } from '../../app/store/editor-store.ts';
import { addNode, connect, setLabel, setParam } from '../../app/store/graph-actions.ts';
import { nodeById, selectNodeNames } from '../../app/store/selectors.ts';

beforeEach(() => {
  useEditor.setState({ ...initialEditorState(), doc: emptyWorkflow(), lang: 'en' });
});

const s = () => useEditor.getState();

describe('React Flow adapters keep identity where nothing React Flow shows changed', () => {
  it('a param edit keeps the nodes and edges arrays; a label or a drag frame replaces one node', () => {
    const a = addNode('inputImage', { x: 0, y: 0 })!;
    const b = addNode('vary', { x: 300, y: 0 })!;
    connect({ source: a, sourceHandle: 'image', target: b, targetHandle: 'image' });
    const nodes = createNodeAdapter();
    const edges = createEdgeAdapter();
    const n0 = nodes(s());
    const e0 = edges(s());
    const names0 = selectNodeNames(s());

    setParam(b, 'method', 'Vary (Strong)', { burst: true });
    expect(nodes(s())).toBe(n0);
    expect(edges(s())).toBe(e0);
    expect(selectNodeNames(s())).toBe(names0);
    expect(nodeById(s(), b)?.params.method).toBe('Vary (Strong)');

    setLabel(b, 'Mine');
    const n1 = nodes(s());
    expect(n1).not.toBe(n0);
    expect(n1[0]).toBe(n0[0]);
    expect(n1[1]!.ariaLabel).toBe('Mine');
    expect(selectNodeNames(s()).get(b)?.label).toBe('Mine');

    const n2 = nodes(s(), { [a]: { x: 40, y: 40 } });
    expect(n2[0]!.position).toEqual({ x: 40, y: 40 });
    expect(n2[1]).toBe(n1[1]);
    expect(edges(s())).toBe(e0);
  });
});
