import { useI18n } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/catalog.ts';
import { openGallery, useGallery } from '../run/gallery-state.ts';
import { isBusy, useRun } from '../run/run-store.ts';
import { resumeInterrupted, retryFailedStep, startRun, stopRun } from '../run/run-actions.ts';
import type { RunWait } from '../run/run-store.ts';
import { useSettings } from '../run/settings.ts';
import { runBlockers } from '../run/run-blockers.ts';
import { openSettings } from './settings-dialog-state.ts';
import { useEditor } from '../store/editor-store.ts';
import { selectDistinctNames } from '../lib/node-names.ts';
import { focusNode } from './Problems.tsx';

/** The runner's own progress words (runner.ts), shown in the UI's language; the server's text stays as sent. */
const OWN_MESSAGES: Record<string, MessageKey> = {
  'Preparing images ...': 'run.msgPreparing',
  'Saving results ...': 'run.msgSaving',
  'Stopping ...': 'run.msgStopping',
  'Reconnecting to the task ...': 'run.msgReconnecting',
  Stopped: 'run.msgStopped',
  Finished: 'run.msgFinished',
};

/** Run (Ctrl+Enter), progress with the stage and the live preview, Stop, and what the server said. */
export function RunPanel() {
  const { t, l, lang } = useI18n();
  const compiled = useEditor((s) => s.compiled);
  const stale = useEditor((s) => s.compiledRevision !== s.docRevision);
  const names = useEditor(selectDistinctNames);
  const run = useRun();
  const check = useSettings((s) => s.check);
  const config = useSettings((s) => s.config);
  const lastRun = useGallery((s) =>
    run.resultRunId ? s.runs.find((r) => r.id === run.resultRunId) : undefined,
  );
  const busy = isBusy(run.phase);
  /** The run's images exist only in this page: the browser's storage refused them. */
  const unkept = !!lastRun && !lastRun.kept;
  const errors = (compiled?.diagnostics ?? []).filter((d) => d.severity === 'error');
  const blockers = runBlockers(compiled, stale, { check, config });
  const blocked = blockers.length > 0;
  const empty = blockers.find((b) => b.kind === 'empty');
  const down = blockers.find((b) => b.kind === 'server');
  const nodeName = (id: string | undefined) => (id ? (names.get(id)?.name ?? '') : '');
  const runningLabels = run.running.map((i) => run.stages[i]).filter((s) => !!s);
  const serverDiags = Object.values(run.serverDiags).flat();
  const pct = Math.round(run.progress);
  const waitText = (w: NonNullable<RunWait>) => {
    switch (w.kind) {
      case 'submitting':
        return t('run.submitting');
      case 'searching':
        return t('run.searching');
      case 'queued':
        return w.ahead > 1
          ? t('run.waitingAhead', { n: w.ahead })
          : w.ahead === 1
            ? t('run.waitingAheadOne')
            : t('run.waitingStart');
      case 'reconnecting':
        return t('run.reconnecting', { s: w.silentS });
      case 'stopping':
        return t('run.stoppingWait');
    }
  };

  return (
    <section
      className="run-panel"
      aria-label={t('run.title')}
      data-phase={run.phase}
      data-wait={run.wait?.kind ?? ''}
    >
      <header>
        <h2>{t('run.title')}</h2>
        {busy ? (
          <button
            type="button"
            className="danger"
            onClick={() => stopRun()}
            disabled={run.phase !== 'running'}
            data-testid="stop"
          >
            ■ {run.phase === 'stopping' ? t('run.stopping') : t('run.stop')}
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            onClick={() => void startRun()}
            disabled={blocked}
            title={empty ? l(empty.text) : down ? t('run.serverDown') : 'Ctrl+Enter'}
            data-testid="run"
            data-blocked={blockers.map((b) => b.kind).join(' ')}
            aria-describedby={empty || down ? 'run-blocked' : errors.length ? 'run-reasons' : undefined}
          >
            ▶ {t('run.run')}
          </button>
        )}
        <span className="status">Ctrl+Enter</span>
        <button
          type="button"
          className="small push-right"
          onClick={() => openGallery()}
          data-testid="open-gallery"
        >
          {t('gallery.open')}
        </button>
      </header>
      {!busy && (empty || down) && (
        <div id="run-blocked" className="run-reasons" data-testid="run-blocked">
          {empty && <p data-testid="run-empty">{l(empty.text)}</p>}
          {down && (
            <p className="run-down" role="status" data-testid="server-down">
              {l(down.text)}{' '}
              <button type="button" className="small" onClick={() => openSettings()}>
                {t('settings.title')}
              </button>
            </p>
          )}
        </div>
      )}
      {!busy && !empty && errors.length > 0 && compiled && (
        <div id="run-reasons" className="run-reasons" data-testid="run-reasons">
          <p>{t('run.blocked')}</p>
          <ul>
            {errors.map((d, i) => (
              <li key={i}>
                <button type="button" className="link" onClick={() => d.nodeId && focusNode(d.nodeId)}>
                  {d.nodeId ? <strong>{nodeName(d.nodeId)}: </strong> : null}
                  {l(d.message)}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {check.state === 'failed' && !check.unreachable && !busy && run.phase === 'idle' && (
        <p className="field-diag warning">
          {lang === 'zh' ? (check.messageZh ?? check.message) : check.message}
        </p>
      )}
      {run.phase !== 'idle' && (
        <div className="run-body">
          <div className="run-progress">
            <div
              className="progress"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={pct}
              aria-label={t('run.progress')}
              data-testid="progress"
            >
              <div className={`bar ${run.phase}`} style={{ width: `${pct}%` }} />
              <span className="pct">{pct}%</span>
            </div>
            <p className="run-message" data-testid="run-message" aria-live="polite">
              {run.step && run.step.of > 1 && (
                <span className="run-step" data-testid="run-step">
                  {l({
                    en: `Step ${run.step.index + 1} of ${run.step.of}: `,
                    zh: `第 ${run.step.index + 1} 步（共 ${run.step.of} 步）：`,
                  })}
                </span>
              )}
              {run.wait
                ? waitText(run.wait)
                : Object.hasOwn(OWN_MESSAGES, run.message)
                  ? t(OWN_MESSAGES[run.message]!)
                  : run.message}
            </p>
            {runningLabels.length > 0 && busy && (
              <p className="run-stage" data-testid="run-stage">
                {t('run.stage')}:{' '}
                {runningLabels.map((s, i) => (
                  <button key={i} type="button" className="link" onClick={() => focusNode(s.nodeId)}>
                    {l(s.label)}
                  </button>
                ))}
              </p>
            )}
            {run.resumed && busy && <p className="status">{t('run.resumed')}</p>}
            {run.seed !== null && (
              <p className="status">
                {t('run.seed')}: <span data-testid="run-seed">{run.seed}</span>
                {run.taskId ? ` · ${t('run.task')}: ${run.taskId.slice(0, 8)}` : ''}
              </p>
            )}
            {run.phase === 'done' && (
              <p className={`hint ${unkept ? 'error' : 'ok'}`} data-testid="run-done" data-kept={!unkept}>
                {t(unkept ? 'run.doneUnkept' : 'run.done', { n: lastRun?.images.length ?? 0 })}
              </p>
            )}
            {run.phase === 'stopped' && (
              <p className={`hint${unkept ? ' error' : ''}`} data-testid="run-stopped" data-kept={!unkept}>
                {t(unkept ? 'run.stoppedUnkept' : 'run.stopped', { n: lastRun?.images.length ?? 0 })}
              </p>
            )}
            {lastRun && !busy && (
              <button
                type="button"
                className={`small${unkept ? ' primary' : ''}`}
                data-testid="run-download"
                onClick={() => void import('../run/run-files.ts').then((f) => f.downloadRunZip(lastRun))}
              >
                {t('run.downloadImages')}
              </button>
            )}
            {run.note && (
              <p className="field-diag warning" data-testid="run-note">
                {l(run.note)}
              </p>
            )}
            {run.error && (
              <div className="run-error" role="alert" data-testid="run-error">
                <p>{l(run.error)}</p>
                {serverDiags.length > 0 && (
                  <ul>
                    {serverDiags.map((d, i) => (
                      <li key={i}>
                        <button
                          type="button"
                          className="link"
                          onClick={() => d.nodeId && focusNode(d.nodeId)}
                        >
                          <strong>{nodeName(d.nodeId)}</strong>
                          {d.field ? ` · ${d.field}` : ''}: {l(d.message)}
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
                {run.looseErrors.length > 0 && (
                  <ul>
                    {run.looseErrors.map((e, i) => (
                      <li key={i}>
                        <code>{e.field}</code>: {e.message}
                      </li>
                    ))}
                  </ul>
                )}
                {run.phase === 'interrupted' && (
                  <p>
                    {t('run.interrupted')}{' '}
                    <button
                      type="button"
                      className="primary small"
                      data-testid="resume"
                      onClick={() => void resumeInterrupted()}
                    >
                      {t('run.resume')}
                    </button>
                  </p>
                )}
                {run.phase === 'failed' && run.retryStep !== null && (
                  <p>
                    <button
                      type="button"
                      className="primary small"
                      data-testid="retry-step"
                      onClick={() => void retryFailedStep()}
                    >
                      {l({
                        en: `Retry from step ${run.retryStep + 1}`,
                        zh: `从第 ${run.retryStep + 1} 步重试`,
                      })}
                    </button>{' '}
                    {run.retryStep > 0 &&
                      l({
                        en: 'The steps before are not sent again.',
                        zh: '之前的步骤不会重新发送。',
                      })}
                  </p>
                )}
                <p className="status">{t('run.graphKept')}</p>
              </div>
            )}
          </div>
          <div className="run-preview">
            {busy && run.preview ? (
              <img src={run.preview} alt={t('run.preview')} data-testid="run-preview" />
            ) : lastRun && !busy ? (
              <div className="run-results" data-testid="run-results">
                {lastRun.images.map((img, i) => (
                  <button
                    key={i}
                    type="button"
                    className="thumb-button"
                    onClick={() => {
                      openGallery();
                      useGallery.setState({ lightbox: { runId: lastRun.id, index: i } });
                    }}
                  >
                    <figure>
                      <img src={img.src} alt={`${t('gallery.result')} ${i + 1}`} />
                      {img.step && <figcaption data-testid="run-image-step">{l(img.step)}</figcaption>}
                    </figure>
                  </button>
                ))}
              </div>
            ) : (
              <div className="preview-empty">{busy ? t('run.waitingPreview') : ''}</div>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
