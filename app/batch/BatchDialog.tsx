/**
 * "Run as batch…": drop many images (or pick a folder), choose the exposed image input they go
 * into, start; the grid fills in as the app server's batch engine runs the items (each item's
 * input → result thumbnail, its state, why it failed), with Stop, Resume and "Download zip".
 * Every text from the server or a file name is rendered as text, never as HTML.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { exposedImageNames } from '../../compiler/exposed.ts';
import { exportWorkflow } from '../../compiler/workflow-file/index.ts';
import { browserAssetStore } from '../assets/asset-db.ts';
import { useI18n } from '../i18n/i18n.ts';
import { useEditor } from '../store/editor-store.ts';
import {
  batchFileUrl,
  batchInputUrl,
  batchStatus,
  batchZipUrl,
  createBatch,
  listBatches,
  startBatch,
  stopBatch,
  uploadBatchImage,
  type BatchEntry,
  type BatchItemStatus,
  type BatchStatus,
} from './batch-client.ts';
import { fileBatchResults } from './batch-feed.ts';
import { forgetBatch, rememberBatch } from './batch-memory.ts';
import { itemFailureText } from './item-failure-text.ts';
import { openBatchDialog, useBatchDialog } from './batch-state.ts';
import './batch.css';

const IMAGE_FILE = /\.(png|jpe?g|webp)$/i;
/** How often the status is read while the batch runs (see batch-routes.ts: polling, not a stream). */
const POLL_MS = 500;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function ItemCell({ id, item }: { id: string; item: BatchItemStatus }) {
  const { t, lang } = useI18n();
  const result = item.thumbs?.results[0];
  return (
    <li className={`batch-item batch-item-${item.state}`} data-testid="batch-item" data-state={item.state}>
      <img className="batch-thumb" src={batchInputUrl(id, item.label)} alt={item.label} loading="lazy" />
      <span aria-hidden="true">→</span>
      {result ? (
        <a href={batchFileUrl(id, item.files?.[0] ?? result)} target="_blank" rel="noreferrer">
          <img className="batch-thumb" src={batchFileUrl(id, result)} alt="" data-testid="batch-result" />
        </a>
      ) : (
        <span className="batch-thumb batch-thumb-empty" />
      )}
      <span className="batch-item-label" title={item.label}>
        {item.label}
      </span>
      <span className="batch-item-state">
        {item.state === 'running' && /queued|submitt/.test(item.phase ?? '')
          ? t('batch.item.waitingOnServer')
          : t(`batch.item.${item.state}`, { p: Math.round(item.progress ?? 0) })}
      </span>
      {item.state === 'failed' && (item.error || item.problem) && (
        <span className="batch-item-error" data-testid="batch-item-error">
          {itemFailureText(item, lang)}
        </span>
      )}
    </li>
  );
}

export function BatchDialog() {
  const { t, lang } = useI18n();
  const doc = useEditor((s) => s.doc);
  const batchId = useBatchDialog((s) => s.batchId);
  const inputs = useMemo(() => [...exposedImageNames(doc)], [doc]);
  const [input, setInput] = useState(inputs[0] ?? '');
  const [files, setFiles] = useState<File[]>([]);
  const [status, setStatus] = useState<BatchStatus | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [earlier, setEarlier] = useState<BatchEntry[]>([]);
  const folder = useRef<HTMLInputElement>(null);
  const close = () => openBatchDialog(false);

  const running = status?.state === 'running' || status?.state === 'stopping';
  useEffect(() => {
    if (!batchId) return;
    let stop = false;
    const read = () =>
      batchStatus(batchId).then(
        (s) => !stop && setStatus(s),
        (e: unknown) => !stop && setError(message(e)),
      );
    void read();
    if (!running) return () => void (stop = true);
    const timer = setInterval(() => void read(), POLL_MS);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [batchId, running]);

  useEffect(() => {
    // Finished items' results join the gallery as one entry for the batch (never twice).
    if (!status || status.state === 'new') return;
    const ended = status.state === 'finished' || status.state === 'stopped';
    // Filed to its end here: start-up need not follow it any more (Resume remembers it again).
    let current = true;
    void fileBatchResults(status).then(
      () => current && ended && forgetBatch(status.id),
      () => undefined,
    );
    return () => void (current = false);
  }, [status]);

  useEffect(() => {
    // Earlier batches (also from before a reload): open one to see it, resume it, download it.
    if (batchId) return;
    let stop = false;
    listBatches().then(
      (list) => !stop && setEarlier(list.slice(0, 20)),
      () => undefined,
    );
    return () => void (stop = true);
  }, [batchId]);

  useEffect(() => {
    // The folder picker: a non-standard attribute React does not know.
    folder.current?.setAttribute('webkitdirectory', '');
  }, [status]);

  const choose = (list: FileList | null) => {
    const images = [...(list ?? [])].filter((f) => IMAGE_FILE.test(f.name));
    setError(images.length === 0 && (list?.length ?? 0) > 0 ? t('batch.noImages') : null);
    setFiles((old) => [...old, ...images]);
  };

  const act = async (what: () => Promise<void>) => {
    setError(null);
    try {
      await what();
    } catch (e) {
      setError(t('batch.error', { reason: message(e) }));
    } finally {
      setBusy(null);
    }
  };

  const start = () =>
    act(async () => {
      setBusy(t('batch.uploading', { n: 0, total: files.length }));
      const { text } = await exportWorkflow(doc, browserAssetStore, { images: 'embed' });
      const id = await createBatch(text, input);
      for (const [i, f] of files.entries()) {
        setBusy(t('batch.uploading', { n: i + 1, total: files.length }));
        await uploadBatchImage(id, f);
      }
      useBatchDialog.setState({ batchId: id });
      // Followed after a reload too (its results join the gallery without this dialog).
      rememberBatch(id);
      setStatus(await startBatch(id));
      rememberBatch(id); // again: a status read before the start may have just forgotten it
      setFiles([]);
    });

  const count = (s: string) => status?.items.filter((i) => i.state === s).length ?? 0;
  const total = status?.items.length ?? 0;
  const finished = count('done') + count('failed');

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div
        className="dialog batch-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="batch-title"
        data-testid="batch-dialog"
      >
        <div className="dialog-head">
          <h2 id="batch-title">{t('batch.title', { name: status?.workflowName ?? doc.name })}</h2>
          <button type="button" onClick={close} aria-label={t('start.close')}>
            ×
          </button>
        </div>
        <p className="hint">{t('batch.hint')}</p>
        {!status || status.state === 'new' ? (
          <div className="batch-setup">
            <label>
              {t('batch.input')}{' '}
              <select value={input} onChange={(e) => setInput(e.target.value)} data-testid="batch-input">
                {inputs.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
            <div
              className="batch-drop"
              data-testid="batch-drop"
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => {
                e.preventDefault();
                choose(e.dataTransfer.files);
              }}
            >
              {t('batch.drop')}{' '}
              <label className="batch-pick">
                {t('batch.pickFiles')}
                <input
                  type="file"
                  accept="image/png,image/jpeg,image/webp"
                  multiple
                  data-testid="batch-files"
                  onChange={(e) => choose(e.target.files)}
                />
              </label>{' '}
              <label className="batch-pick">
                {t('batch.pickFolder')}
                <input
                  ref={folder}
                  type="file"
                  multiple
                  data-testid="batch-folder"
                  onChange={(e) => choose(e.target.files)}
                />
              </label>
            </div>
            <p data-testid="batch-picked">{t('batch.picked', { n: files.length })}</p>
            <button
              type="button"
              className="primary"
              disabled={files.length === 0 || !input || busy !== null}
              onClick={() => void start()}
              data-testid="batch-start"
            >
              {t('batch.start')}
            </button>
            {earlier.length > 0 && (
              <div className="batch-earlier">
                <h3>{t('batch.earlier')}</h3>
                <ul>
                  {earlier.map((b) => (
                    <li key={b.id}>
                      <button
                        type="button"
                        className="link"
                        data-testid="batch-earlier"
                        onClick={() => useBatchDialog.setState({ batchId: b.id })}
                      >
                        {b.workflowName || b.id}
                      </button>{' '}
                      <span className="hint">
                        {new Date(b.createdAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en')}
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        ) : (
          <div className="batch-run">
            <div className="batch-summary">
              <progress value={finished} max={total || 1} />
              <span data-testid="batch-progress">
                {t('batch.progress', { done: count('done'), total, failed: count('failed') })}
              </span>
              <span data-testid="batch-state" data-state={status.state}>
                {t(`batch.state.${status.state}`)}
              </span>
            </div>
            <div className="batch-actions">
              {status.state === 'running' && (
                <button
                  type="button"
                  data-testid="batch-stop"
                  disabled={busy !== null}
                  onClick={() =>
                    void act(async () => {
                      setStatus({ ...status, state: 'stopping' });
                      setStatus(await stopBatch(status.id));
                    })
                  }
                >
                  {t('batch.stop')}
                </button>
              )}
              {status.state === 'stopped' && (
                <button
                  type="button"
                  data-testid="batch-resume"
                  disabled={busy !== null}
                  onClick={() =>
                    void act(async () => {
                      rememberBatch(status.id);
                      setStatus(await startBatch(status.id));
                      rememberBatch(status.id);
                    })
                  }
                >
                  {t('batch.resume')}
                </button>
              )}
              <a className="button" href={batchZipUrl(status.id)} download data-testid="batch-zip">
                {t('batch.zip')}
              </a>
              {!running && (
                <button
                  type="button"
                  onClick={() => {
                    useBatchDialog.setState({ batchId: null });
                    setStatus(null);
                  }}
                >
                  {t('batch.new')}
                </button>
              )}
            </div>
            {status.state === 'stopped' && status.messages.length > 0 && (
              // The engine's last word (e.g. a server taken out after failing), as plain text.
              <p className="hint" data-testid="batch-message">
                {status.messages[status.messages.length - 1]}
              </p>
            )}
            <ul className="batch-grid">
              {status.items.map((item) => (
                <ItemCell key={item.id} id={status.id} item={item} />
              ))}
            </ul>
          </div>
        )}
        {busy && <p className="hint">{busy}</p>}
        {error && (
          <p className="batch-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}
