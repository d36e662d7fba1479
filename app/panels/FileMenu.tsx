import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useI18n } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/catalog.ts';
import { exportRequestFile, pickWorkflowFile, saveWorkflowFile } from '../persistence/files.ts';
import { openLibraryDialog } from '../library/library-state.ts';
import { exposedImageNames } from '../../compiler/exposed.ts';
import { openBatchDialog } from '../batch/batch-state.ts';
import { useEditor } from '../store/editor-store.ts';

interface Item {
  label: MessageKey;
  run: () => void;
  keys?: string;
  hint?: MessageKey;
  testId?: string;
  /** A line above this item: files, then the server's lists. */
  groupStart?: boolean;
  /** Why it cannot be chosen now (shown as its hint), or null. */
  blockedBy?: (hasImageInput: boolean) => MessageKey | null;
}

const ITEMS: Item[] = [
  { label: 'menu.open', run: pickWorkflowFile, keys: 'Ctrl+O' },
  { label: 'menu.save', run: () => void saveWorkflowFile('embed'), keys: 'Ctrl+S' },
  {
    label: 'menu.saveWithoutImages',
    run: () => void saveWorkflowFile('omit'),
    hint: 'menu.saveWithoutImagesHint',
  },
  { label: 'menu.exportRequest', run: () => void exportRequestFile() },
  {
    label: 'menu.runBatch',
    run: () => openBatchDialog(true),
    testId: 'open-batch',
    blockedBy: (hasImageInput) => (hasImageInput ? null : 'menu.runBatchNoInput'),
  },
  {
    label: 'menu.library',
    run: () => openLibraryDialog('library'),
    testId: 'open-library',
    groupStart: true,
  },
  { label: 'menu.history', run: () => openLibraryDialog('history'), testId: 'open-history' },
];

/**
 * The toolbar's File menu (the WAI-ARIA menu button pattern): the file and library actions in one
 * place, so the toolbar stays one row. Arrow keys move, Enter/Space choose, Escape or a click
 * elsewhere closes and gives focus back to the button.
 */
export function FileMenu() {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const hasImageInput = useEditor((s) => exposedImageNames(s.doc).size > 0);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const items = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    const away = (e: PointerEvent) => {
      const inside = menu.current?.contains(e.target as Node) || button.current?.contains(e.target as Node);
      if (!inside) setOpen(false);
    };
    document.addEventListener('pointerdown', away, true);
    return () => document.removeEventListener('pointerdown', away, true);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  const choose = (item: Item) => {
    if (item.blockedBy?.(hasImageInput)) return;
    close(false);
    item.run();
  };
  const onMenuKey = (e: KeyboardEvent) => {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    const go = (i: number) => list[(i + list.length) % list.length]?.focus();
    if (e.key === 'ArrowDown') go(at + 1);
    else if (e.key === 'ArrowUp') go(at - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(list.length - 1);
    else if (e.key === 'Escape' || e.key === 'Tab') {
      if (e.key === 'Tab') return close(false);
      close(true);
    } else return;
    // Handled here: the editor's global shortcuts (Escape clears the selection) must not see it.
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div className="file-menu">
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="file-menu-list"
        title={t('menu.fileMenu')}
        data-testid="file-menu"
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key !== 'ArrowDown') return;
          e.preventDefault();
          setOpen(true);
        }}
      >
        {t('menu.file')} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div
          ref={menu}
          id="file-menu-list"
          role="menu"
          aria-label={t('menu.file')}
          className="menu-list"
          onKeyDown={onMenuKey}
        >
          {ITEMS.map((item) => [
            item.groupStart && <div key={`${item.label}-sep`} role="separator" className="menu-separator" />,
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              aria-label={t(item.label)}
              aria-keyshortcuts={item.keys?.replace('Ctrl', 'Control')}
              title={(() => {
                const hint = item.blockedBy?.(hasImageInput) ?? item.hint;
                return hint ? t(hint) : undefined;
              })()}
              aria-disabled={item.blockedBy?.(hasImageInput) ? true : undefined}
              style={item.blockedBy?.(hasImageInput) ? { opacity: 0.5 } : undefined}
              data-testid={item.testId}
              onClick={() => choose(item)}
            >
              <span>{t(item.label)}</span>
              {item.keys && <kbd aria-hidden="true">{item.keys}</kbd>}
            </button>,
          ])}
        </div>
      )}
    </div>
  );
}
