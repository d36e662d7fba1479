/**
 * Texts of the one-row toolbar (its File menu) and of the seed note shared by the request view, Copy as
 * and Export request. Kept apart from catalog.ts so parallel work on the catalogue merges cleanly.
 */
export const EN_TOOLBAR = {
  'menu.file': 'File',
  'menu.fileMenu': 'File: open, save, export, library, server history',
  'request.seedCopies': 'Random seed: Run picks one; copies and Export request send image_seed −1.',
} as const;

export const ZH_TOOLBAR: Record<keyof typeof EN_TOOLBAR, string> = {
  'menu.file': '文件',
  'menu.fileMenu': '文件：打开、保存、导出、工作流库、服务器历史',
  'request.seedCopies': '随机种子：“运行”时选定；复制和“导出请求”发送 image_seed −1。',
};
