import { create } from 'zustand';

/** Which mask node the painter is open for; the painter itself is loaded when first opened. */
export const usePainter = create<{ maskId: string | null }>()(() => ({ maskId: null }));
export const openPainter = (maskId: string | null) => usePainter.setState({ maskId });
