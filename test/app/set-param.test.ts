/**
 * The editor sets params through the same coupled-field rules as the CLI (nodes/set-param.ts):
 * a Method preset writes its four fields, an image prompt's type its stop/weight.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { emptyWorkflow } from '../../nodes/graph.ts';
import { initialEditorState, useEditor } from '../../app/store/editor-store.ts';
import { addNode, setParam } from '../../app/store/graph-actions.ts';
import { CN_TYPE_DEFAULTS } from '../../contract/enums.ts';
import { INPAINT_METHODS } from '../../nodes/inpaint-methods.ts';
import { setParam as domainSetParam } from '../../nodes/set-param.ts';

beforeEach(() => {
  useEditor.setState({ ...initialEditorState(), doc: emptyWorkflow(), lang: 'en' });
});

const node = (id: string) => useEditor.getState().doc.nodes.find((n) => n.id === id)!;

describe('editor param edits follow the domain rules', () => {
  it('Inpaint method=improveDetail writes engine, strength, respective field and initial latent', () => {
    const id = addNode('inpaint', { x: 0, y: 0 })!;
    const before = { ...node(id).params };
    setParam(id, 'method', 'improveDetail');
    const preset = INPAINT_METHODS.improveDetail;
    expect(node(id).params).toMatchObject({
      method: 'improveDetail',
      inpaint_engine: preset.engine,
      inpaint_strength: preset.strength,
      inpaint_respective_field: preset.respectiveField,
      inpaint_disable_initial_latent: preset.disableInitialLatent,
    });
    // The same function the CLI's --set uses gives the same params.
    expect(node(id).params).toEqual(domainSetParam('inpaint', before, 'method', 'improveDetail'));
    // Editing one of the four makes the method custom.
    setParam(id, 'inpaint_strength', 0.7);
    expect(node(id).params.method).toBe('custom');
  });

  it('Image prompt cn_type carries its stop/weight, unless they were changed', () => {
    const id = addNode('imagePrompt', { x: 0, y: 0 })!;
    setParam(id, 'cn_type', 'CPDS');
    expect(node(id).params).toMatchObject({
      cn_type: 'CPDS',
      cn_stop: CN_TYPE_DEFAULTS.CPDS.stop,
      cn_weight: CN_TYPE_DEFAULTS.CPDS.weight,
    });
    setParam(id, 'cn_weight', 0.42);
    setParam(id, 'cn_type', 'FaceSwap');
    expect(node(id).params).toMatchObject({ cn_type: 'FaceSwap', cn_weight: 0.42 });
  });
});
