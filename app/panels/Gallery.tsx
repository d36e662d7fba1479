import { useEffect, useState } from 'react';
import { downloadImage, downloadRunZip } from '../run/run-files.ts';
import { useI18n } from '../i18n/i18n.ts';
import { findImage, openGallery, removeAllRuns, removeRun, useGallery } from '../run/gallery.ts';
import { openRunWorkflow, putAsInput } from '../run/gallery-actions.ts';
import { batchZipUrl } from '../batch/batch-client.ts';
import { useBatchDialog } from '../batch/batch-state.ts';
import { focusOnMount } from '../lib/focus-on-mount.ts';

export { openRunWorkflow, putAsInput };

/** Every run's results, newest first, with a lightbox that zooms and compares two images side by side. */
export function Gallery() {
  const { t, l, lang } = useI18n();
  const open = useGallery((s) => s.open);
  const runs = useGallery((s) => s.runs);
  const lightbox = useGallery((s) => s.lightbox);
  if (!open) return null;
  const fmt = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en', {
    dateStyle: 'medium',
    timeStyle: 'medium',
  });
  const total = runs.reduce((n, r) => n + r.images.length, 0);
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && openGallery(false)}>
      <div className="dialog gallery" role="dialog" aria-modal="true" aria-labelledby="gallery-title">
        <header className="dialog-head">
          <h2 id="gallery-title">
            {t('gallery.title')}{' '}
            <span className="status">
              {t('gallery.count', {
                images: total === 1 ? t('gallery.oneImage') : t('gallery.nImages', { n: total }),
                runs: runs.length === 1 ? t('settings.oneRun') : t('settings.nRuns', { n: runs.length }),
              })}
            </span>
          </h2>
          {runs.length > 0 && (
            <button type="button" className="small danger" onClick={() => void removeAllRuns()}>
              {t('gallery.clear')}
            </button>
          )}
          <button type="button" className="small" onClick={() => openGallery(false)} ref={focusOnMount}>
            {t('dialog.close')}
          </button>
        </header>
        {runs.length === 0 && <p className="hint">{t('gallery.empty')}</p>}
        <div className="gallery-runs" data-testid="gallery">
          {[...runs].reverse().map((run) => (
            <section
              key={run.id}
              className="gallery-run"
              data-run={run.id}
              data-testid={run.batch ? 'gallery-batch' : undefined}
            >
              <header>
                <strong>{run.name}</strong>
                <span className="status">
                  {fmt.format(run.at)} ·{' '}
                  {run.batch
                    ? t('batch.gallery.title', { id: run.batch.id })
                    : `${t('run.seed')} ${run.seed}`}
                  {run.stopped ? ` · ${t('gallery.stopped')}` : ''}
                </span>
                {!run.kept && (
                  <span className="field-diag error" data-testid="gallery-unkept">
                    {t('gallery.unkept')}
                  </span>
                )}
                <span className="push-right" />
                {run.batch ? (
                  <>
                    {run.batch.hasWorkflow && (
                      // The workflow the batch was made from (kept with the entry), not the canvas's.
                      <button
                        type="button"
                        className="small"
                        data-testid="gallery-batch-workflow"
                        onClick={() => void openRunWorkflow(run)}
                      >
                        {t('gallery.openWorkflow')}
                      </button>
                    )}
                    <BatchActions id={run.batch.id} />
                  </>
                ) : (
                  <>
                    <button type="button" className="small" onClick={() => void openRunWorkflow(run)}>
                      {t('gallery.openWorkflow')}
                    </button>
                    <button type="button" className="small" onClick={() => void downloadRunZip(run)}>
                      {t('gallery.downloadAll')}
                    </button>
                  </>
                )}
                <button type="button" className="small" onClick={() => void removeRun(run.id)}>
                  {t('gallery.delete')}
                </button>
              </header>
              {run.stepNote && (
                <p className="run-caption-note" data-testid="gallery-step-note">
                  {l(run.stepNote)}
                </p>
              )}
              <div className="gallery-grid">
                {run.images.map((img, i) => (
                  <button
                    key={i}
                    type="button"
                    className="gallery-item"
                    data-testid="gallery-item"
                    onClick={() =>
                      useGallery.setState({ lightbox: { runId: run.id, index: i }, compare: null })
                    }
                  >
                    <img src={img.src} alt={`${t('gallery.result')} ${i + 1}`} loading="lazy" />
                    <span className="image-size">
                      {img.requestStep
                        ? `${lang === 'zh' ? `第 ${img.requestStep} 步` : `Step ${img.requestStep}`} · `
                        : ''}
                      {`${img.width} × ${img.height}`}
                    </span>
                    {img.step && (
                      <span className="image-step" data-testid="image-step">
                        {l(img.step)}
                      </span>
                    )}
                    {img.label !== undefined && (
                      <span className="image-step" data-testid="gallery-item-label" title={img.label}>
                        {img.label}
                      </span>
                    )}
                  </button>
                ))}
              </div>
            </section>
          ))}
        </div>
        {lightbox && <Lightbox />}
      </div>
    </div>
  );
}

/** A batch's entry: its dialog again (grid, Stop/Resume) and its zip from the app server. */
function BatchActions({ id }: { id: string }) {
  const { t } = useI18n();
  return (
    <>
      <button
        type="button"
        className="small"
        data-testid="gallery-open-batch"
        onClick={() => {
          openGallery(false);
          useBatchDialog.setState({ open: true, batchId: id });
        }}
      >
        {t('batch.gallery.open')}
      </button>
      <a className="button small" href={batchZipUrl(id)} download data-testid="gallery-batch-zip">
        {t('batch.zip')}
      </a>
    </>
  );
}

function Lightbox() {
  const { t, l } = useI18n();
  const lightbox = useGallery((s) => s.lightbox);
  const compare = useGallery((s) => s.compare);
  const runs = useGallery((s) => s.runs);
  const [zoom, setZoom] = useState<number | 'fit'>('fit');
  const [picking, setPicking] = useState(false);
  const main = findImage(lightbox);
  const other = findImage(compare);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        useGallery.setState({ lightbox: null, compare: null });
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  if (!main) return null;
  const z = (f: number) => setZoom((v) => Math.max(0.1, Math.min(8, (v === 'fit' ? 1 : v) * f)));
  const style = (w: number) =>
    zoom === 'fit' ? undefined : { width: `${w * zoom}px`, maxWidth: 'none', maxHeight: 'none' };
  const all = runs.flatMap((r) => r.images.map((img, index) => ({ r, img, index })));
  return (
    <div className="lightbox" role="dialog" aria-label={t('gallery.lightbox')} data-testid="lightbox">
      <div className="lightbox-bar">
        <span className="status">
          {main.run.name} · {main.image.label ?? `${t('run.seed')} ${main.run.seed}`} · {main.image.width} ×{' '}
          {main.image.height}
          {main.image.step ? ` · ${l(main.image.step)}` : ''}
        </span>
        <span className="push-right" />
        <button type="button" className="small" onClick={() => z(1 / 1.25)} aria-label={t('gallery.zoomOut')}>
          −
        </button>
        <button type="button" className="small" onClick={() => setZoom('fit')}>
          {t('gallery.fit')}
        </button>
        <button type="button" className="small" onClick={() => setZoom(1)}>
          1:1
        </button>
        <button type="button" className="small" onClick={() => z(1.25)} aria-label={t('gallery.zoomIn')}>
          +
        </button>
        <button
          type="button"
          className={`small${picking || other ? ' on' : ''}`}
          aria-pressed={picking || !!other}
          onClick={() => {
            if (other) useGallery.setState({ compare: null });
            else setPicking((p) => !p);
          }}
        >
          {other ? t('gallery.endCompare') : t('gallery.compare')}
        </button>
        <button type="button" className="small" onClick={() => downloadImage(main.run, lightbox!.index)}>
          {t('gallery.download')}
        </button>
        <button type="button" className="small" onClick={() => void putAsInput(main.run, lightbox!.index)}>
          {t('gallery.useAsInput')}
        </button>
        {(!main.run.batch || main.run.batch.hasWorkflow) && (
          <button type="button" className="small" onClick={() => void openRunWorkflow(main.run)}>
            {t('gallery.openWorkflow')}
          </button>
        )}
        <button
          type="button"
          className="small"
          onClick={() => useGallery.setState({ lightbox: null, compare: null })}
        >
          {t('dialog.close')}
        </button>
      </div>
      <div
        className={`lightbox-view${other ? ' split' : ''}${zoom === 'fit' ? ' fit' : ''}`}
        onWheel={(e) => {
          if (!e.ctrlKey && zoom === 'fit') return;
          e.preventDefault();
          z(e.deltaY < 0 ? 1.1 : 1 / 1.1);
        }}
      >
        <figure>
          <img src={main.image.src} alt={t('gallery.result')} style={style(main.image.width)} />
          {other && (
            <figcaption className="status">
              {t('run.seed')} {main.run.seed} · {main.image.width} × {main.image.height}
            </figcaption>
          )}
        </figure>
        {other && (
          <figure>
            <img src={other.image.src} alt={t('gallery.compareWith')} style={style(other.image.width)} />
            <figcaption className="status">
              {t('run.seed')} {other.run.seed} · {other.image.width} × {other.image.height}
            </figcaption>
          </figure>
        )}
      </div>
      {picking && !other && (
        <div className="compare-pick">
          <p className="status">{t('gallery.pickCompare')}</p>
          <div className="compare-strip">
            {all.map(({ r, img, index }) => (
              <button
                key={`${r.id}-${index}`}
                type="button"
                className="gallery-item small-thumb"
                onClick={() => {
                  useGallery.setState({ compare: { runId: r.id, index } });
                  setPicking(false);
                }}
              >
                <img src={img.src} alt="" />
              </button>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}
