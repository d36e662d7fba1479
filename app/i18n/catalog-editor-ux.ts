/**
 * Texts of the newcomer's-editor work (issue 11): Run's reasons, server down, search, gallery
 * confirmations, captions. Kept apart from catalog.ts so parallel work on the catalogue merges cleanly;
 * catalog.ts spreads these into EN and ZH.
 */
export const EN_EDITOR_UX = {
  'run.serverDown': 'The server is not answering: see the Run panel.',
  'run.captionSkipped': 'Skipped: “{word}” found nothing',
  'gallery.step': 'Made by {step}',
  'gallery.replaceTitle': 'Replace the open workflow?',
  'gallery.replaceBody':
    'Opening the workflow that made this result replaces “{name}” on the canvas. Ctrl+Z brings it back.',
  'gallery.replaceConfirm': 'Open it',
  'dialog.cancel': 'Cancel',
  'gallery.usedAsInputWired': 'Used as Input Image, wired into {node}.',
  'toast.usedAsInput': 'Used as Input Image.',
  'request.seedAtRun': 'chosen at Run',
  'request.seedNote':
    'image_seed −1: a new random seed for every run. Run picks one when you press it (the run panel and gallery show it); copied snippets and Export request keep −1, so the server picks one each time. Set a seed on Prompt & Settings to fix it.',
  'problems.position': '{n} of {of}, from the left',
  'run.msgPreparing': 'Preparing images…',
  'run.msgSaving': 'Saving results…',
  'run.msgStopping': 'Stopping…',
  'run.msgReconnecting': 'Reconnecting to the task…',
  'run.msgStopped': 'Stopped',
  'run.msgFinished': 'Finished',
} as const;

export const ZH_EDITOR_UX: Record<keyof typeof EN_EDITOR_UX, string> = {
  'run.serverDown': '服务器没有响应：见“运行”面板。',
  'run.captionSkipped': '已跳过：“{word}”未检测到任何内容',
  'gallery.step': '由 {step} 生成',
  'gallery.replaceTitle': '替换当前工作流？',
  'gallery.replaceBody': '打开生成此结果的工作流会替换画布上的“{name}”。按 Ctrl+Z 可恢复。',
  'gallery.replaceConfirm': '打开',
  'dialog.cancel': '取消',
  'gallery.usedAsInputWired': '已用作输入图像，并连接到 {node}。',
  'toast.usedAsInput': '已用作输入图像。',
  'request.seedAtRun': '运行时选定',
  'request.seedNote':
    'image_seed −1：每次运行都用新的随机种子。按“运行”时由编辑器选定（运行面板和结果库会显示它）；复制的代码片段和“导出请求”保留 −1，由服务器每次选定。在“提示词与设置”中设定种子即可固定。',
  'problems.position': '从左数第 {n} 个，共 {of} 个',
  'run.msgPreparing': '正在准备图像…',
  'run.msgSaving': '正在保存结果…',
  'run.msgStopping': '正在停止…',
  'run.msgReconnecting': '正在重新连接任务…',
  'run.msgStopped': '已停止',
  'run.msgFinished': '已完成',
};
