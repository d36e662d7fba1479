/**
 * Why a batch item failed, in the batch dialog's words (app/batch/item-failure-text.ts words each
 * problem code the app server sends). Kept apart from catalog-batch.ts so these texts load with the
 * dialog, not with the editor's first page.
 */
export const EN_BATCH_PROBLEMS = {
  'batch.problem.input-unreadable':
    'Failed: the image “{file}” for “{input}” could not be read on the app server. Start a new batch with it again.',
  'batch.problem.input-not-image':
    'Failed: “{file}” for “{input}” is not a PNG, JPEG or WebP image. Save it as one of those and start a new batch with it.',
  'batch.problem.input-too-large': 'Failed: “{file}” for “{input}” is too large. {detail}',
  'batch.problem.values-rejected':
    'Failed: a value does not fit the workflow’s exposed parameters ({detail}). Change it in the Inspector and start a new batch.',
  'batch.problem.workflow-errors':
    'Failed: the workflow cannot run with this image. {detail} Fix it in the editor (see Problems) and start a new batch.',
  'batch.problem.engine-refused':
    'Failed: the image server refused this image, attempt after attempt: {detail}',
} as const;

export type BatchProblemKey = keyof typeof EN_BATCH_PROBLEMS;

export const ZH_BATCH_PROBLEMS: Record<BatchProblemKey, string> = {
  'batch.problem.input-unreadable':
    '失败：应用服务器无法读取用于“{input}”的图像“{file}”。请用它重新开始一个新批次。',
  'batch.problem.input-not-image':
    '失败：用于“{input}”的“{file}”不是 PNG、JPEG 或 WebP 图像。请将其另存为其中一种格式，再用它开始新批次。',
  'batch.problem.input-too-large': '失败：用于“{input}”的“{file}”过大。{detail}',
  'batch.problem.values-rejected':
    '失败：某个值不符合工作流公开的参数（{detail}）。请在检查器中修改后开始新批次。',
  'batch.problem.workflow-errors':
    '失败：工作流无法用此图像运行。{detail}请在编辑器中修正（见“问题”面板）后开始新批次。',
  'batch.problem.engine-refused': '失败：图像服务器多次尝试后仍拒绝了此图像：{detail}',
};
