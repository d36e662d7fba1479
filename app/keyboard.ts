import { COMMANDS, copyText, pasteText } from './commands.ts';
import { isEditableTarget } from './lib/editable.ts';
import { isImageFile } from './lib/images.ts';
import { dropPhotos } from './canvas/drop-photos.ts';
import { deleteSelection } from './store/graph-actions.ts';
import { viewCentre } from './canvas/viewport.ts';
import { useEditor } from './store/editor-store.ts';

function comboOf(e: KeyboardEvent): string {
  let key = e.key === ' ' ? 'Space' : e.key;
  if (e.shiftKey && e.code === 'Digit1') key = '1';
  const parts: string[] = [];
  if (e.ctrlKey || e.metaKey) parts.push('Ctrl');
  if (e.shiftKey && (key.length > 1 || /^[a-z0-9]$/i.test(key))) parts.push('Shift');
  if (e.altKey) parts.push('Alt');
  parts.push(key.length === 1 ? key.toUpperCase() : key);
  return parts.join('+');
}

const BY_COMBO = new Map<string, () => void>();
for (const c of COMMANDS) for (const k of c.keys) BY_COMBO.set(k.toUpperCase(), c.run);

/** Global shortcuts. In text fields only Save/Open/Escape apply; the field keeps its own undo. */
export function installKeyboard(): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.isComposing) return;
    const combo = comboOf(e).toUpperCase();
    const editable = isEditableTarget(e.target);
    if (editable && !['CTRL+S', 'CTRL+O', 'ESCAPE', 'CTRL+ENTER'].includes(combo)) return;
    if (useEditor.getState().search && combo !== 'ESCAPE') return;
    if (['CTRL+C', 'CTRL+X', 'CTRL+V'].includes(combo)) return; // handled by clipboard events
    const inDialog = (e.target as Element | null)?.closest?.('[role="dialog"]');
    if (inDialog && combo !== 'ESCAPE') return;
    const run = BY_COMBO.get(combo);
    if (!run) return;
    const onControl = (e.target as Element | null)?.closest?.('button, a, summary, [role="button"]');
    if (onControl && (combo === 'SPACE' || combo === 'ENTER')) return;
    e.preventDefault();
    run();
  };
  const onCopy = (e: ClipboardEvent) => {
    if (isEditableTarget(e.target) || window.getSelection()?.toString()) return;
    const text = copyText();
    if (text === null || !e.clipboardData) return;
    e.clipboardData.setData('text/plain', text);
    e.preventDefault();
    if (e.type === 'cut') deleteSelection();
  };
  const onPaste = (e: ClipboardEvent) => {
    if (isEditableTarget(e.target) || !e.clipboardData) return;
    // Pasted photos get their nodes at once, as dropped ones do (one per file, thumbnails first).
    const imgs = [...e.clipboardData.files].filter(isImageFile);
    if (imgs.length) {
      e.preventDefault();
      void dropPhotos(imgs, viewCentre());
      return;
    }
    const text = e.clipboardData.getData('text/plain');
    if (!text) return;
    e.preventDefault();
    void pasteText(text);
  };
  window.addEventListener('keydown', onKey);
  document.addEventListener('copy', onCopy);
  document.addEventListener('cut', onCopy);
  document.addEventListener('paste', onPaste);
  return () => {
    window.removeEventListener('keydown', onKey);
    document.removeEventListener('copy', onCopy);
    document.removeEventListener('cut', onCopy);
    document.removeEventListener('paste', onPaste);
  };
}
