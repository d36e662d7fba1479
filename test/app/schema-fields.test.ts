import { describe, expect, it } from 'vitest';
import { NODE_KINDS } from '../../nodes/registry.ts';
import type { NodeKind } from '../../nodes/types.ts';
import { kindFields } from '../../app/lib/schema-fields.ts';
import { EN } from '../../app/i18n/catalog.ts';
import { ZH } from '../../app/i18n/catalog-zh.ts';

describe('inspector fields generated from the zod schemas', () => {
  it('gives every parameter of every kind a widget and a label in both languages', () => {
    for (const kind of Object.values(NODE_KINDS) as NodeKind[]) {
      for (const f of kindFields(kind)) {
        expect(f.widget, `${kind.kind}.${f.key}`).not.toBe('json');
        expect(f.meta?.label.en, `${kind.kind}.${f.key} en`).toBeTruthy();
        expect(f.meta?.label.zh, `${kind.kind}.${f.key} zh`).toBeTruthy();
      }
    }
  });

  it('reads ranges and choices', () => {
    const ps = kindFields(NODE_KINDS.promptSettings);
    expect(ps.find((f) => f.key === 'image_number')).toMatchObject({
      widget: 'slider',
      min: 1,
      max: 32,
      int: true,
    });
    expect(ps.find((f) => f.key === 'performance_selection')?.options).toContain('Quality');
    expect(ps.find((f) => f.key === 'loras')?.widget).toBe('loras');
  });

  it('has a Chinese text for every UI chrome string', () => {
    for (const k of Object.keys(EN) as (keyof typeof EN)[]) expect(ZH[k], k).toBeTruthy();
  });
});
