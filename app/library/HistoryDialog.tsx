import { useEffect, useState } from 'react';
import { rebaseResultUrl, type TaskRecord } from '../../api/index.ts';
import { useI18n } from '../i18n/i18n.ts';
import { openRequestText } from '../persistence/open-request.ts';
import { getClient } from '../run/connection.ts';
import { apiBaseUrl } from '../run/settings.ts';
import { openLibraryDialog } from './library-state.ts';

const PAGE_SIZE = 8;
/** Thumbnails per task: enough to recognise a run without loading every image. */
const THUMBS = 4;

type Page =
  | { state: 'loading' }
  | { state: 'failed'; page: number; message: string }
  | { state: 'ok'; page: number; tasks: TaskRecord[] };

/**
 * The FooocusAPI server's task history (GET /tasks?query=history, through the app server's proxy;
 * validated by the API client's zod schema), newest first, paged, with thumbnails of the results.
 * Any task with recorded parameters opens as a graph.
 */
export function HistoryDialog() {
  const { t, lang } = useI18n();
  const [page, setPage] = useState(0);
  const [loaded, setLoaded] = useState<Page>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    getClient()
      .listTasks({ query: 'history', page, pageSize: PAGE_SIZE })
      .then(
        (list) => live && setLoaded({ state: 'ok', page, tasks: list.history }),
        (e: unknown) =>
          live && setLoaded({ state: 'failed', page, message: e instanceof Error ? e.message : String(e) }),
      );
    return () => {
      live = false;
    };
  }, [page]);
  // What was loaded for another page is not shown while this one loads.
  const data: Page = loaded.state !== 'loading' && loaded.page === page ? loaded : { state: 'loading' };
  const close = () => openLibraryDialog(null);
  const base = apiBaseUrl();
  const when = (ms: number | null | undefined) =>
    ms ? new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en') : '';
  const open = async (task: TaskRecord) => {
    if (await openRequestText(JSON.stringify(task), `Task ${task.task_id.slice(0, 8)}`, 'new')) close();
  };
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="dialog history-dialog" role="dialog" aria-modal="true" aria-labelledby="history-title">
        <div className="dialog-head">
          <h2 id="history-title">{t('history.title')}</h2>
          <button type="button" onClick={close} aria-label={t('start.close')}>
            ×
          </button>
        </div>
        <p className="hint">{t('history.hint')}</p>
        {data.state === 'loading' && <p>{t('history.loading')}</p>}
        {data.state === 'failed' && (
          <p className="library-error" role="alert">
            {t('history.failed', { reason: data.message })}
          </p>
        )}
        {data.state === 'ok' && data.tasks.length === 0 && <p>{t('history.empty')}</p>}
        {data.state === 'ok' && (
          <ul className="history-list">
            {data.tasks.map((task) => {
              const params =
                task.req_params && Object.keys(task.req_params).length > 0 ? task.req_params : null;
              const prompt = typeof params?.prompt === 'string' ? params.prompt : '';
              return (
                <li key={task.task_id} data-task={task.task_id}>
                  <div className="history-thumbs">
                    {(task.result ?? []).slice(0, THUMBS).map((u) => (
                      <img
                        key={u}
                        src={rebaseResultUrl(base, u)}
                        alt=""
                        loading="lazy"
                        width={64}
                        height={64}
                      />
                    ))}
                  </div>
                  <div className="history-meta">
                    <span className="history-when">{when(task.finish_mills ?? task.in_queue_mills)}</span>
                    <span className={`history-status ${task.task_status ?? 'pending'}`}>
                      {task.task_status ?? '…'}
                    </span>
                    <span className="history-prompt">{prompt.slice(0, 120)}</span>
                    <code className="history-id">{task.task_id.slice(0, 12)}</code>
                  </div>
                  <button
                    type="button"
                    disabled={!params}
                    title={params ? undefined : t('history.noParams')}
                    onClick={() => void open(task)}
                  >
                    {t('history.open')}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        <div className="dialog-actions">
          <button type="button" disabled={page === 0} onClick={() => setPage((p) => Math.max(0, p - 1))}>
            {t('history.prev')}
          </button>
          <span className="history-page">{t('history.page', { n: page + 1 })}</span>
          <button
            type="button"
            disabled={data.state !== 'ok' || data.tasks.length < PAGE_SIZE}
            onClick={() => setPage((p) => p + 1)}
          >
            {t('history.next')}
          </button>
        </div>
      </div>
    </div>
  );
}
