import { useState } from 'react';
import { useI18n } from '../i18n/i18n.ts';
import { setServerAddress } from '../run/connection.ts';
import { apiBaseUrl, useSettings } from '../run/settings.ts';

/**
 * The FooocusAPI address the app server forwards to, editable: Apply asks the app server to switch
 * (it checks that the change comes from this page) and the connection is checked at once. The
 * app server keeps it for its next start.
 */
export function ServerAddressField({ current }: { current: string }) {
  const { t } = useI18n();
  const [value, setValue] = useState(current);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const canChange = useSettings((s) => !!s.config?.targetToken);
  const submit = () => {
    setBusy(true);
    void setServerAddress(value).then((err) => {
      setBusy(false);
      setError(err);
    });
  };
  return (
    <div className="sim-speed" data-testid="server-address">
      <input
        id="set-address"
        type="url"
        value={value}
        readOnly={!canChange}
        spellCheck={false}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && submit()}
      />
      {canChange && (
        <button type="button" onClick={submit} disabled={busy || value.trim() === current}>
          {t('settings.apply')}
        </button>
      )}
      <p className="field-help">{t('settings.viaServer', { base: apiBaseUrl() })}</p>
      {error && (
        <p className="field-error" role="alert" data-testid="server-address-error">
          {error}
        </p>
      )}
    </div>
  );
}
