/**
 * The rule registry: every diagnostic code maps to exactly ONE owning file, which holds all of its
 * wording and is the only place that raises it (other steps — `findChain`, `assignStages`,
 * `prepareImages`, the CLI — call the owner's functions). A newcomer looks a code up here, opens
 * the owner, and finds every way it can be reported. `test/compiler/rule-registry.test.ts` checks
 * that each G-code of fooocus-semantics §4 has an owner, that every code raised anywhere is
 * registered, is raised only in its owner, and only with a severity listed here.
 *
 * Severity policy (one for every code):
 * - error   — the request would fail (rejected, crashed worker, "finished" with no images), or
 *             something the user put in the graph — a wired node, a wire, an image, a step's own
 *             setting — would be silently dropped or overridden by the server. Run is blocked.
 * - warning — the request runs cleanly, but the result differs from what the graph suggests (fewer
 *             images than Images says, a control that likely has no effect, a shared seed, a
 *             prompt that leaks, a URL that may fail to download). Says why, with a fix when one
 *             exists. Example: Fast 2x gives 1 image when Images says 3 (G-9) — a warning with the
 *             fix "Set Images to 1", since the server runs it without complaint.
 * - info    — Fooocus Flow corrects it on the way (mask resized or inverted, encoding converted,
 *             outpaint strength forced) or the note changes nothing in the result.
 * - fixed   — never reported: the compiler makes the request right by construction (G-1, G-2 ...);
 *             the owner is the file that does it.
 * A code with variants lists each severity it may take; each variant follows the policy above.
 */
import type { Severity } from '../types.ts';

export interface RuleEntry {
  /** The file (from the repository root) that owns the code's wording and raises it. */
  owner: string;
  /** Severities the code is raised with; empty when the compiler fixes it by construction. */
  severities: readonly Severity[];
  /** One line: what the rule is about. */
  summary: string;
}

const R = (owner: string, severities: readonly Severity[], summary: string): RuleEntry => ({
  owner: `compiler/${owner}`,
  severities,
  summary,
});

export const RULES = {
  // fooocus-semantics §4, G-1..G-28
  'G-1': R('emit/main-pass.ts', [], 'image prompts packed from slot 0'),
  'G-2': R('emit/main-pass.ts', [], 'mixing flags exactly when image prompts meet a main-pass step'),
  'G-3': R('rules/main-pass.ts', ['warning'], 'Vary/Upscale and Inpaint both in the main pass'),
  'G-4': R('rules/image-prompts.ts', ['error'], 'image prompts outside the main pass are ignored'),
  'G-5': R(
    'rules/skipped-steps.ts',
    ['error', 'warning'],
    'steps Fooocus skips silently (Disabled, no mask)',
  ),
  'G-6': R('rules/inpaint.ts', ['info', 'warning'], 'mask size differs from its image: fitted'),
  'G-7': R('rules/inpaint.ts', ['info'], 'FooocusAPI ignores invert: inverted client-side'),
  'G-8': R('rules/inpaint.ts', ['info'], 'outpaint sent at strength and field 1.0'),
  'G-9': R(
    'rules/direct-return.ts',
    ['error', 'warning', 'info'],
    'an upscale that returns without diffusion',
  ),
  'G-10': R('rules/uov.ts', ['warning'], 'upscales other than Fast 2x use the prompt'),
  'G-11': R('rules/image-prompts.ts', ['warning'], 'an image prompt that stops before diffusion starts'),
  'G-12': R('rules/image-prompts.ts', ['warning'], 'control maps squeezed into the inpaint crop'),
  'G-13': R('rules/image-prompts.ts', ['warning'], 'FaceSwap without a detectable face'),
  'G-14': R('rules/shared-fields.ts', ['error'], 'one global field wanted with two values'),
  'G-15': R('rules/stage-order.ts', ['error'], 'Vary/Upscale placement in the enhance stage'),
  'G-16': R('rules/regions.ts', ['error'], 'more than three Enhance Regions'),
  'G-17': R('emit/enhance.ts', [], 'exactly three enhance_ctrls'),
  'G-18': R('rules/regions.ts', ['error', 'warning'], 'detection text and the sam model'),
  'G-19': R('rules/catalog.ts', ['error', 'warning'], 'names and sizes the server checks only at run time'),
  'G-20': R('emit/enhance.ts', [], 'enhance_checkbox only when stage B has work'),
  'G-21': R('rules/image-count.ts', ['info', 'warning'], '"Final image only" can return nothing'),
  'G-22': R('rules/image-count.ts', ['warning'], 'enhancing an upload gives one result set'),
  'G-23': R('rules/inpaint.ts', ['warning'], 'the additional prompt becomes the main prompt line'),
  'G-24': R('rules/regions.ts', ['warning'], 'enhance steps use the base seed for every image'),
  'G-25': R('rules/debug-flags.ts', ['warning'], 'debugging switches'),
  'G-26': R('emit/settings.ts', [], 'preset "initial" always sent'),
  'G-27': R('rules/image-inputs.ts', ['warning'], 'URL inputs the server downloads itself'),
  'G-28': R('plan.ts', [], 'output sizes predicted step by step'),
  // Structure and inputs
  'S-param': R('rules/params.ts', ['error'], 'a param the node kind refuses'),
  'S-unknown-kind': R('rules/params.ts', ['error'], 'a node kind this version does not know'),
  'S-bad-wire': R('rules/wiring.ts', ['error'], 'a wire of the wrong type'),
  'S-two-wires': R('rules/wiring.ts', ['error'], 'two wires into a one-wire input'),
  'S-cycle': R('rules/wiring.ts', ['error'], 'a loop of wires'),
  'S-no-output': R('rules/chain-shape.ts', ['error'], 'no Output node'),
  'S-two-outputs': R('rules/chain-shape.ts', ['error'], 'a second Output node'),
  'S-missing-input': R('rules/chain-shape.ts', ['error'], 'a step or image prompt with nothing wired in'),
  'S-branch': R('rules/chain-shape.ts', ['error'], 'one image feeding two steps'),
  'S-ignored': R('rules/chain-shape.ts', ['warning'], 'a node left out of the request'),
  'S-nothing-to-do': R('rules/chain-shape.ts', ['error'], 'an upload sent to Output untouched'),
  'S-empty': R('rules/chain-shape.ts', ['error'], 'an empty workflow (command line)'),
  'S-bad-source': R('rules/stage-order.ts', ['error'], 'a chain that starts at no source'),
  'S-inpaint-position': R('rules/stage-order.ts', ['error'], 'an Inpaint after the first step'),
  'S-custom-factor': R('rules/uov.ts', ['warning'], 'Upscale (Custom) factors Fooocus misreads'),
  'S-mask-image': R('rules/inpaint.ts', ['warning'], 'a mask drawn on another image'),
  'S-too-many-image-prompts': R('rules/image-prompts.ts', ['error'], 'more than four image prompts'),
  'S-disabled': R('rules/regions.ts', ['info'], 'a disabled region'),
  'S-no-image': R('rules/image-inputs.ts', ['error'], 'an image input with no image'),
  'S-asset-unlisted': R('rules/image-inputs.ts', ['error'], 'an asset missing from the assets table'),
  'S-missing-asset': R('rules/image-inputs.ts', ['error'], 'an image not stored here'),
  'S-bad-image': R('rules/image-inputs.ts', ['error'], 'an image that cannot be decoded'),
  'S-image-encoding': R('rules/image-inputs.ts', ['info'], 'an encoding Fooocus misreads: converted'),
  'S-image-too-large': R('rules/image-inputs.ts', ['error'], 'an image over the pixel budget (not decoded)'),
  'S-remote-image': R('rules/image-inputs.ts', ['warning'], 'an http(s) image --fetch-images could not read'),
  'S-step': R('steps/compile-steps.ts', ['info'], 'where a step of a pipeline starts, and why'),
  'S-exif-orientation': R('rules/image-inputs.ts', ['warning'], 'EXIF orientation FooocusAPI ignores'),
} as const satisfies Record<string, RuleEntry>;

export type RuleCode = keyof typeof RULES;
