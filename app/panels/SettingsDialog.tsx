import { useI18n } from '../i18n/i18n.ts';
import { useState } from 'react';
import { checkConnection } from '../run/connection.ts';
import { setConnection, setSimSpeed, useSettings } from '../run/settings.ts';
import { setGalleryLimit, useGallery } from '../run/gallery.ts';
import { GALLERY_LIMIT_MB, galleryLimitMb, parseGalleryLimitMb } from '../run/gallery-limit.ts';

import { openSettings, useSettingsDialog } from './settings-dialog-state.ts';
import { ServerAddressField } from './ServerAddressField.tsx';
import { focusOnMount } from '../lib/focus-on-mount.ts';

/**
 * FooocusAPI address and key, a connection check that fills the pickers, the simulated engine's speed,
 * and how much storage the results gallery may use.
 */
export function SettingsDialog() {
  const { t, lang } = useI18n();
  const open = useSettingsDialog((s) => s.open);
  const s = useSettings();
  if (!open) return null;
  const cfg = s.config;
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && openSettings(false)}>
      <div className="dialog settings" role="dialog" aria-modal="true" aria-labelledby="settings-title">
        <h2 id="settings-title">{t('settings.title')}</h2>
        <div className="field">
          <label className="field-label" htmlFor="set-address">
            {t('settings.address')}
          </label>
          {cfg ? (
            <ServerAddressField key={cfg.apiOrigin} current={cfg.apiOrigin} />
          ) : (
            <>
              <input
                id="set-address"
                type="url"
                value={s.directUrl}
                onChange={(e) => setConnection({ directUrl: e.target.value })}
              />
              <p className="field-help">{t('settings.direct')}</p>
            </>
          )}
        </div>
        <div className="field">
          <label className="field-label" htmlFor="set-key">
            {t('settings.apiKey')}
          </label>
          {cfg?.serverHoldsKey ? (
            <p className="field-help" data-testid="server-holds-key">
              {t('settings.serverHoldsKey')}
            </p>
          ) : (
            <>
              <input
                id="set-key"
                type="password"
                autoComplete="off"
                value={s.apiKey}
                onChange={(e) => setConnection({ apiKey: e.target.value })}
              />
              <p className="field-help">{t('settings.keyHelp')}</p>
            </>
          )}
        </div>
        <div className="field">
          <span className="field-label">{t('settings.simSpeed')}</span>
          {cfg?.simSpeed !== undefined ? (
            <SimSpeedField current={cfg.simSpeed} />
          ) : (
            <p className="field-help" data-testid="sim-speed">
              {t('settings.simSpeedUnknown')}
            </p>
          )}
        </div>
        <div className="field">
          <span className="field-label">{t('settings.galleryLimit')}</span>
          <GalleryLimitField />
        </div>
        <div className="settings-check">
          <button
            type="button"
            onClick={() => void checkConnection()}
            disabled={s.check.state === 'checking'}
            data-testid="check-connection"
          >
            {s.check.state === 'checking' ? t('settings.checking') : t('settings.check')}
          </button>
          {s.check.state === 'ok' && (
            <span className="hint ok" data-testid="check-ok">
              {t('settings.checkOk', {
                models: s.models.length,
                loras: s.loras.length,
                styles: s.styles.length,
              })}
            </span>
          )}
          {s.check.state === 'failed' && (
            <span className="field-diag error" role="alert">
              {lang === 'zh' ? (s.check.messageZh ?? s.check.message) : s.check.message}
            </span>
          )}
        </div>
        {s.check.state === 'ok' && (
          <div className="settings-lists">
            <details open>
              <summary>
                {t('settings.models')} ({s.models.length})
              </summary>
              <ul data-testid="model-list">
                {s.models.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            </details>
            <details>
              <summary>LoRA ({s.loras.length})</summary>
              <ul>
                {s.loras.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            </details>
            <details>
              <summary>
                {t('settings.styles')} ({s.styles.length})
              </summary>
              <ul>
                {s.styles.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            </details>
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={() => openSettings(false)} ref={focusOnMount}>
            {t('dialog.close')}
          </button>
        </div>
      </div>
    </div>
  );
}

type Message = { error: boolean; text: string } | null;

/** A number typed, then applied with a button or Enter; the apply step answers with a message or none. */
function NumberSetting({
  testId,
  label,
  min,
  max,
  step,
  initial,
  help,
  apply,
}: {
  testId: string;
  label: string;
  min: number;
  max: number;
  step: number;
  initial: number;
  help: string;
  apply: (text: string) => Promise<Message>;
}) {
  const { t } = useI18n();
  const [value, setValue] = useState(String(initial));
  const [message, setMessage] = useState<Message>(null);
  const submit = () => void apply(value).then(setMessage);
  return (
    <div className="sim-speed" data-testid={testId}>
      <input
        type="number"
        min={min}
        max={max}
        step={step}
        aria-label={label}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && submit()}
      />
      <button type="button" onClick={submit}>
        {t('settings.apply')}
      </button>
      <p className="field-help">{help}</p>
      {message && (
        <p className={message.error ? 'field-error' : 'field-help'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </div>
  );
}

/** The simulated engine's pace (ms per sampling step), set through the app server. */
function SimSpeedField({ current }: { current: number }) {
  const { t } = useI18n();
  return (
    <NumberSetting
      testId="sim-speed"
      label={t('settings.simSpeed')}
      min={0}
      max={5000}
      step={5}
      initial={current}
      help={`${t('settings.simSpeedValue', { ms: current })} · ${t('settings.simSpeedHelp')}`}
      apply={async (text) => {
        const ms = Number(text);
        if (text.trim() === '' || !Number.isFinite(ms) || ms < 0 || ms > 5000)
          return { error: true, text: t('settings.simSpeedRange') };
        return setSimSpeed(ms).then(
          () => null,
          (e: unknown) => ({ error: true, text: String((e as Error).message) }),
        );
      }}
    />
  );
}

/** How much storage the results gallery may use; a lower limit deletes the oldest runs at once. */
function GalleryLimitField() {
  const { t } = useI18n();
  const runs = useGallery((g) => g.runs);
  const [limit, setLimit] = useState(galleryLimitMb);
  const used = runs.reduce((n, r) => n + r.bytes, 0) / (1024 * 1024);
  const count = (n: number) => (n === 1 ? t('settings.oneRun') : t('settings.nRuns', { n }));
  return (
    <NumberSetting
      testId="gallery-limit"
      label={t('settings.galleryLimit')}
      min={GALLERY_LIMIT_MB.min}
      max={GALLERY_LIMIT_MB.max}
      step={50}
      initial={limit}
      help={t('settings.galleryLimitValue', { mb: limit, used: used.toFixed(1), runs: count(runs.length) })}
      apply={async (text) => {
        const mb = parseGalleryLimitMb(text);
        if (mb === null) return { error: true, text: t('settings.galleryLimitRange', GALLERY_LIMIT_MB) };
        setLimit(mb);
        const dropped = await setGalleryLimit(mb);
        return dropped
          ? { error: false, text: t('settings.galleryLimitDropped', { runs: count(dropped) }) }
          : null;
      }}
    />
  );
}
