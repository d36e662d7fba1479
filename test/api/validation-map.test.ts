import { mapValidationErrors } from '../../api/validation-map.ts';
import type { Provenance } from '../../compiler/types.ts';

const provenance: Provenance = {
  image_number: [{ nodeId: 'settings', param: 'imageNumber' }],
  'controlnet_image.0': [{ nodeId: 'ip-1' }],
  'controlnet_image.0.cn_weight': [{ nodeId: 'ip-1', param: 'weight' }],
  'controlnet_image.1': [{ nodeId: 'ip-2' }],
  uov_input_image: [
    { nodeId: 'vary', param: 'image' },
    { nodeId: 'img-1', param: 'image' },
  ],
};

describe('mapValidationErrors', () => {
  it('maps a nested loc to the node and param through the exact dotted path', () => {
    const mapped = mapValidationErrors(
      [
        {
          type: 'less_than_equal',
          loc: ['body', 'controlnet_image', 0, 'cn_weight'],
          msg: 'Input should be less than or equal to 2',
          input: 3,
        },
      ],
      provenance,
    );
    expect(mapped).toEqual([
      {
        nodeId: 'ip-1',
        param: 'weight',
        field: 'controlnet_image.0.cn_weight',
        message: 'Input should be less than or equal to 2 (got 3)',
      },
    ]);
  });

  it('falls back to the longest matching prefix', () => {
    const [m] = mapValidationErrors(
      [
        {
          type: 'enum',
          loc: ['body', 'controlnet_image', 1, 'cn_type'],
          msg: "Input should be 'ImagePrompt'",
        },
      ],
      provenance,
    );
    expect(m).toMatchObject({ nodeId: 'ip-2', field: 'controlnet_image.1.cn_type' });
    expect(m!.param).toBeUndefined();
  });

  it('returns one error per owning node when several nodes made the field', () => {
    const mapped = mapValidationErrors(
      [
        {
          type: 'string_type',
          loc: ['body', 'uov_input_image'],
          msg: 'Input should be a valid string',
          input: 5,
        },
      ],
      provenance,
    );
    expect(mapped.map((m) => m.nodeId)).toEqual(['vary', 'img-1']);
  });

  it('keeps unattached errors (no provenance, query params, whole-body errors)', () => {
    const mapped = mapValidationErrors(
      [
        {
          type: 'missing',
          loc: ['body', 'loras', 0, 'enabled'],
          msg: 'Field required',
          input: { model_name: 'x' },
        },
        { type: 'missing', loc: ['query', 'action'], msg: 'Field required' },
        { type: 'missing', loc: ['body'], msg: 'Field required' },
      ],
      provenance,
    );
    expect(mapped).toEqual([
      { field: 'loras.0.enabled', message: 'Field required' },
      { field: 'query.action', message: 'Field required' },
      { field: '', message: 'Field required' },
    ]);
  });
});
