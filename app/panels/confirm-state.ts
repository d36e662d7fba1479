import { create } from 'zustand';

/** One question the editor asks before it does something the user might not want (an in-page dialog). */
export interface ConfirmRequest {
  title: string;
  body: string;
  confirm: string;
  cancel: string;
  resolve: (ok: boolean) => void;
}

export const useConfirm = create<{ pending: ConfirmRequest | null }>()(() => ({ pending: null }));

/** Resolves true when the user confirms, false on Cancel, Escape or a click outside. */
export function askConfirm(q: Omit<ConfirmRequest, 'resolve'>): Promise<boolean> {
  useConfirm.getState().pending?.resolve(false);
  return new Promise((resolve) => useConfirm.setState({ pending: { ...q, resolve } }));
}

export function answerConfirm(ok: boolean): void {
  const p = useConfirm.getState().pending;
  useConfirm.setState({ pending: null });
  p?.resolve(ok);
}
