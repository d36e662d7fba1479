/** Step 3, per node: a Vary/Upscale step and an Inpaint's params from the request. */
import { setParam } from '../../nodes/set-param.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import type { CommonRequest } from '../../contract/fields.ts';
import type { adder } from './adder.ts';
export function addUov(
  b: GraphBuilder,
  add: ReturnType<typeof adder>,
  r: CommonRequest,
  method: string,
  runIn: 'main' | 'enhance',
  input: string,
): string {
  const isVary = method.startsWith('Vary');
  const where = (p: string) =>
    ({
      method: runIn === 'main' ? 'uov_method' : 'enhance_uov_method',
      strength: isVary ? 'overwrite_vary_strength' : 'overwrite_upscale_strength',
      factor: 'upscale_multiple',
      promptType: 'enhance_uov_prompt_type',
    })[p] ?? p;
  const id = isVary
    ? add(
        'vary',
        {
          method,
          runIn,
          strength: r.overwrite_vary_strength > 0 ? r.overwrite_vary_strength : -1,
          promptType: r.enhance_uov_prompt_type,
        },
        where,
      )
    : add(
        'upscale',
        {
          method,
          runIn,
          factor: r.upscale_multiple,
          strength: r.overwrite_upscale_strength > 0 ? r.overwrite_upscale_strength : -1,
          promptType: r.enhance_uov_prompt_type,
        },
        where,
      );
  b.wire(input, id);
  return id;
}

export function inpaintParams(r: CommonRequest): Record<string, unknown> {
  const p = {
    inpaint_engine: r.inpaint_engine,
    inpaint_strength: r.inpaint_strength,
    inpaint_respective_field: r.inpaint_respective_field,
    inpaint_disable_initial_latent: r.inpaint_disable_initial_latent,
    inpaint_erode_or_dilate: r.inpaint_erode_or_dilate,
    inpaint_additional_prompt: r.inpaint_additional_prompt,
    outpaint_selections: r.outpaint_selections,
    outpaint_distance:
      r.outpaint_distance.length >= 4
        ? r.outpaint_distance.slice(0, 4).map((x) => Math.max(0, x))
        : [0, 0, 0, 0],
  };
  // The Method follows the four preset fields, through the same coupled-field rules as the editor.
  return setParam('inpaint', p, 'inpaint_engine', p.inpaint_engine);
}
