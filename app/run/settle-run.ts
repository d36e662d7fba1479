import type { CompileResult } from '../../compiler/types.ts';
import { t } from '../../nodes/field.ts';
import { mapValidationErrors, type TrackedRunOutcome } from '../../api/index.ts';
import { toast, useEditor } from '../store/editor-store.ts';
import { local } from '../i18n/i18n.ts';
import { storeResults } from './gallery.ts';
import { deleteRunRecord, type EditorRunMeta } from './run-journal-idb.ts';
import { useRun, type RunState } from './run-store.ts';
import { describe, groupServerErrors } from './run-errors.ts';
import { captionResults, eitherOf } from './result-captions.ts';

/**
 * How a one-request run from the editor ends (runner.ts follows it): its images go to the gallery,
 * its state to the Run panel, and its journal row is dropped only when nothing is left to pick up.
 */

function set(patch: Partial<RunState>): void {
  useRun.setState(patch);
}

/** Files what the run ended with; forgets the run only when nothing is left to pick up. */
export async function settle(
  out: TrackedRunOutcome,
  meta: EditorRunMeta,
  res: CompileResult | null,
): Promise<void> {
  switch (out.kind) {
    case 'finished':
    case 'stopped': {
      const stopped = out.kind === 'stopped';
      set({ message: 'Saving results ...', wait: null });
      // Which step made each image, and which regions found nothing (the CLI names its files the same way).
      const caption = stopped ? null : captionResults(out.images.length, meta);
      let refused = 0;
      const stored = await storeResults(
        {
          name: meta.name,
          workflow: meta.workflow,
          requestJson: meta.requestJson,
          seed: meta.seed,
          at: Date.now(),
          stopped,
          runId: out.runId,
          ...(caption?.note ? { stepNote: caption.note } : {}),
        },
        out.images.map((i) => i.url),
        `run-${out.runId}`,
        caption?.steps.map((st, i) => st?.label ?? eitherOf(caption.maybe[i] ?? [])) ?? [],
        [],
        (url, why) => {
          refused++;
          const task = useRun.getState().taskId;
          const lang = useEditor.getState().lang;
          const kept = t(
            'The run stays in the journal: its results are fetched again the next time the editor opens.',
            '该运行保留在记录中：下次打开编辑器时会重新获取其结果。',
          );
          toast(
            'error',
            local(lang, t('A result image was refused', '结果图像被拒绝')),
            `${task ? `Task ${task}: ` : ''}${url}: ${why} ${local(lang, kept)}`,
          );
        },
      );
      // Kept (committed) or nothing to keep: the journal row has done its job. Otherwise it stays,
      // and the next open fetches the images from the server again and tries to keep them. A
      // refused image keeps it too: the task id stays, to fetch its results again.
      if (!refused && (!stored || stored.kept)) await deleteRunRecord(out.runId).catch(() => undefined);
      const warning = out.kind === 'finished' ? out.warnings[0] : undefined;
      set({
        phase: stopped ? 'stopped' : 'done',
        progress: stopped ? useRun.getState().progress : 100,
        message: stopped ? 'Stopped' : 'Finished',
        running: [],
        resultRunId: stored?.id ?? null,
        // The step mapping says which region found nothing; the client's warning only that images are missing.
        note:
          caption?.note ??
          (warning ? { en: warning.message, zh: warning.messageZh ?? warning.message } : null),
      });
      return;
    }
    case 'server-gone':
    case 'stop-unconfirmed':
      // The task id (if any) stays in the journal: Resume, or the next open, picks it up.
      set({
        phase: 'interrupted',
        running: [],
        wait: null,
        error: describe(out.error),
        taskId: out.taskId ?? null,
      });
      return;
    case 'detached':
      return;
    case 'failed': {
      await deleteRunRecord(out.runId).catch(() => undefined);
      const e = out.error;
      if (e.kind === 'validation' && res) {
        const { byNode, loose } = groupServerErrors(mapValidationErrors(e.details ?? [], res.provenance));
        set({
          phase: 'failed',
          running: [],
          wait: null,
          error: describe(e),
          serverDiags: byNode,
          looseErrors: loose,
        });
        return;
      }
      set({ phase: 'failed', running: [], wait: null, error: describe(e) });
    }
  }
}
