/**
 * A failed batch item's reason in the batch dialog: its problem code worded by the catalogue in
 * English and Chinese (which input, which file, what to do), never the CLI's `--input` text or a
 * path on the server; the CLI's text only for a code this editor does not know.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { itemFailureText } from '../../app/batch/item-failure-text.ts';
import { loadLanguage } from '../../app/i18n/i18n.ts';
import { ITEM_PROBLEM_CODES } from '../../server/batch/item-problem.ts';

const CLI =
  'cannot prepare the item: --input image: /srv/batches/x/inputs/a.png is not a PNG, JPEG or WebP file';

beforeAll(async () => {
  await loadLanguage('zh');
});

describe('itemFailureText', () => {
  it('words every code the app server sends, never falling back to the CLI text for one', () => {
    for (const code of ITEM_PROBLEM_CODES)
      for (const lang of ['en', 'zh'] as const) {
        const text = itemFailureText({ error: CLI, problem: { code, input: 'image', file: 'a.png' } }, lang);
        expect(text, `${code} ${lang}`).not.toContain('--input');
        expect(text, `${code} ${lang}`).not.toMatch(/\{\w+\}/); // every placeholder filled
      }
  });

  it('words each input problem with the input and file, in both languages', () => {
    const notImage = { error: CLI, problem: { code: 'input-not-image', input: 'image', file: 'a.png' } };
    expect(itemFailureText(notImage, 'en')).toBe(
      'Failed: “a.png” for “image” is not a PNG, JPEG or WebP image. Save it as one of those and start a new batch with it.',
    );
    expect(itemFailureText(notImage, 'zh')).toBe(
      '失败：用于“image”的“a.png”不是 PNG、JPEG 或 WebP 图像。请将其另存为其中一种格式，再用它开始新批次。',
    );
    const unreadable = { error: CLI, problem: { code: 'input-unreadable', input: 'photo', file: 'b.jpg' } };
    expect(itemFailureText(unreadable, 'en')).toMatch(
      /^Failed: the image “b\.jpg” for “photo” could not be read/,
    );
    expect(itemFailureText(unreadable, 'zh')).toMatch(/“photo”.*“b\.jpg”/);
    const big = {
      error: CLI,
      problem: {
        code: 'input-too-large',
        input: 'image',
        file: 'c.png',
        texts: [{ en: 'Scale it down.', zh: '请缩小图像。' }],
      },
    };
    expect(itemFailureText(big, 'en')).toBe('Failed: “c.png” for “image” is too large. Scale it down.');
    expect(itemFailureText(big, 'zh')).toBe('失败：用于“image”的“c.png”过大。请缩小图像。');
    for (const p of [notImage, unreadable, big])
      for (const lang of ['en', 'zh'] as const) {
        expect(itemFailureText(p, lang)).not.toMatch(/--input|\/srv\//);
      }
  });

  it('words workflow errors in the language of the page, values and the engine with their detail', () => {
    const wf = {
      problem: {
        code: 'workflow-errors',
        texts: [
          { en: 'Vary needs an image.', zh: '变化需要图像。' },
          { en: 'Output is not wired.', zh: '输出未连接。' },
        ],
      },
    };
    expect(itemFailureText(wf, 'en')).toBe(
      'Failed: the workflow cannot run with this image. Vary needs an image. Output is not wired. Fix it in the editor (see Problems) and start a new batch.',
    );
    expect(itemFailureText(wf, 'zh')).toMatch(
      /^失败：工作流无法用此图像运行。变化需要图像。 输出未连接。请在编辑器中修正/,
    );
    expect(
      itemFailureText({ problem: { code: 'values-rejected', message: 'steps (n1.steps): too big' } }, 'en'),
    ).toMatch(/exposed parameters \(steps \(n1\.steps\): too big\)\. Change it in the Inspector/);
    expect(itemFailureText({ problem: { code: 'engine-refused', message: '422: bad size' } }, 'zh')).toBe(
      '失败：图像服务器多次尝试后仍拒绝了此图像：422: bad size',
    );
  });

  it("shows the server's text for a code it does not know, or no problem at all", () => {
    expect(itemFailureText({ error: 'something new', problem: { code: 'from-the-future' } }, 'en')).toBe(
      'Failed: something new',
    );
    expect(itemFailureText({ error: 'old batch' }, 'zh')).toBe('失败：old batch');
  });
});
