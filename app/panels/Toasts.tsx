import { dismissToast, useEditor } from '../store/editor-store.ts';

export function Toasts() {
  const toasts = useEditor((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite" role="status">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} role={t.kind === 'error' ? 'alert' : undefined}>
          <strong>{t.title}</strong>
          {t.body && <p>{t.body}</p>}
          <button type="button" className="small" aria-label="×" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
