import { answerConfirm, useConfirm } from './confirm-state.ts';
import { focusOnMount } from '../lib/focus-on-mount.ts';

/** The editor's yes/no question (see askConfirm); Enter confirms, Escape cancels. */
export function ConfirmDialog() {
  const q = useConfirm((s) => s.pending);
  if (!q) return null;
  return (
    <div
      className="overlay confirm-overlay"
      onMouseDown={(e) => e.target === e.currentTarget && answerConfirm(false)}
    >
      <div
        className="dialog confirm"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-body"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            answerConfirm(false);
          }
        }}
      >
        <h2 id="confirm-title">{q.title}</h2>
        <p id="confirm-body">{q.body}</p>
        <div className="dialog-actions">
          <button type="button" onClick={() => answerConfirm(false)}>
            {q.cancel}
          </button>
          <button type="button" className="primary" onClick={() => answerConfirm(true)} ref={focusOnMount}>
            {q.confirm}
          </button>
        </div>
      </div>
    </div>
  );
}
