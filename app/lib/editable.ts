/** Is the event aimed at a text field (which keeps its own undo, copy and paste)? */
export function isEditableTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable) return true;
  if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true;
  if (t instanceof HTMLInputElement)
    return !['checkbox', 'radio', 'button', 'range', 'file', 'submit', 'color'].includes(t.type);
  return false;
}
