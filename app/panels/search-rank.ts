import type { NodeKind } from '../../nodes/types.ts';

/**
 * What people call each node when they search, besides its title: the Fooocus UI's words, the
 * request fields it produces, and the Chinese words a user of the zh UI types. Searching ranks the
 * title first, then these, then the help text (see `rankKind`).
 */
export const KIND_ALIASES: Record<string, { en: string[]; zh: string[] }> = {
  promptSettings: {
    en: ['prompt', 'settings', 'text to image', 'txt2img', 'negative prompt', 'model', 'seed', 'style'],
    zh: ['提示词', '设置', '文生图', '反向提示词', '模型', '种子', '风格'],
  },
  inputImage: {
    en: ['image', 'upload', 'photo', 'picture', 'file', 'load image', 'source'],
    zh: ['图像', '图片', '上传', '照片', '输入'],
  },
  mask: {
    en: ['mask', 'inpaint mask', 'repaint area', 'selection', 'alpha'],
    zh: ['蒙版', '遮罩', '掩码', '重绘区域'],
  },
  imagePrompt: {
    en: [
      'image prompt',
      'reference',
      'controlnet',
      'faceswap',
      'face swap',
      'pyracanny',
      'canny',
      'cpds',
      'ip adapter',
    ],
    zh: ['图像提示', '参考图', '换脸', '控制网'],
  },
  vary: {
    en: ['vary', 'variation', 'img2img', 'image to image', 'subtle', 'strong'],
    zh: ['变化', '图生图', '变体'],
  },
  upscale: {
    en: ['upscale', 'super resolution', 'enlarge', 'resize', '2x', '1.5x'],
    zh: ['放大', '超分', '超分辨率'],
  },
  inpaint: {
    en: ['inpaint', 'outpaint', 'repaint', 'extend', 'expand', 'fill'],
    zh: ['重绘', '扩图', '局部重绘', '扩展'],
  },
  enhanceRegion: {
    en: ['enhance', 'region', 'face', 'eye', 'eyes', 'mouth', 'hand', 'hair', 'detail', 'adetailer', 'sam'],
    zh: ['增强', '区域', '脸', '面部', '眼睛', '嘴', '手', '头发', '细节'],
  },
  output: { en: ['output', 'result', 'save', 'results', 'end'], zh: ['输出', '结果', '保存'] },
  note: { en: ['note', 'comment', 'text', 'annotation'], zh: ['备注', '注释', '说明'] },
};

/**
 * How well a node kind matches the query; 0 = not at all. Every word of the query must match
 * somewhere; the rank is decided by where the whole query (or, failing that, its words) is found:
 * title (exact > starts > contains) > alias (exact > starts > contains) > kind id > help text.
 */
export function rankKind(k: NodeKind, query: string): number {
  const q = query.trim().toLowerCase();
  if (!q) return 1;
  const titles = [k.title.en, k.title.zh].map((s) => s.toLowerCase());
  const aliases = [...(KIND_ALIASES[k.kind]?.en ?? []), ...(KIND_ALIASES[k.kind]?.zh ?? [])].map((s) =>
    s.toLowerCase(),
  );
  const help = `${k.description.en} ${k.description.zh}`.toLowerCase();
  const all = [...titles, ...aliases, k.kind.toLowerCase(), help].join(' \u0000 ');
  const words = q.split(/\s+/).filter(Boolean);
  if (!words.every((w) => all.includes(w))) return 0;
  const score = (list: string[], exact: number, starts: number, contains: number) => {
    if (list.some((s) => s === q)) return exact;
    if (list.some((s) => s.startsWith(q) || s.split(/[\s/&+]+/).some((p) => p === q))) return starts;
    if (list.some((s) => s.includes(q))) return contains;
    return 0;
  };
  return (
    score(titles, 100, 90, 80) ||
    score(aliases, 70, 60, 50) ||
    (k.kind.toLowerCase().includes(q.replace(/\s+/g, '')) ? 40 : 0) ||
    (words.every((w) => titles.some((t) => t.includes(w))) ? 35 : 0) ||
    (words.every((w) => aliases.some((a) => a.includes(w))) ? 30 : 0) ||
    (help.includes(q) ? 20 : 10)
  );
}
