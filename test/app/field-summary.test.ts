import { describe, expect, it } from 'vitest';
import { NODE_KINDS } from '../../nodes/registry.ts';
import type { NodeKind } from '../../nodes/types.ts';
import { kindFields } from '../../app/lib/schema-fields.ts';
import { local } from '../../app/i18n/i18n.ts';
import { summarizeField } from '../../app/canvas/field-summary.ts';

const TEXT = { empty: '—', random: 'Random', on: 'On', off: 'Off', image: 'Image set', noImage: 'No image' };
const l = (s: Parameters<typeof local>[1]) => local('en', s);

describe('compact (zoomed-out) node field summaries', () => {
  it('summarises every inline field of every kind at its default as short text', () => {
    for (const kind of Object.values(NODE_KINDS) as NodeKind[]) {
      const params = kind.params.parse({}) as Record<string, unknown>;
      for (const f of kindFields(kind).filter((x) => kind.inlineFields.includes(x.key))) {
        const s = summarizeField(f, params[f.key], l, TEXT);
        expect(s, `${kind.kind}.${f.key}`).toBeTruthy();
        expect(s.length, `${kind.kind}.${f.key}`).toBeLessThanOrEqual(48);
      }
    }
  });

  it('clips long prompts, names empty values and images', () => {
    const ps = kindFields(NODE_KINDS.promptSettings);
    const prompt = ps.find((f) => f.key === 'prompt')!;
    expect(summarizeField(prompt, '', l, TEXT)).toBe('—');
    const long = summarizeField(prompt, 'x'.repeat(100), l, TEXT);
    expect(long).toHaveLength(48);
    expect(long.endsWith('…')).toBe(true);
    const img = kindFields(NODE_KINDS.inputImage).find((f) => f.key === 'image')!;
    expect(summarizeField(img, '', l, TEXT)).toBe('No image');
    expect(summarizeField(img, 'https://example.com/a.png', l, TEXT)).toBe('Image set');
  });
});
