/** Texts of "Run as batch…" (app/batch/), merged into the catalogue (catalog.ts). */
export const EN_BATCH = {
  'menu.runBatch': 'Run as batch…',
  'menu.runBatchNoInput':
    'Expose an image input first (an image field’s “Expose” in the Inspector): each batch item binds one image to it',
  'batch.title': 'Run as batch: {name}',
  'batch.hint':
    'Each image becomes one item: the workflow runs once per image on the app server’s FooocusAPI, and the results stay in the app server’s batch folder.',
  'batch.input': 'Images go into',
  'batch.drop': 'Drop images here, or',
  'batch.pickFiles': 'choose images…',
  'batch.pickFolder': 'choose a folder…',
  'batch.picked': '{n} image(s) chosen',
  'batch.noImages': 'None of these is a .png, .jpg or .webp image.',
  'batch.start': 'Start batch',
  'batch.uploading': 'Uploading {n} of {total}…',
  'batch.stop': 'Stop',
  'batch.resume': 'Resume',
  'batch.zip': 'Download zip',
  'batch.new': 'New batch',
  'batch.earlier': 'Earlier batches',
  'batch.progress': '{done} of {total} done, {failed} failed',
  'batch.error': 'The batch could not go on: {reason}',
  'batch.failedReason': 'Failed: {reason}',
  'batch.state.new': 'Not started',
  'batch.state.running': 'Running',
  'batch.state.stopping': 'Stopping…',
  'batch.state.stopped': 'Stopped: Resume goes on where it stopped',
  'batch.state.finished': 'Finished',
  'batch.item.queued': 'waiting',
  'batch.item.running': 'running {p}%',
  'batch.item.collecting': 'saving',
  'batch.item.waitingOnServer': 'waiting on the server',
  'batch.item.done': 'done',
  'batch.item.failed': 'failed',
  'batch.gallery.title': 'Batch {id}',
  'batch.gallery.open': 'Open batch',
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

export const ZH_BATCH: Record<keyof typeof EN_BATCH, string> = {
  'menu.runBatch': '批量运行…',
  'menu.runBatchNoInput':
    '请先公开一个图像输入（在检查器中图像字段的“公开”）：每个批量项目都会把一张图像绑定到它',
  'batch.title': '批量运行：{name}',
  'batch.hint':
    '每张图像成为一个项目：工作流在应用服务器的 FooocusAPI 上对每张图像运行一次，结果保存在应用服务器的批量文件夹中。',
  'batch.input': '图像输入',
  'batch.drop': '将图像拖放到此处，或',
  'batch.pickFiles': '选择图像…',
  'batch.pickFolder': '选择文件夹…',
  'batch.picked': '已选择 {n} 张图像',
  'batch.noImages': '其中没有 .png、.jpg 或 .webp 图像。',
  'batch.start': '开始批量运行',
  'batch.uploading': '正在上传 {n}/{total}…',
  'batch.stop': '停止',
  'batch.resume': '继续',
  'batch.zip': '下载 zip',
  'batch.new': '新批次',
  'batch.earlier': '之前的批次',
  'batch.progress': '已完成 {done}/{total}，失败 {failed}',
  'batch.error': '批量运行无法继续：{reason}',
  'batch.failedReason': '失败：{reason}',
  'batch.state.new': '未开始',
  'batch.state.running': '运行中',
  'batch.state.stopping': '正在停止…',
  'batch.state.stopped': '已停止：“继续”会从停止处接着运行',
  'batch.state.finished': '已完成',
  'batch.item.queued': '等待中',
  'batch.item.running': '运行中 {p}%',
  'batch.item.collecting': '保存中',
  'batch.item.waitingOnServer': '在服务器上等待',
  'batch.item.done': '完成',
  'batch.item.failed': '失败',
  'batch.gallery.title': '批次 {id}',
  'batch.gallery.open': '打开批次',
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
