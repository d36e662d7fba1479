/**
 * A dropped photo's node is added at once and gets its stored image later, when the hash is known,
 * perhaps after the user typed elsewhere: the image joins the step that added the node, so one undo
 * removes the dropped nodes and redo brings them back with their images.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { emptyWorkflow, type WorkflowNode } from '../../nodes/graph.ts';
import type { AssetMeta } from '../../nodes/assets.ts';
import { commit, initialEditorState, redo, undo, useEditor } from '../../app/store/editor-store.ts';
import { addNode, freshNode, setParam } from '../../app/store/graph-actions.ts';
import { setParamsOfAddedNode } from '../../app/store/fold-into-add.ts';

beforeEach(() => {
  useEditor.setState({ ...initialEditorState(), doc: emptyWorkflow(), lang: 'en' });
});

const doc = () => useEditor.getState().doc;
const past = () => useEditor.getState().history.past.length;
const nodeOf = (id: string) => doc().nodes.find((n) => n.id === id);
const meta = (hash: string): AssetMeta => ({ hash, type: 'image/jpeg', width: 4000, height: 3000, bytes: 7 });

/** Two Input Image nodes added in one step, as a drop of two photos does. */
function dropTwo(): [string, string] {
  const taken = new Set(doc().nodes.map((n) => n.id));
  const nodes: WorkflowNode[] = [];
  for (const x of [0, 32]) {
    const n = freshNode('inputImage', { x, y: x }, taken)!;
    taken.add(n.id);
    nodes.push(n);
  }
  commit((d) => {
    for (const n of nodes) d.nodes.push(n);
  });
  return [nodes[0]!.id, nodes[1]!.id];
}

const imageOf = (hash: string) => ({ image: `asset:${hash}`, width: 4000, height: 3000 });

describe('setParamsOfAddedNode', () => {
  it('sets the image without a step; undo after typing elsewhere removes the dropped nodes in one step; redo restores the images', () => {
    const settings = addNode('promptSettings', { x: 500, y: 0 })!;
    const [a, b] = dropTwo();
    const afterDrop = past();
    setParam(settings, 'prompt', 'a harbour');
    expect(setParamsOfAddedNode(a, imageOf('aa'), meta('aa'))).toBe(true);
    expect(setParamsOfAddedNode(b, imageOf('bb'), meta('bb'))).toBe(true);
    expect(past()).toBe(afterDrop + 1); // only the typing is a step of its own
    expect(nodeOf(a)!.params).toMatchObject(imageOf('aa'));
    expect(Object.keys(doc().assets).sort()).toEqual(['aa', 'bb']);
    const full = doc();

    undo(); // the typing
    expect(nodeOf(settings)!.params.prompt).toBe('');
    expect(nodeOf(a)!.params.image).toBe('asset:aa');
    undo(); // the drop, images and all
    expect(nodeOf(a)).toBeUndefined();
    expect(nodeOf(b)).toBeUndefined();
    expect(doc().assets).toEqual({});
    expect(doc().nodes.map((n) => n.id)).toEqual([settings]);

    redo();
    expect(nodeOf(a)!.params).toMatchObject(imageOf('aa'));
    expect(nodeOf(b)!.params).toMatchObject(imageOf('bb'));
    expect(Object.keys(doc().assets).sort()).toEqual(['aa', 'bb']);
    redo();
    expect(doc()).toEqual(full);
  });

  it('a hash that arrives after the drop was undone is kept for its redo', () => {
    const [a] = dropTwo();
    undo();
    expect(setParamsOfAddedNode(a, imageOf('aa'), meta('aa'))).toBe(true);
    expect(nodeOf(a)).toBeUndefined();
    expect(doc().assets).toEqual({});
    redo();
    expect(nodeOf(a)!.params).toMatchObject(imageOf('aa'));
    expect(doc().assets.aa).toEqual(meta('aa'));
  });

  it('an asset the document already has is not added again, nor removed by undoing the drop', () => {
    commit((d) => {
      d.assets.aa = meta('aa');
    });
    const [a] = dropTwo();
    setParamsOfAddedNode(a, imageOf('aa'), meta('aa'));
    undo();
    expect(nodeOf(a)).toBeUndefined();
    expect(doc().assets.aa).toEqual(meta('aa'));
  });

  it('a node no longer anywhere (another document opened) is left alone', () => {
    const [a] = dropTwo();
    useEditor.setState({ ...initialEditorState(), doc: emptyWorkflow(), lang: 'en' });
    const before = useEditor.getState();
    expect(setParamsOfAddedNode(a, imageOf('aa'), meta('aa'))).toBe(false);
    expect(useEditor.getState().doc).toBe(before.doc);
  });
});
