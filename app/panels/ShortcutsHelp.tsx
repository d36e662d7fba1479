import { COMMANDS, EXTRA_SHORTCUTS } from '../commands.ts';
import { useI18n } from '../i18n/i18n.ts';
import { update, useEditor } from '../store/editor-store.ts';
import { focusOnMount } from '../lib/focus-on-mount.ts';

export function ShortcutsHelp() {
  const { t } = useI18n();
  const open = useEditor((s) => s.dialog === 'shortcuts');
  if (!open) return null;
  const close = () =>
    update((s) => {
      s.dialog = null;
    });
  const rows = [
    ...COMMANDS.filter((c) => c.id !== 'escape'),
    ...EXTRA_SHORTCUTS,
    COMMANDS.find((c) => c.id === 'escape')!,
  ];
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="dialog shortcuts" role="dialog" aria-modal="true" aria-labelledby="kbd-title">
        <h2 id="kbd-title">{t('shortcuts.title')}</h2>
        <table>
          <tbody>
            {rows.map((r) => (
              <tr key={r.label}>
                <td>
                  {r.keys.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </td>
                <td>{t(r.label)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="dialog-actions">
          <button type="button" onClick={close} ref={focusOnMount}>
            {t('shortcuts.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
