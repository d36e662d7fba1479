import { t } from './field.ts';
import type { PortSpec } from './types.ts';

/** The main-pass node's image-prompt input: up to 4 references condition the diffusion. */
export const imagePromptsInput: PortSpec = {
  id: 'imagePrompts',
  type: 'imagePrompt',
  label: t('Image prompts', '图像提示'),
  multiple: true,
};

export const imageIn: PortSpec = { id: 'image', type: 'image', label: t('Image', '图像'), required: true };
export const imageOut: PortSpec = { id: 'image', type: 'image', label: t('Image', '图像') };
