import { useCallback, useEffect, useRef, useState } from 'react';
import { indexGraph, type Workflow, type WorkflowNode } from '../../nodes/graph.ts';
import { maskImageNode } from '../../nodes/mask-image.ts';
import { useI18n } from '../i18n/i18n.ts';
import { isImageFile } from '../lib/images.ts';
import { commit, useEditor } from '../store/editor-store.ts';
import { openPainter, usePainter } from './painter-state.ts';
import { importImage, loadableUrl } from '../assets/import-image.ts';
import { useFullImageUrl } from '../assets/use-full-image.ts';
import { focusOnMount } from '../lib/focus-on-mount.ts';

/** The image a mask is painted over: the one answer of `nodes/mask-image.ts`, among Input Images that have an image. */
export function paintTarget(doc: Workflow, maskId: string): WorkflowNode | null {
  const usable = (n: WorkflowNode) => n.kind === 'inputImage' && !!n.params.image;
  return maskImageNode(indexGraph(doc), maskId, usable) ?? null;
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('image failed to load'));
    img.src = src;
  });
}

/** White where the luminance is at least half, black elsewhere: a mask has only those two values. */
function binarize(ctx: CanvasRenderingContext2D, w: number, h: number): void {
  const px = ctx.getImageData(0, 0, w, h);
  const d = px.data;
  for (let i = 0; i < d.length; i += 4) {
    const lum = (0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!) * (d[i + 3]! / 255);
    const v = lum >= 128 ? 255 : 0;
    d[i] = d[i + 1] = d[i + 2] = v;
    d[i + 3] = 255;
  }
  ctx.putImageData(px, 0, 0);
}

const UNDO_LIMIT = 30;

/**
 * Paint a mask over its image: brush (white = repaint) and eraser, brush size in image pixels, undo
 * inside the painter, invert, clear, load and save a mask file. The mask canvas always has the
 * image's exact size; Apply stores it as a PNG asset with `source: 'drawn'` (one undo step).
 */
export function MaskPainter() {
  const maskId = usePainter((s) => s.maskId);
  const mask = useEditor((s) => (maskId ? s.doc.nodes.find((n) => n.id === maskId) : undefined));
  const target = useEditor((s) => (maskId ? paintTarget(s.doc, maskId) : null));
  if (!maskId || !mask) return null;
  return (
    <Painter key={`${maskId}:${String(target?.params.image ?? '').length}`} mask={mask} target={target} />
  );
}

function Painter({ mask, target }: { mask: WorkflowNode; target: WorkflowNode | null }) {
  const { t } = useI18n();
  const maskCanvas = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const [tool, setTool] = useState<'brush' | 'eraser'>('brush');
  const [brush, setBrush] = useState(40);
  const [undoDepth, setUndoDepth] = useState(0);
  const undoStack = useRef<ImageData[]>([]);
  const last = useRef<{ x: number; y: number } | null>(null);
  const src = useFullImageUrl(target ? String(target.params.image) : '');
  const close = () => openPainter(null);

  const ctxOf = (c: HTMLCanvasElement | null) => c?.getContext('2d', { willReadFrequently: true }) ?? null;

  /** Redraws the red overlay from the mask (after invert, clear, load, undo). */
  const redraw = useCallback(() => {
    const m = ctxOf(maskCanvas.current);
    const o = ctxOf(overlay.current);
    if (!m || !o || !size) return;
    const px = m.getImageData(0, 0, size.w, size.h);
    const out = o.createImageData(size.w, size.h);
    for (let i = 0; i < px.data.length; i += 4) {
      if (px.data[i]! >= 128) {
        out.data[i] = 255;
        out.data[i + 1] = 60;
        out.data[i + 2] = 60;
        out.data[i + 3] = 255;
      }
    }
    o.putImageData(out, 0, 0);
  }, [size]);

  // Measure the image; start from the stored mask (fitted to the image) or an all-black one.
  useEffect(() => {
    let live = true;
    if (!src) return;
    void loadImage(src).then((img) => {
      if (live) setSize({ w: img.naturalWidth, h: img.naturalHeight });
    });
    return () => {
      live = false;
    };
  }, [src]);

  useEffect(() => {
    if (!size) return;
    const m = ctxOf(maskCanvas.current);
    if (!m) return;
    m.fillStyle = '#000';
    m.fillRect(0, 0, size.w, size.h);
    const existing = String(mask.params.image ?? '');
    if (!existing) return redraw();
    let free = () => undefined as void;
    void loadableUrl(existing)
      .then(async (loadable) => {
        if (!loadable) return;
        free = loadable.free;
        const img = await loadImage(loadable.url);
        m.imageSmoothingEnabled = false;
        m.drawImage(img, 0, 0, size.w, size.h);
        binarize(m, size.w, size.h);
      })
      .catch(() => undefined)
      .finally(() => {
        free();
        redraw();
      });
    // Only when the painter opens (or the image changes): later edits live in the canvas.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [size]);

  const snapshot = () => {
    const m = ctxOf(maskCanvas.current);
    if (!m || !size) return;
    undoStack.current.push(m.getImageData(0, 0, size.w, size.h));
    if (undoStack.current.length > UNDO_LIMIT) undoStack.current.shift();
    setUndoDepth(undoStack.current.length);
  };

  const undo = () => {
    const m = ctxOf(maskCanvas.current);
    const prev = undoStack.current.pop();
    setUndoDepth(undoStack.current.length);
    if (!m || !prev) return;
    m.putImageData(prev, 0, 0);
    redraw();
  };

  const toImage = (e: React.PointerEvent) => {
    const r = overlay.current!.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * size!.w, y: ((e.clientY - r.top) / r.height) * size!.h };
  };

  const stroke = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const m = ctxOf(maskCanvas.current);
    const o = ctxOf(overlay.current);
    if (!m || !o) return;
    // The mask gets white (brush) or black (eraser); the overlay, shown half-transparent by CSS,
    // gets opaque red or has it cut out.
    const layers: [CanvasRenderingContext2D, string, GlobalCompositeOperation][] = [
      [m, tool === 'brush' ? '#fff' : '#000', 'source-over'],
      [o, '#ff3c3c', tool === 'brush' ? 'source-over' : 'destination-out'],
    ];
    for (const [c, paint, op] of layers) {
      c.save();
      c.globalCompositeOperation = op;
      c.strokeStyle = paint;
      c.lineWidth = brush;
      c.lineCap = 'round';
      c.lineJoin = 'round';
      c.beginPath();
      c.moveTo(from.x, from.y);
      c.lineTo(to.x + 0.01, to.y);
      c.stroke();
      c.restore();
    }
  };

  const invert = () => {
    const m = ctxOf(maskCanvas.current);
    if (!m || !size) return;
    snapshot();
    const px = m.getImageData(0, 0, size.w, size.h);
    for (let i = 0; i < px.data.length; i += 4) {
      const v = px.data[i]! >= 128 ? 0 : 255;
      px.data[i] = px.data[i + 1] = px.data[i + 2] = v;
    }
    m.putImageData(px, 0, 0);
    redraw();
  };

  const clear = () => {
    const m = ctxOf(maskCanvas.current);
    if (!m || !size) return;
    snapshot();
    m.fillStyle = '#000';
    m.fillRect(0, 0, size.w, size.h);
    redraw();
  };

  const loadFile = async (f: File) => {
    const m = ctxOf(maskCanvas.current);
    if (!m || !size || !isImageFile(f)) return;
    const url = URL.createObjectURL(f);
    try {
      const img = await loadImage(url);
      snapshot();
      m.imageSmoothingEnabled = false;
      m.fillStyle = '#000';
      m.fillRect(0, 0, size.w, size.h);
      m.drawImage(img, 0, 0, size.w, size.h);
      binarize(m, size.w, size.h);
      redraw();
    } finally {
      URL.revokeObjectURL(url);
    }
  };

  const saveFile = () => {
    const m = ctxOf(maskCanvas.current);
    if (m && size) binarize(m, size.w, size.h);
    const a = document.createElement('a');
    a.href = maskCanvas.current!.toDataURL('image/png');
    a.download = `${mask.label || mask.id}-mask.png`;
    document.body.append(a);
    a.click();
    a.remove();
  };

  const apply = async () => {
    const m = ctxOf(maskCanvas.current);
    if (!size || !m) return;
    binarize(m, size.w, size.h);
    const png = await new Promise<Blob | null>((resolve) => maskCanvas.current!.toBlob(resolve, 'image/png'));
    const put = png && (await importImage(png, `${mask.label || mask.id}-mask.png`));
    if (!put) return;
    commit((d) => {
      const n = d.nodes.find((x) => x.id === mask.id);
      if (!n) return;
      n.params.image = put.ref;
      n.params.source = 'drawn';
      n.params.width = size.w;
      n.params.height = size.h;
      if (!d.assets[put.meta.hash]) d.assets[put.meta.hash] = put.meta;
    });
    close();
  };

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div
        className="dialog painter"
        ref={focusOnMount} // so Ctrl+Z undoes a stroke, not the graph, when painting with the mouse
        tabIndex={-1}
        role="dialog"
        aria-modal="true"
        aria-labelledby="painter-title"
        data-testid="mask-painter"
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
            e.preventDefault();
            e.stopPropagation();
            undo();
          } else if (e.key === 'Escape') {
            e.stopPropagation();
            close();
          }
        }}
      >
        <header className="dialog-head">
          <h2 id="painter-title">{t('painter.title')}</h2>
          {size && (
            <span className="status" data-testid="painter-size">
              {t('painter.size', { w: size.w, h: size.h })}
            </span>
          )}
        </header>
        {!target ? (
          <p className="hint">{t('painter.noImage')}</p>
        ) : (
          <>
            <div className="painter-tools" role="toolbar" aria-label={t('painter.tools')}>
              <button
                type="button"
                className={`small${tool === 'brush' ? ' on' : ''}`}
                aria-pressed={tool === 'brush'}
                onClick={() => setTool('brush')}
              >
                {t('painter.brush')}
              </button>
              <button
                type="button"
                className={`small${tool === 'eraser' ? ' on' : ''}`}
                aria-pressed={tool === 'eraser'}
                onClick={() => setTool('eraser')}
              >
                {t('painter.eraser')}
              </button>
              <label className="brush-size">
                {t('painter.brushSize')}
                <input
                  type="range"
                  min={2}
                  max={Math.max(64, Math.round(Math.min(size?.w ?? 512, size?.h ?? 512) / 3))}
                  value={brush}
                  onChange={(e) => setBrush(Number(e.target.value))}
                />
                <span className="status">{brush}px</span>
              </label>
              <button
                type="button"
                className="small"
                onClick={undo}
                disabled={undoDepth === 0}
                title="Ctrl+Z"
              >
                {t('menu.undo')}
              </button>
              <button type="button" className="small" onClick={invert}>
                {t('painter.invert')}
              </button>
              <button type="button" className="small" onClick={clear}>
                {t('painter.clear')}
              </button>
              <button type="button" className="small" onClick={() => file.current?.click()}>
                {t('painter.load')}
              </button>
              <button type="button" className="small" onClick={saveFile} disabled={!size}>
                {t('painter.save')}
              </button>
              <input
                ref={file}
                type="file"
                accept="image/*"
                hidden
                data-testid="painter-file"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  if (f) void loadFile(f);
                  e.target.value = '';
                }}
              />
            </div>
            {mask.params.invert === true && <p className="field-diag warning">{t('painter.invertOn')}</p>}
            <div className="painter-stage">
              {size && (
                <div
                  className="painter-frame"
                  style={{ aspectRatio: `${size.w} / ${size.h}`, ['--ar' as string]: size.w / size.h }}
                >
                  <img src={src} alt="" draggable={false} />
                  <canvas ref={maskCanvas} width={size.w} height={size.h} hidden />
                  <canvas
                    ref={overlay}
                    width={size.w}
                    height={size.h}
                    className={`painter-overlay tool-${tool}`}
                    data-testid="painter-canvas"
                    onPointerDown={(e) => {
                      e.currentTarget.setPointerCapture(e.pointerId);
                      snapshot();
                      const p = toImage(e);
                      last.current = p;
                      stroke(p, p);
                    }}
                    onPointerMove={(e) => {
                      if (!last.current) return;
                      const p = toImage(e);
                      stroke(last.current, p);
                      last.current = p;
                    }}
                    onPointerUp={() => {
                      last.current = null;
                    }}
                    onPointerCancel={() => {
                      last.current = null;
                    }}
                  />
                </div>
              )}
            </div>
            <p className="field-help">{t('painter.help')}</p>
          </>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={close}>
            {t('painter.cancel')}
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => void apply()}
            disabled={!size}
            data-testid="painter-apply"
          >
            {t('painter.apply')}
          </button>
        </div>
      </div>
    </div>
  );
}
