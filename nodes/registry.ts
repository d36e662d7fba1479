import { enhanceRegion } from './kinds/enhance-region.ts';
import { imagePrompt } from './kinds/image-prompt.ts';
import { inpaint } from './kinds/inpaint.ts';
import { inputImage } from './kinds/input-image.ts';
import { mask } from './kinds/mask.ts';
import { note } from './kinds/note.ts';
import { output } from './kinds/output.ts';
import { promptSettings } from './kinds/prompt-settings.ts';
import { upscale } from './kinds/upscale.ts';
import { vary } from './kinds/vary.ts';
import type { NodeKind } from './types.ts';

/** Every node kind, in palette order. */
export const NODE_KINDS = {
  promptSettings,
  inputImage,
  mask,
  imagePrompt,
  vary,
  upscale,
  inpaint,
  enhanceRegion,
  output,
  note,
} as const;

export type KindName = keyof typeof NODE_KINDS;

export function getKind(kind: string): NodeKind | undefined {
  // Own keys only: "constructor" or "__proto__" in a hostile file must be an unknown kind, not a crash.
  return Object.hasOwn(NODE_KINDS, kind) ? (NODE_KINDS as Record<string, NodeKind>)[kind] : undefined;
}

export function isKindName(kind: string): kind is KindName {
  return Object.hasOwn(NODE_KINDS, kind);
}

export { enhanceRegion, imagePrompt, inpaint, inputImage, mask, note, output, promptSettings, upscale, vary };
