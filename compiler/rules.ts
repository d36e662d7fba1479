/**
 * Graph rules from fooocus-semantics §4 (G-1..G-28) that need more than the chain's shape.
 * Each rule says what Fooocus would do and what to do instead, on the node (and field) at fault.
 */
import { t } from '../nodes/field.ts';
import type { Workflow, WorkflowNode } from '../nodes/graph.ts';
import { getKind } from '../nodes/registry.ts';
import type { CompileContext } from './compile.ts';
import type { DiagnosticList } from './diagnostics.ts';
import { assetHashOf } from '../nodes/assets.ts';
import { isImageGiven } from '../contract/fields.ts';
import { knownSizeOf } from './images.ts';
import { STOCK_STYLES } from '../contract/styles.ts';
import { inpaintImageNode } from './inpaint-image.ts';
import { dataUrlImageProblem, imageProblemText } from './prepare/image-format.ts';

const name = (n: WorkflowNode) => {
  const k = getKind(n.kind);
  return { en: k?.title.en ?? n.kind, zh: k?.title.zh ?? n.kind };
};

/** Wires whose ends do not fit (possible in hand-edited files; the editor refuses them). */
export function checkEdges(wf: Workflow, d: DiagnosticList): void {
  const byId = new Map(wf.nodes.map((n) => [n.id, n]));
  // Wires per input port, counted once (graphs reach thousands of wires).
  const perInput = new Map<string, number>();
  for (const e of wf.edges)
    perInput.set(
      `${e.target}\u0000${e.targetHandle}`,
      (perInput.get(`${e.target}\u0000${e.targetHandle}`) ?? 0) + 1,
    );
  const reported = new Set<string>();
  for (const e of wf.edges) {
    const src = byId.get(e.source);
    const dst = byId.get(e.target);
    const out = src && getKind(src.kind)?.outputs.find((p) => p.id === e.sourceHandle);
    const inp = dst && getKind(dst.kind)?.inputs.find((p) => p.id === e.targetHandle);
    if (!src || !dst || !out || !inp) continue;
    if (out.type !== inp.type || (inp.acceptsKinds && !inp.acceptsKinds.includes(src.kind))) {
      d.error(
        'S-bad-wire',
        dst.id,
        inp.acceptsReason && out.type === inp.type
          ? inp.acceptsReason
          : t(
              `The wire from ${name(src).en} into "${inp.label.en}" carries the wrong kind of data (${out.type} into ${inp.type}). Remove it.`,
              `从 ${name(src).zh} 到“${inp.label.zh}”的连线数据类型不符（${out.type} → ${inp.type}）。请删除它。`,
            ),
        {
          field: inp.id,
          fix: { label: t('Remove the wire', '删除连线'), edits: [{ op: 'removeEdge', edgeId: e.id }] },
        },
      );
    }
    const key = `${e.target}\u0000${e.targetHandle}`;
    const count = perInput.get(key)!;
    if (!inp.multiple && count > 1 && !reported.has(key)) {
      reported.add(key);
      d.error(
        'S-two-wires',
        dst.id,
        t(
          `"${inp.label.en}" takes one wire, but ${count} end here. Keep one.`,
          `“${inp.label.zh}”只接受一条连线，但这里有 ${count} 条。请只保留一条。`,
        ),
        { field: inp.id },
      );
    }
  }
}

/** Every image a request will carry must be set; URLs have a silent failure mode (G-27). */
/** The one-click fix "Set Images to 1" on Prompt & Settings (nothing to offer without that node). */
function setImagesToOne(settingsId: string | undefined) {
  return settingsId
    ? {
        field: 'image_number',
        fix: {
          label: t('Set Images to 1', '把图像数量设为 1'),
          edits: [{ op: 'setParam' as const, nodeId: settingsId, param: 'image_number', value: 1 }],
        },
      }
    : undefined;
}

export function checkSources(ctx: CompileContext): void {
  const used = new Set<string>();
  const s = ctx.stages;
  if (s && s.source.kind === 'inputImage') used.add(s.source.id);
  for (const ref of ctx.imagePromptRefs.values()) used.add(ref.id);
  for (const n of s?.main ?? []) {
    const m = (ctx.chain.g.incoming.get(n.id) ?? []).find((e) => e.targetHandle === 'mask');
    if (m) used.add(m.source);
    if (n.kind === 'inpaint') used.add(inpaintImageNode(ctx.chain.g, s!, n).id);
  }
  for (const id of used) {
    const n = ctx.chain.g.node.get(id);
    if (!n) continue;
    const image = ctx.images[id]?.data ?? n.params.image;
    if (!isImageGiven(image)) {
      d(ctx).error(
        'S-no-image',
        n.id,
        t(
          `${name(n).en} has no image: pick a file, drop or paste one, or give a URL the FooocusAPI server can reach.`,
          `${name(n).zh} 没有图像：请选择文件、拖入或粘贴，或填写 FooocusAPI 服务器可访问的网址。`,
        ),
        { field: 'image' },
      );
    } else if (/^https?:\/\//.test(image)) {
      const local = /^https?:\/\/(localhost|127\.|\[::1\])/.test(image);
      d(ctx).warn(
        'G-27',
        n.id,
        local
          ? t(
              'The FooocusAPI server downloads this URL itself, so "localhost" means the server’s machine. If the download fails, Fooocus silently runs without the image; upload the file instead to be sure.',
              '此网址由 FooocusAPI 服务器自行下载，“localhost”指的是服务器所在的机器。下载失败时 Fooocus 会悄悄地不使用这张图；直接上传文件更可靠。',
            )
          : t(
              'The FooocusAPI server downloads this URL itself (20 s limit, no redirects). If that fails, Fooocus silently runs without the image; upload the file instead to be sure.',
              '此网址由 FooocusAPI 服务器自行下载（20 秒超时，不跟随重定向）。失败时 Fooocus 会悄悄地不使用这张图；直接上传文件更可靠。',
            ),
        { field: 'image' },
      );
    } else if (assetHashOf(image) && !ctx.wf.assets[assetHashOf(image)!]) {
      // The bytes may still be stored, but without type and size the request cannot be planned.
      d(ctx).error(
        'S-asset-unlisted',
        n.id,
        t(
          `${name(n).en} refers to an image this workflow does not list in its assets (the document was edited by hand or cut): pick the image again.`,
          `${name(n).zh} 引用的图像不在此工作流的素材列表中（文档被手动修改或不完整）：请重新选择图像。`,
        ),
        { field: 'image' },
      );
    } else if (n.kind === 'inputImage') {
      checkImageEncoding(ctx, n);
    }
  }
  for (const ip of ctx.imagePrompts) {
    if (!ctx.imagePromptRefs.has(ip.id)) {
      ctx.d.error(
        'S-missing-input',
        ip.id,
        t(
          'This image prompt has no reference image: wire an Input Image into it (it is left out of the request until then).',
          '此图像提示没有参考图像：请连接一个输入图像（在此之前它不会包含在请求中）。',
        ),
        { field: 'image' },
      );
    }
  }
  if (s?.mode === 'pass-through' && !s.enhanceUov && s.regions.length === 0) {
    ctx.d.error(
      'S-nothing-to-do',
      ctx.chain.output?.id ?? s.source.id,
      s.disabledRegions.length
        ? t(
            'Every Enhance Region on the chain is disabled, so Fooocus would do nothing with the uploaded image and return no images. Enable a region or add a step.',
            '链上所有区域增强都已禁用，Fooocus 不会处理上传的图像，也不会返回图像。请启用一个区域或添加步骤。',
          )
        : t(
            'The uploaded image goes straight to Output: Fooocus would do nothing with it and return no images. Add a step between them (Vary, Upscale, Inpaint or Enhance Region).',
            '上传的图像直接连到输出：Fooocus 不会处理它，也不会返回图像。请在两者之间添加步骤（变化、放大、重绘或区域增强）。',
          ),
    );
  }
  // Masks and image prompts that lead nowhere are left out of the request.
  for (const n of ctx.wf.nodes) {
    const outgoing = ctx.chain.g.outgoing.get(n.id) ?? [];
    if (n.kind === 'imagePrompt' && !ctx.imagePromptTargets.has(n.id)) {
      d(ctx).warn(
        'S-ignored',
        n.id,
        t(
          outgoing.length
            ? 'This image prompt is wired to a node that is not on the chain to Output, so it is left out of the request.'
            : 'This image prompt is not wired to any step, so it is left out of the request. Wire it into the first image step (or Prompt & Settings).',
          outgoing.length
            ? '此图像提示连到的节点不在通向输出的链上，因此不会包含在请求中。'
            : '此图像提示没有连到任何步骤，因此不会包含在请求中。请把它连到第一个图像步骤（或“提示词与设置”）。',
        ),
      );
    }
    if (n.kind === 'mask' && !outgoing.some((e) => s?.main.some((m) => m.id === e.target))) {
      d(ctx).warn(
        'S-ignored',
        n.id,
        t(
          'This mask is not wired into the main-pass Inpaint node, so it is left out of the request.',
          '此蒙版没有连到主流程的重绘节点，因此不会包含在请求中。',
        ),
      );
    }
  }
}

function d(ctx: CompileContext): DiagnosticList {
  return ctx.d;
}

/**
 * An upload Fooocus would misread (palette, 16-bit, grey+alpha, CMYK ...). Information, not a
 * warning: every path that sends (editor run, CLI run and compile) re-encodes it in `prepareImages`.
 */
function checkImageEncoding(ctx: CompileContext, n: WorkflowNode): void {
  const problem = dataUrlImageProblem(String(n.params.image));
  if (problem) ctx.d.info('S-image-encoding', n.id, imageProblemText(problem), { field: 'image' });
}

export function checkSettings(ctx: CompileContext): void {
  const s = ctx.stages;
  const settingsId = ctx.chain.settings?.id;
  const n = Number(ctx.settings.image_number);
  if (s?.mode === 'pass-through' && n > 1) {
    ctx.d.error(
      'G-22',
      settingsId ?? s.source.id,
      t(
        `Enhancing an uploaded image always gives one result set: Fooocus forces image_number to 1, so ${n} images cannot be made. Set Images to 1 (or add a Vary in the main pass to get variations).`,
        `增强上传的图像时只会得到一组结果：Fooocus 会把 image_number 强制为 1，无法生成 ${n} 张。请把图像数量设为 1（或在主流程加入 Vary 以获得多个变化）。`,
      ),
      setImagesToOne(settingsId),
    );
  }
  if (s && s.mode !== 'pass-through' && n > 1 && s.regions.length > 0) {
    ctx.d.warn(
      'G-24',
      settingsId ?? s.regions[0]!.id,
      t(
        `Each of the ${n} images uses seed + i, but every Enhance Region step uses the base seed for all of them.`,
        `这 ${n} 张图各自使用 种子 + i，但每个区域增强步骤对所有图都使用基础种子。`,
      ),
      { field: 'image_number' },
    );
  }
  const DEBUG_FLAGS = {
    debugging_dino: t(
      'debugging_dino is a debugging switch: enhance regions use the detection boxes as masks instead of SAM’s outlines. Turn it off for normal runs.',
      'debugging_dino 是调试开关：区域增强会用检测框代替 SAM 轮廓作为蒙版。正常运行时请关闭。',
    ),
    debugging_enhance_masks_checkbox: t(
      'debugging_enhance_masks_checkbox has no effect through the API: the mask previews it adds are dropped from the results. Turn it off.',
      'debugging_enhance_masks_checkbox 通过 API 不起作用：它添加的蒙版预览会从结果中丢弃。请关闭。',
    ),
  } as const;
  for (const [flag, message] of Object.entries(DEBUG_FLAGS)) {
    if (ctx.settings[flag] === true && settingsId) ctx.d.warn('G-25', settingsId, message, { field: flag });
  }
  if (settingsId) checkCatalog(ctx, settingsId);
  if (settingsId && s) {
    const { aspect_ratios_selection: ar } = ctx.settings;
    if (typeof ar === 'string' && !/^\d+\*\d+$/.test(ar)) {
      ctx.d.error(
        'G-19',
        settingsId,
        t('Size must be "W*H", e.g. 1152*896.', '尺寸必须为“宽*高”，例如 1152*896。'),
        { field: 'aspect_ratios_selection' },
      );
    }
  }
}

export function checkUov(ctx: CompileContext): void {
  const s = ctx.stages;
  if (!s) return;
  const uovs = [
    ...s.main.filter((n) => n.kind === 'vary' || n.kind === 'upscale'),
    ...(s.enhanceUov ? [s.enhanceUov.node] : []),
  ];
  for (const n of uovs) {
    if (n.params.method === 'Disabled') {
      ctx.d.error(
        'G-5',
        n.id,
        t(
          `${name(n).en} is set to Disabled: Fooocus would ignore the image and run plain text-to-image. Pick a method or remove the node.`,
          `${name(n).zh} 设为禁用：Fooocus 会忽略图像而直接文生图。请选择方法或删除此节点。`,
        ),
        { field: 'method' },
      );
    }
    const prompt = String(ctx.settings.prompt ?? '').trim();
    const directReturn = s.mainDirectReturn && s.main[0] === n;
    if (
      n.kind === 'upscale' &&
      n.params.method !== 'Upscale (Fast 2x)' &&
      n.params.method !== 'Disabled' &&
      !directReturn &&
      prompt
    ) {
      ctx.d.warn(
        'G-10',
        n.id,
        t(
          'This upscale uses your prompt: it refines at denoise 0.382 after super-resolution. Only Fast 2x ignores prompts.',
          '此放大会使用你的提示词：超分辨率后以 0.382 去噪精修。只有快速 2 倍会忽略提示词。',
        ),
        { field: 'method' },
      );
    }
  }
  checkDirectReturn(ctx);
  checkCustomFactor(ctx);
  // G-14: the strength overrides are global, shared by the main-pass and the enhance-stage step.
  for (const kind of ['vary', 'upscale'] as const) {
    const same = uovs.filter((n) => n.kind === kind);
    const custom = same.filter((n) => Number(n.params.strength) > 0);
    if (same.length > 1 && custom.length > 0) {
      const values = new Set(same.map((n) => Number(n.params.strength)));
      if (values.size > 1) {
        const setTo = Number(custom[0]!.params.strength);
        ctx.d.error(
          'G-14',
          custom[0]!.id,
          t(
            `Two ${kind === 'vary' ? 'Vary' : 'Upscale'} steps with different strengths: Fooocus has one ${kind === 'vary' ? 'overwrite_vary_strength' : 'overwrite_upscale_strength'} for the whole request. Give them the same strength.`,
            `两个${kind === 'vary' ? 'Vary' : '放大'}步骤的强度不同：整个请求只有一个 ${kind === 'vary' ? 'overwrite_vary_strength' : 'overwrite_upscale_strength'}。请设为相同强度。`,
          ),
          {
            field: 'strength',
            fix: {
              label: t(`Use ${setTo} for both`, `两者都用 ${setTo}`),
              edits: same.map((x) => ({
                op: 'setParam' as const,
                nodeId: x.id,
                param: 'strength',
                value: setTo,
              })),
            },
          },
        );
      }
    }
  }
  // G-3: Vary/Upscale and Inpaint both in the main pass (the documented "hodgepodge").
  const mainUov = s.main.find((n) => n.kind === 'vary' || n.kind === 'upscale');
  const mainInpaint = s.main.find((n) => n.kind === 'inpaint');
  if (mainUov && mainInpaint) {
    const fast = mainUov.kind === 'upscale' && mainUov.params.method === 'Upscale (Fast 2x)';
    ctx.d.warn(
      'G-3',
      mainUov.id,
      fast
        ? t(
            'Fast 2x upscale returns at once: the Inpaint and image prompts after it never run. Move the upscale after the Inpaint (it then runs in the enhance stage).',
            '快速 2 倍放大会立即返回：其后的重绘和图像提示都不会运行。请把放大移到重绘之后（将在增强阶段运行）。',
          )
        : ctx.imagePrompts.length
          ? t(
              `${name(mainUov).en} and Inpaint both run in the main pass, but the Inpaint overwrites the ${name(mainUov).en.toLowerCase()} result: what you get is Inpaint + image prompt on the input image; the ${name(mainUov).en} only costs time. To really vary the inpainted result, move ${name(mainUov).en} after Inpaint (enhance stage).`,
              `${name(mainUov).zh}与重绘都在主流程运行，但重绘会覆盖${name(mainUov).zh}的结果：实际得到的是对输入图像的重绘 + 图像提示，${name(mainUov).zh}只是白白耗时。若要真正变化重绘结果，请把${name(mainUov).zh}移到重绘之后（增强阶段）。`,
            )
          : t(
              `Without an image prompt, FooocusAPI runs only the ${name(mainUov).en} and silently ignores the Inpaint. Move ${name(mainUov).en} after Inpaint (enhance stage), or add an image prompt.`,
              `没有图像提示时，FooocusAPI 只运行${name(mainUov).zh}，并悄悄忽略重绘。请把${name(mainUov).zh}移到重绘之后（增强阶段），或添加图像提示。`,
            ),
      { field: 'method' },
    );
  }
}

export function checkInpaint(ctx: CompileContext): void {
  const s = ctx.stages;
  const n = s?.main.find((x) => x.kind === 'inpaint');
  if (!s || !n) return;
  const maskEdge = (ctx.chain.g.incoming.get(n.id) ?? []).find((e) => e.targetHandle === 'mask');
  const mask = maskEdge ? ctx.chain.g.node.get(maskEdge.source) : undefined;
  const directions = n.params.outpaint_selections as string[];
  if (!mask && directions.length === 0) {
    ctx.d.error(
      'G-5',
      n.id,
      t(
        'Inpaint has no mask and no outpaint direction: Fooocus would skip it silently and run plain text-to-image. Wire a Mask in, or pick outpaint directions.',
        '重绘既没有蒙版也没有扩图方向：Fooocus 会悄悄跳过它并直接文生图。请连接蒙版，或选择扩图方向。',
      ),
      { field: 'mask' },
    );
  }
  if (
    directions.length > 0 &&
    (Number(n.params.inpaint_strength) !== 1 || Number(n.params.inpaint_respective_field) !== 1)
  ) {
    ctx.d.info(
      'G-8',
      n.id,
      t(
        'Outpaint is sent with strength 1.0 and respective field 1.0, as Fooocus intends (version 2.5 no longer enforces it itself).',
        '扩图以强度 1.0、参考范围 1.0 发送，这是 Fooocus 的本意（2.5 版本不再自动强制）。',
      ),
      { field: 'inpaint_strength' },
    );
  }
  if (mask && s.main[0] === n) {
    const refEdge = (ctx.chain.g.incoming.get(mask.id) ?? []).find((e) => e.targetHandle === 'image');
    if (refEdge && refEdge.source !== s.source.id) {
      ctx.d.warn(
        'S-mask-image',
        mask.id,
        t(
          'This mask is drawn on a different image than the one being inpainted. Wire the mask’s image input from the same Input Image as the Inpaint.',
          '此蒙版绘制在另一张图像上，而不是被重绘的图像。请让蒙版的图像输入与重绘节点来自同一个输入图像。',
        ),
        { field: 'image' },
      );
    }
  }
  if (mask) {
    const image = knownSizeOf(s.source, ctx.images, ctx.wf.assets);
    const m = knownSizeOf(mask, ctx.images, ctx.wf.assets);
    if (image && m && (image.width !== m.width || image.height !== m.height)) {
      ctx.d.info(
        'G-6',
        mask.id,
        t(
          `The mask is ${m.width}×${m.height} but the image is ${image.width}×${image.height}; a different size would crash the worker, so Fooocus Flow resizes the mask before sending.`,
          `蒙版为 ${m.width}×${m.height}，图像为 ${image.width}×${image.height}；尺寸不同会使工作进程崩溃，因此 Fooocus Flow 会在发送前缩放蒙版。`,
        ),
        { field: 'image' },
      );
    }
    if (mask.params.invert === true && !ctx.images[mask.id]) {
      ctx.d.info(
        'G-7',
        mask.id,
        t(
          'FooocusAPI ignores its invert flag, so Fooocus Flow inverts the mask pixels when it prepares the request.',
          'FooocusAPI 会忽略其反转选项，因此 Fooocus Flow 在准备请求时自行反转蒙版像素。',
        ),
        { field: 'invert' },
      );
    }
  }
  if (
    String(n.params.inpaint_additional_prompt ?? '').trim() &&
    s.regions.some((r) => !String(r.params.enhance_prompt ?? '').trim())
  ) {
    ctx.d.warn(
      'G-23',
      n.id,
      t(
        'The additional prompt becomes the first line of the main prompt, and Enhance Regions with an empty prompt use that main prompt too. Give those regions their own prompt if that is not wanted.',
        '附加提示词会成为主提示词的第一行，提示词为空的区域增强也会使用它。若不希望如此，请为这些区域填写自己的提示词。',
      ),
      { field: 'inpaint_additional_prompt' },
    );
  }
}

export function checkImagePrompts(ctx: CompileContext): void {
  const s = ctx.stages;
  if (!s) return;
  const mainIds = new Set([
    ...s.main.map((n) => n.id),
    ...(s.mode === 'text-to-image' ? [s.source.id] : []),
    ...(ctx.chain.settings ? [ctx.chain.settings.id] : []),
  ]);
  ctx.imagePrompts.forEach((ip, i) => {
    const target = ctx.imagePromptTargets.get(ip.id)!;
    if (s.mode === 'pass-through' || !mainIds.has(target.id)) {
      ctx.d.error(
        'G-4',
        ip.id,
        s.mode === 'pass-through'
          ? t(
              'Image prompts do nothing when an uploaded image is only enhanced: Fooocus runs no main pass then. Remove it, or put a Vary in the main pass.',
              '只对上传图像做增强时图像提示不起作用：此时 Fooocus 不运行主流程。请删除它，或在主流程加入 Vary。',
            )
          : t(
              'Image prompts only condition the main pass; the enhance stage never uses them. Wire it into the first image step (or Prompt & Settings).',
              '图像提示只作用于主流程，增强阶段从不使用。请把它连到第一个图像步骤（或“提示词与设置”）。',
            ),
      );
    }
    if (i >= 4) {
      ctx.d.error(
        'S-too-many-image-prompts',
        ip.id,
        t(
          'FooocusAPI keeps only 4 image prompts and silently drops the rest. Remove this one.',
          'FooocusAPI 只保留 4 个图像提示，其余会被悄悄丢弃。请删除此节点。',
        ),
      );
    }
    const stop = Number(ip.params.cn_stop);
    const uov = s.main.find((n) => n.kind === 'vary' || n.kind === 'upscale');
    const inpaint = s.main.find((n) => n.kind === 'inpaint');
    // Inpaint wins the main pass when both are there (G-3), so its denoise is the one that counts.
    const step = inpaint ?? uov;
    const denoise = step && !s.mainDirectReturn ? mainDenoise(step) : null;
    const starts = denoise === null ? null : startProgress(denoise);
    const partial =
      starts !== null && stop <= starts + 0.01
        ? { what: `${name(step!).en} (denoise ${denoise})`, limit: Math.round(starts * 100) / 100 }
        : null;
    if (partial) {
      ctx.d.warn(
        'G-11',
        ip.id,
        t(
          `With ${partial.what} the diffusion starts late (at about ${partial.limit} of the way), so an image prompt that stops at ${stop} likely has no effect. Raise "Stop at".`,
          `使用 ${partial.what} 时扩散开始得较晚（约在 ${partial.limit} 处），在 ${stop} 停止的图像提示很可能不起作用。请提高“停止于”。`,
        ),
        {
          field: 'cn_stop',
          fix: {
            label: t('Stop at 0.9', '停止于 0.9'),
            edits: [{ op: 'setParam', nodeId: ip.id, param: 'cn_stop', value: 0.9 }],
          },
        },
      );
    }
    if (
      (ip.params.cn_type === 'PyraCanny' || ip.params.cn_type === 'CPDS') &&
      inpaint &&
      Number(inpaint.params.inpaint_respective_field) < 1
    ) {
      ctx.d.warn(
        'G-12',
        ip.id,
        t(
          'With Inpaint, the whole control map is squeezed into the inpaint crop, not aligned with it. Set the Inpaint respective field to 1.0 and use a control image with the same aspect ratio.',
          '与重绘同用时，整张控制图会被压缩进重绘裁剪区域，而不是与之对齐。请把重绘参考范围设为 1.0，并使用相同宽高比的控制图。',
        ),
        {
          field: 'cn_type',
          fix: {
            label: t('Set respective field to 1.0', '把参考范围设为 1.0'),
            edits: [{ op: 'setParam', nodeId: inpaint.id, param: 'inpaint_respective_field', value: 1 }],
          },
        },
      );
    }
    if (ip.params.cn_type === 'FaceSwap') {
      ctx.d.warn(
        'G-13',
        ip.id,
        t(
          'FaceSwap crops the most confident face; if the reference shows no detectable face, Fooocus silently uses the whole image.',
          'FaceSwap 会裁取置信度最高的人脸；若参考图中检测不到人脸，Fooocus 会悄悄使用整张图。',
        ),
        { field: 'cn_type' },
      );
    }
  });
}

export function checkRegions(ctx: CompileContext): void {
  const s = ctx.stages;
  if (!s) return;
  s.regions.forEach((r, i) => {
    const model = r.params.enhance_mask_model;
    const word = String(r.params.enhance_mask_dino_prompt ?? '').trim();
    if (model === 'sam' && !word) {
      ctx.d.error(
        'G-18',
        r.id,
        t(
          'The sam mask model finds regions by text: say what to detect (face, eye, mouth, hair, hand...).',
          'sam 蒙版模型按文本检测区域：请填写要检测的内容（face、eye、mouth、hair、hand 等）。',
        ),
        { field: 'enhance_mask_dino_prompt' },
      );
    } else if (model !== 'sam' && word) {
      ctx.d.warn(
        'G-18',
        r.id,
        t(
          `${String(model)} ignores the detection text "${word}"; only sam uses it.`,
          `${String(model)} 会忽略检测文本“${word}”；只有 sam 使用它。`,
        ),
        { field: 'enhance_mask_dino_prompt' },
      );
    }
    if (i >= 3) {
      ctx.d.error(
        'G-16',
        r.id,
        t(
          'A request holds at most 3 Enhance Regions; a fourth is ignored and shifts the server’s arguments. Disable or remove this one, or split the work into two workflows.',
          '一个请求最多 3 个区域增强；第 4 个会被忽略并打乱服务器参数。请禁用或删除此节点，或拆分为两个工作流。',
        ),
        {
          fix: {
            label: t('Disable this region', '禁用此区域'),
            edits: [{ op: 'setParam', nodeId: r.id, param: 'enabled', value: false }],
          },
        },
      );
    }
  });
  for (const r of s.disabledRegions) {
    ctx.d.info(
      'S-disabled',
      r.id,
      t(
        'Disabled: left out of the request; the chain closes the gap.',
        '已禁用：不包含在请求中，链条会跳过它。',
      ),
    );
  }
  // G-21: "final image only" can return nothing.
  const out = ctx.chain.output;
  if (out?.params.save_final_enhanced_image_only === true) {
    const last = s.regions[s.regions.length - 1];
    const afterUov = s.enhanceUov?.order === 'After Last Enhancement';
    if (!s.regions.length && !s.enhanceUov) {
      ctx.d.info(
        'G-21',
        out.id,
        t(
          '"Final image only" has no effect without an enhance stage.',
          '没有增强阶段时，“仅最终图像”不起作用。',
        ),
        { field: 'save_final_enhanced_image_only' },
      );
    } else if (last && !afterUov && last.params.enhance_mask_model === 'sam') {
      ctx.d.warn(
        'G-21',
        out.id,
        t(
          `With "Final image only", if the last region ("${String(last.params.enhance_mask_dino_prompt)}") detects nothing, Fooocus keeps the previous step in its temp folder and returns 0 images. Turn it off to get every step.`,
          `开启“仅最终图像”时，若最后一个区域（“${String(last.params.enhance_mask_dino_prompt)}”）检测不到内容，Fooocus 会把上一步留在临时文件夹，返回 0 张图。关闭它可得到每一步的结果。`,
        ),
        {
          field: 'save_final_enhanced_image_only',
          fix: {
            label: t('Return every step', '返回每一步'),
            edits: [
              { op: 'setParam', nodeId: out.id, param: 'save_final_enhanced_image_only', value: false },
            ],
          },
        },
      );
    }
  }
}

/** Names the server does not have make its worker fail: "finished" with no images (G-19, contract §3.1). */
function checkCatalog(ctx: CompileContext, settingsId: string): void {
  const styles = ctx.catalog.styles ?? STOCK_STYLES;
  const unknownStyles = (ctx.settings.style_selections as string[]).filter((x) => !styles.includes(x));
  if (unknownStyles.length) {
    ctx.d.error(
      'G-19',
      settingsId,
      t(
        `Unknown style${unknownStyles.length > 1 ? 's' : ''} ${unknownStyles.map((x) => `"${x}"`).join(', ')}: Fooocus would fail and return no images. Pick names from the server's style list.`,
        `未知风格 ${unknownStyles.map((x) => `“${x}”`).join('、')}：Fooocus 会失败且不返回图像。请从服务器的风格列表中选择。`,
      ),
      { field: 'style_selections' },
    );
  }
  const models = ctx.catalog.models;
  if (models) {
    for (const f of ['base_model_name', 'refiner_model_name'] as const) {
      const v = String(ctx.settings[f]);
      if (v !== 'None' && !models.includes(v)) {
        ctx.d.error(
          'G-19',
          settingsId,
          t(
            `The server has no model "${v}": Fooocus would fail and return no images.`,
            `服务器上没有模型“${v}”：Fooocus 会失败且不返回图像。`,
          ),
          { field: f },
        );
      }
    }
  }
  const loras = ctx.catalog.loras;
  if (loras) {
    for (const l of ctx.settings.loras as { enabled: boolean; model_name: string }[]) {
      if (l.enabled && l.model_name !== 'None' && !loras.includes(l.model_name)) {
        ctx.d.warn(
          'G-19',
          settingsId,
          t(
            `The server has no LoRA "${l.model_name}": Fooocus skips it.`,
            `服务器上没有 LoRA“${l.model_name}”：Fooocus 会跳过它。`,
          ),
          { field: 'loras' },
        );
      }
    }
  }
}

/** The denoise the main pass runs at: the override when set (> 0), else Fooocus's built-in value. */
function mainDenoise(n: WorkflowNode): number {
  if (n.kind === 'inpaint') return Number(n.params.inpaint_strength);
  const override = Number(n.params.strength);
  if (override > 0) return override;
  if (n.kind === 'upscale') return 0.382;
  return n.params.method === 'Vary (Strong)' ? 0.85 : 0.5;
}

/**
 * Diffusion progress at the first step for a given denoise ("Stop at" is compared with this, not with
 * the step index). Offline estimate for SDXL/karras/30 steps (fooocus-semantics §3.2): denoise 0.382
 * starts at ≈ 0.79, 0.5 at ≈ 0.59, 0.85 at ≈ 0.11, 1.0 at 0. Linear in between; an estimate.
 */
function startProgress(denoise: number): number {
  const points: [number, number][] = [
    [0, 1],
    [0.382, 0.79],
    [0.5, 0.59],
    [0.85, 0.11],
    [1, 0],
  ];
  const d = Math.min(1, Math.max(0, denoise));
  for (let i = 1; i < points.length; i++) {
    const [d0, p0] = points[i - 1]!;
    const [d1, p1] = points[i]!;
    if (d <= d1) return p0 + ((d - d0) / (d1 - d0)) * (p1 - p0);
  }
  return 0;
}

/** G-9: a main-pass upscale that returns without diffusion ignores image prompts and image_number. */
function checkDirectReturn(ctx: CompileContext): void {
  const s = ctx.stages;
  if (!s?.mainDirectReturn) return;
  const up = s.main[0]!;
  const why =
    up.params.method === 'Upscale (Fast 2x)'
      ? t('Fast 2x upscale returns its image without diffusion', '快速 2 倍放大不经扩散直接返回图像')
      : t(
          'This upscale’s result is over 2800 px, so Fooocus returns it without diffusion',
          '此放大结果超过 2800 像素，Fooocus 会不经扩散直接返回',
        );
  for (const ip of ctx.imagePrompts) {
    const edge = (ctx.chain.g.outgoing.get(ip.id) ?? []).find((e) => e.targetHandle === 'imagePrompts');
    ctx.d.error(
      'G-9',
      ip.id,
      t(
        `${why.en}: image prompts are ignored. Remove this image prompt, or pick Upscale 1.5x/2x.`,
        `${why.zh}：图像提示会被忽略。请删除此图像提示，或改用 1.5 倍/2 倍放大。`,
      ),
      edge
        ? { fix: { label: t('Remove the wire', '删除连线'), edits: [{ op: 'removeEdge', edgeId: edge.id }] } }
        : undefined,
    );
  }
  const n = Number(ctx.settings.image_number);
  const settingsId = ctx.chain.settings?.id;
  if (n > 1) {
    ctx.d.error(
      'G-9',
      settingsId ?? up.id,
      t(
        `${why.en}: it gives one image whatever Images says (${n}). Set Images to 1.`,
        `${why.zh}：无论图像数量设为多少（${n}）都只得到一张。请把图像数量设为 1。`,
      ),
      setImagesToOne(settingsId),
    );
  }
}

/**
 * Upscale (Custom) quirks (fooocus-semantics §3.1): in the main pass a factor whose text ends in "2"
 * (1.2, 2.2, ...) is read as 2x; in the enhance stage Custom is not rewritten and acts as 1.0x.
 */
function checkCustomFactor(ctx: CompileContext): void {
  const s = ctx.stages;
  if (!s) return;
  const main = s.main.find((n) => n.kind === 'upscale' && n.params.method === 'Upscale (Custom)');
  if (main) {
    const f = Number(main.params.factor);
    const text = Number.isInteger(f) ? `${f}.0` : String(f);
    if (text.endsWith('2') && f !== 2) {
      ctx.d.warn(
        'S-custom-factor',
        main.id,
        t(
          `Fooocus reads the factor ${text} as 2x (it tests for "2x" in "Upscale (${text}x)" first). Use ${(f + 0.01).toFixed(2)} or another factor not ending in 2.`,
          `Fooocus 会把倍数 ${text} 当作 2 倍（它先在“Upscale (${text}x)”中查找“2x”）。请改用 ${(f + 0.01).toFixed(2)} 或其他不以 2 结尾的倍数。`,
        ),
        {
          field: 'factor',
          fix: {
            label: t(`Use ${(f + 0.01).toFixed(2)}`, `改用 ${(f + 0.01).toFixed(2)}`),
            edits: [
              { op: 'setParam', nodeId: main.id, param: 'factor', value: Number((f + 0.01).toFixed(2)) },
            ],
          },
        },
      );
    }
  }
  const stageB = s.enhanceUov?.node;
  if (stageB?.kind === 'upscale' && stageB.params.method === 'Upscale (Custom)') {
    ctx.d.warn(
      'S-custom-factor',
      stageB.id,
      t(
        'In the enhance stage Fooocus does not apply the custom factor: it upscales and brings the image back to its size (1.0x), then refines. Use 1.5x or 2x here.',
        '在增强阶段 Fooocus 不会应用自定义倍数：放大后又恢复原尺寸（1.0 倍）再精修。此处请使用 1.5 倍或 2 倍。',
      ),
      {
        field: 'method',
        fix: {
          label: t('Use 2x', '改用 2 倍'),
          edits: [{ op: 'setParam', nodeId: stageB.id, param: 'method', value: 'Upscale (2x)' }],
        },
      },
    );
  }
}
