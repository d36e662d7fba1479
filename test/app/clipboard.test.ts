import { describe, expect, it } from 'vitest';
import { TEMPLATES } from '../../compiler/authoring/templates.ts';
import { serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { fromClipboardText, toClipboardText } from '../../compiler/authoring/clipboard.ts';

describe('clipboard text', () => {
  const wf = TEMPLATES[1]!.build();

  it('round-trips nodes and wires as versioned JSON', () => {
    const res = fromClipboardText(toClipboardText(wf.nodes, wf.edges));
    expect(res.ok).toBe(true);
    if (res.ok) {
      expect(res.nodes).toEqual(wf.nodes);
      expect(res.edges).toEqual(wf.edges);
    }
  });

  it('accepts a whole workflow file', () => {
    const res = fromClipboardText(serializeWorkflow(wf));
    expect(res.ok && res.nodes.length).toBe(wf.nodes.length);
  });

  it('explains what is wrong with foreign or broken text', () => {
    expect(fromClipboardText('hello')).toMatchObject({ ok: false });
    const bad = JSON.parse(toClipboardText(wf.nodes, wf.edges)) as {
      nodes: { params: Record<string, unknown> }[];
    };
    bad.nodes[0]!.params = { prompt: 42 };
    const res = fromClipboardText(JSON.stringify(bad));
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.reason).toMatch(/nodes\[0\]/);
  });
});
