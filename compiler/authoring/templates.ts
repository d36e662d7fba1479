/**
 * Start-screen templates: one per scenario of the source documents (shared/seeds) plus plain
 * text-to-image. Images are left empty for the user to pick; everything else matches the documents.
 * Each exposes its images and prompt under short names, so a saved template runs from the command
 * line: `fooocus-flow run t.json --input image=a.png --input reference=b.png --set prompt="..."`.
 */
import { GraphBuilder } from '../../nodes/build.ts';
import { t } from '../../nodes/field.ts';
import type { ExposedParam, Workflow } from '../../nodes/graph.ts';
import type { LocalText } from '../../nodes/types.ts';

export interface Template {
  id: string;
  title: LocalText;
  description: LocalText;
  build(): Workflow;
}

/** The documents' image prompt: stop 0.5 / weight 0.6 (the Fooocus UI defaults for ImagePrompt). */
const DOC_IMAGE_PROMPT = { cn_type: 'ImagePrompt', cn_stop: 0.5, cn_weight: 0.6 };

/** Adds the reference image and its Image Prompt; returns the reference's Input Image id. */
function withImagePrompt(b: GraphBuilder, target: string): string {
  const ref = b.add('inputImage', {}, 'Reference');
  const ip = b.add('imagePrompt', DOC_IMAGE_PROMPT);
  b.wire(ref, ip).wire(ip, target, 'imagePrompts');
  return ref;
}

/** The workflow with its run-time parameters named: `{ name: [nodeId, param] }`. */
function exposing(wf: Workflow, params: Record<string, [string, string]>): Workflow {
  const exposed: ExposedParam[] = Object.entries(params).map(([name, [nodeId, param]]) => ({
    nodeId,
    param,
    name,
  }));
  return { ...wf, exposed };
}

export const TEMPLATES: Template[] = [
  {
    id: 'text-to-image',
    title: t('Text to image', '文生图'),
    description: t('A prompt and settings, straight to the output.', '提示词与设置，直接输出。'),
    build() {
      const b = new GraphBuilder();
      const s = b.add('promptSettings', { prompt: 'a lighthouse on a cliff at dawn, dramatic sky' });
      const out = b.add('output');
      b.wire(s, out);
      return exposing(b.build('Text to image'), { prompt: [s, 'prompt'] });
    },
  },
  {
    id: 'vary-image-prompt',
    title: t('Vary + Image Prompt', '变化 + 图像提示'),
    description: t(
      'Vary (Strong) an image while a second image conditions it (MixImagePrompt, first example).',
      '对图像做强烈变化，同时用第二张图作为条件（MixImagePrompt 第一个示例）。',
    ),
    build() {
      const b = new GraphBuilder();
      const s = b.add('promptSettings');
      const img = b.add('inputImage', {}, 'Image to vary');
      const vary = b.add('vary', { method: 'Vary (Strong)' });
      const out = b.add('output');
      b.wire(img, vary).wire(vary, out);
      const ref = withImagePrompt(b, vary);
      return exposing(b.build('Vary + Image Prompt'), {
        image: [img, 'image'],
        reference: [ref, 'image'],
        prompt: [s, 'prompt'],
      });
    },
  },
  {
    id: 'inpaint-image-prompt',
    title: t('Inpaint + Image Prompt', '重绘 + 图像提示'),
    description: t(
      'Repaint the masked area guided by a reference image (MixImagePrompt, second example).',
      '在参考图引导下重绘蒙版区域（MixImagePrompt 第二个示例）。',
    ),
    build() {
      const b = new GraphBuilder();
      const s = b.add('promptSettings');
      const img = b.add('inputImage', {}, 'Image to inpaint');
      const mask = b.add('mask');
      const inpaint = b.add('inpaint');
      const out = b.add('output');
      b.wire(img, inpaint).wire(img, mask).wire(mask, inpaint, 'mask').wire(inpaint, out);
      const ref = withImagePrompt(b, inpaint);
      return exposing(b.build('Inpaint + Image Prompt'), {
        image: [img, 'image'],
        mask: [mask, 'image'],
        reference: [ref, 'image'],
        prompt: [s, 'prompt'],
      });
    },
  },
  {
    id: 'vary-inpaint-image-prompt',
    title: t('Everything mixed (大杂烩)', '大杂烩（全部混合）'),
    description: t(
      'Vary, Inpaint and an Image Prompt in one request (MixImagePrompt, third example). Fooocus Flow explains on the Vary node what really runs.',
      '在一个请求中同时使用变化、重绘和图像提示（MixImagePrompt 第三个示例）。Vary 节点上会说明实际运行的内容。',
    ),
    build() {
      const b = new GraphBuilder();
      const s = b.add('promptSettings');
      const img = b.add('inputImage', {}, 'Image');
      const vary = b.add('vary', { method: 'Vary (Strong)' });
      const mask = b.add('mask');
      const inpaint = b.add('inpaint');
      const out = b.add('output');
      b.wire(img, vary).wire(vary, inpaint).wire(img, mask).wire(mask, inpaint, 'mask').wire(inpaint, out);
      const ref = withImagePrompt(b, vary);
      return exposing(b.build('Everything mixed'), {
        image: [img, 'image'],
        mask: [mask, 'image'],
        reference: [ref, 'image'],
        prompt: [s, 'prompt'],
      });
    },
  },
  {
    id: 'enhance-chain',
    title: t('Enhance: Vary → face → mouse → eye', '增强：变化 → face → mouse → eye'),
    description: t(
      'Vary (Strong) an image, then repaint the face, "mouse" and eyes in turn (ImageEnhance example; "mouse" is the document’s word and usually finds nothing).',
      '先对图像做强烈变化，再依次重绘脸、“mouse”和眼睛（ImageEnhance 示例；“mouse”是原文用词，通常检测不到）。',
    ),
    build() {
      const b = new GraphBuilder();
      const s = b.add('promptSettings');
      const img = b.add('inputImage', {}, 'Portrait');
      const vary = b.add('vary', { method: 'Vary (Strong)' });
      const regions = ['face', 'mouse', 'eye'].map((w) =>
        b.add('enhanceRegion', { enhance_mask_dino_prompt: w }),
      );
      const out = b.add('output');
      b.wire(img, vary)
        .wire(vary, regions[0]!)
        .wire(regions[0]!, regions[1]!)
        .wire(regions[1]!, regions[2]!)
        .wire(regions[2]!, out);
      return exposing(b.build('Enhance chain'), { image: [img, 'image'], prompt: [s, 'prompt'] });
    },
  },
];

export function getTemplate(id: string): Template | undefined {
  return TEMPLATES.find((x) => x.id === id);
}
