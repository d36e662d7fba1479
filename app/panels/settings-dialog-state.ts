import { create } from 'zustand';

/** Whether the settings dialog is open; the dialog itself is loaded when first opened. */
export const useSettingsDialog = create<{ open: boolean }>()(() => ({ open: false }));
export const openSettings = (open = true) => useSettingsDialog.setState({ open });
