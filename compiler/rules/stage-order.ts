/**
 * Steps that cannot go where they are on the chain (fooocus-semantics §2, §5.4): a chain that does
 * not start at a source, an Inpaint after the first step, more than one Vary/Upscale in the enhance
 * stage or one between two regions. Codes: S-bad-source, S-inpaint-position, G-15.
 * `assignStages` decides when; the words live here.
 */
import { t } from '../../nodes/field.ts';
import type { WorkflowNode } from '../../nodes/graph.ts';
import type { DiagnosticList } from '../diagnostics.ts';

export function badSource(d: DiagnosticList, source: WorkflowNode): void {
  d.error(
    'S-bad-source',
    source.id,
    t(
      'A chain must start at an Input Image (image editing) or at Prompt & Settings (text-to-image).',
      '处理链必须从“输入图像”（图像编辑）或“提示词与设置”（文生图）开始。',
    ),
  );
}

/** An Inpaint that is not the first step after an Input Image (`textToImage`: the chain starts at Prompt & Settings). */
export function inpaintPosition(d: DiagnosticList, n: WorkflowNode, textToImage: boolean): void {
  d.error(
    'S-inpaint-position',
    n.id,
    textToImage
      ? t(
          'Inpaint needs an uploaded image and a mask drawn on it; it cannot repaint an image generated in the same request. Start the chain at an Input Image, or use an Enhance Region (automatic mask) here.',
          '重绘需要上传的图像和在其上绘制的蒙版，不能重绘同一请求中生成的图像。请让链条从输入图像开始，或在此改用区域增强（自动蒙版）。',
        )
      : t(
          'Inpaint must be the first step after the Input Image: in one request it runs in the main pass only. Move it up, or use an Enhance Region (automatic mask) here.',
          '重绘必须是输入图像之后的第一步：一个请求中它只能在主流程运行。请把它移到前面，或在此改用区域增强（自动蒙版）。',
        ),
  );
}

/** A second Vary/Upscale in the enhance stage. */
export function extraEnhanceUov(d: DiagnosticList, n: WorkflowNode): void {
  d.error(
    'G-15',
    n.id,
    t(
      'Too many Vary/Upscale steps: the enhance stage holds one, before the first or after the last region. Remove this one or split into two workflows.',
      'Vary/放大步骤过多：增强阶段只能有一个，位于第一个区域之前或最后一个区域之后。请删除此步骤或拆分为两个工作流。',
    ),
  );
}

/** A Vary/Upscale between two Enhance Regions. */
export function uovBetweenRegions(d: DiagnosticList, uov: WorkflowNode): void {
  d.error(
    'G-15',
    uov.id,
    t(
      'A Vary/Upscale between two Enhance Regions cannot run: the enhance stage runs it before the first region or after the last. Move it to one end.',
      '位于两个区域增强之间的 Vary/放大无法运行：增强阶段只能在第一个区域之前或最后一个之后运行它。请移到一端。',
    ),
  );
}
