/**
 * The strict request schema (our own output) honours the fields the server requires: a Lora item
 * without `enabled` or `model_name` is a 422 `missing` on the real server (contract §3.5, §5.7), so
 * it must fail the strict schema, and a workflow holding one must be refused at load with its path.
 */
import { describe, expect, it } from 'vitest';
import { laxRequestSchema, strictRequestSchema } from '../../contract/index.ts';
import { parseWorkflowJson } from '../../compiler/workflow-file/index.ts';
import { compile } from '../../compiler/compile.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { promptSettings } from '../../nodes/kinds/prompt-settings.ts';

function issuesOf(value: unknown): string[] {
  const r = strictRequestSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

describe('strict schema: required Lora fields', () => {
  it('refuses a Lora without enabled or model_name, at the field the server names', () => {
    expect(issuesOf({ loras: [{ model_name: 'x.safetensors' }] })).toEqual(['loras.0.enabled']);
    expect(issuesOf({ loras: [{ enabled: true }] })).toEqual(['loras.0.model_name']);
    expect(issuesOf({ loras: [{ weight: 0.5 }] }).sort()).toEqual(['loras.0.enabled', 'loras.0.model_name']);
  });

  it('accepts a Lora with both required fields; weight keeps its server default', () => {
    expect(issuesOf({ loras: [{ enabled: true, model_name: 'x.safetensors' }] })).toEqual([]);
    expect(issuesOf({ loras: [{ enabled: false, model_name: 'None', weight: -2 }] })).toEqual([]);
    expect(issuesOf({ loras: [] })).toEqual([]);
  });

  it('objects without required fields stay optional (every ImagePrompt / enhance field has a default)', () => {
    expect(issuesOf({ controlnet_image: [{}] })).toEqual([]);
    expect(issuesOf({ enhance_ctrls: [{}] })).toEqual([]);
    expect(issuesOf({ enhance_ctrls: [{ enhance_enabled: true, bogus: 1 }] })).toEqual(['enhance_ctrls.0']);
  });

  it('the lax schema (decompile) still requires them, as the server does, and fills weight', () => {
    expect(laxRequestSchema.safeParse({ loras: [{ model_name: 'x' }] }).success).toBe(false);
    const ok = laxRequestSchema.parse({ loras: [{ enabled: 'true', model_name: 'x' }] });
    expect(ok.loras).toEqual([{ enabled: true, model_name: 'x', weight: 0.5 }]);
  });
});

describe('the Prompt & Settings loras param is built from the strict schema', () => {
  it('refuses a Lora without enabled', () => {
    const r = promptSettings.params.safeParse({ loras: [{ model_name: 'x' }] });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]!.path).toEqual(['loras', 0, 'enabled']);
  });

  it('a workflow file holding one is refused at load with the path nodes[i].params.loras[0].enabled', () => {
    const wf = {
      format: 'fooocus-flow/workflow',
      version: 1,
      nodes: [
        { id: 'o', kind: 'output', kindVersion: 1, params: {} },
        {
          id: 's',
          kind: 'promptSettings',
          kindVersion: 1,
          params: { loras: [{ model_name: 'x.safetensors' }] },
        },
      ],
      edges: [{ id: 'e', source: 's', sourceHandle: 'image', target: 'o', targetHandle: 'image' }],
    };
    const r = parseWorkflowJson(wf);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.path).toBe('nodes[1].params.loras[0].enabled');
    expect(r.errors[0]!.message).toMatch(/required/);
  });

  it('a full Lora compiles into a request that passes the strict schema', () => {
    const b = new GraphBuilder();
    const s = b.add('promptSettings', {
      loras: [{ enabled: true, model_name: 'x.safetensors', weight: 0.7 }],
    });
    b.wire(s, b.add('output'));
    const { request } = compile(b.build('lora'));
    expect(request.loras).toEqual([{ enabled: true, model_name: 'x.safetensors', weight: 0.7 }]);
    expect(strictRequestSchema.safeParse(request).success).toBe(true);
  });
});
