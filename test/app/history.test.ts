import { describe, expect, it, beforeEach } from 'vitest';
import { emptyWorkflow } from '../../nodes/graph.ts';
import { setDragPositions } from '../../app/canvas/drag-store.ts';
import {
  commit,
  initialEditorState,
  redo,
  sealHistory,
  undo,
  update,
  useEditor,
} from '../../app/store/editor-store.ts';
import {
  addNode,
  connect,
  deleteSelection,
  moveNodes,
  selectOnly,
  setParam,
} from '../../app/store/graph-actions.ts';

beforeEach(() => {
  useEditor.setState({ ...initialEditorState(), doc: emptyWorkflow(), lang: 'en' });
});

const past = () => useEditor.getState().history.past.length;
const doc = () => useEditor.getState().doc;

describe('undo history built on immer patches', () => {
  it('records one step per action and walks back and forth exactly', () => {
    const states = [doc()];
    const img = addNode('inputImage', { x: 0, y: 0 })!;
    states.push(doc());
    const vary = addNode('vary', { x: 300, y: 0 })!;
    states.push(doc());
    expect(connect({ source: img, sourceHandle: 'image', target: vary, targetHandle: 'image' }).ok).toBe(
      true,
    );
    states.push(doc());
    expect(past()).toBe(3);
    for (let i = 2; i >= 0; i--) {
      expect(undo()).toBe(true);
      expect(doc()).toEqual(states[i]);
    }
    expect(undo()).toBe(false);
    for (let i = 1; i <= 3; i++) {
      expect(redo()).toBe(true);
      expect(doc()).toEqual(states[i]);
    }
    expect(redo()).toBe(false);
  });

  it('groups a typing burst in one field into one step, sealed when the field loses focus', () => {
    const id = addNode('promptSettings', { x: 0, y: 0 })!;
    const start = past();
    for (const text of ['a', 'ab', 'abc', 'abcd']) setParam(id, 'prompt', text, { burst: true });
    expect(past()).toBe(start + 1);
    sealHistory();
    setParam(id, 'prompt', 'abcde', { burst: true });
    expect(past()).toBe(start + 2);
    undo();
    expect(doc().nodes[0]!.params.prompt).toBe('abcd');
    undo();
    expect(doc().nodes[0]!.params.prompt).toBe('');
  });

  it('does not merge bursts of different fields', () => {
    const id = addNode('promptSettings', { x: 0, y: 0 })!;
    const start = past();
    setParam(id, 'prompt', 'x', { burst: true });
    setParam(id, 'negative_prompt', 'y', { burst: true });
    setParam(id, 'prompt', 'xy', { burst: true });
    expect(past()).toBe(start + 3);
  });

  it('keeps selection, drag frames and other transient state out of history', () => {
    const a = addNode('inputImage', { x: 0, y: 0 })!;
    const start = past();
    selectOnly([]);
    selectOnly([a]);
    setDragPositions({ [a]: { x: 10, y: 10 } });
    update((s) => {
      s.measured[a] = { width: 260, height: 120 };
      s.theme = 'light';
    });
    expect(past()).toBe(start);
    moveNodes({ [a]: { x: 40, y: 20 } }); // the drag's end: one step
    expect(past()).toBe(start + 1);
    undo();
    expect(doc().nodes[0]!.position).toEqual({ x: 0, y: 0 });
    expect(useEditor.getState().selectedNodes).toEqual({ [a]: true });
  });

  it('a new action after undo drops the redo branch', () => {
    addNode('inputImage', { x: 0, y: 0 });
    addNode('vary', { x: 0, y: 0 });
    undo();
    expect(useEditor.getState().history.future).toHaveLength(1);
    addNode('upscale', { x: 0, y: 0 });
    expect(useEditor.getState().history.future).toHaveLength(0);
  });

  it('deleting a selection (nodes and their wires) is one step, and undo brings both back', () => {
    const img = addNode('inputImage', { x: 0, y: 0 })!;
    const vary = addNode('vary', { x: 0, y: 0 })!;
    connect({ source: img, sourceHandle: 'image', target: vary, targetHandle: 'image' });
    const before = doc();
    const start = past();
    selectOnly([vary]);
    deleteSelection();
    expect(past()).toBe(start + 1);
    expect(doc().edges).toHaveLength(0);
    undo();
    expect(doc()).toEqual(before);
  });

  it('a commit that changes nothing records nothing', () => {
    const start = past();
    expect(commit(() => undefined)).toBe(false);
    expect(past()).toBe(start);
  });

  it('refuses a wrong wire with its reason and records nothing', () => {
    const s = addNode('promptSettings', { x: 0, y: 0 })!;
    const ip = addNode('imagePrompt', { x: 0, y: 0 })!;
    const start = past();
    const v = connect(
      { source: s, sourceHandle: 'image', target: ip, targetHandle: 'image' },
      { quiet: true },
    );
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason.en).toMatch(/uploaded image/);
    expect(past()).toBe(start);
  });

  it('applies the coupled-field rules: a method preset writes its fields, editing one makes it custom', () => {
    const id = addNode('inpaint', { x: 0, y: 0 })!;
    setParam(id, 'method', 'improveDetail');
    expect(doc().nodes[0]!.params).toMatchObject({
      method: 'improveDetail',
      inpaint_engine: 'None',
      inpaint_strength: 0.5,
    });
    setParam(id, 'inpaint_strength', 0.7);
    expect(doc().nodes[0]!.params.method).toBe('custom');
  });
});
