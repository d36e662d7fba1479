import { create } from 'zustand';

/**
 * Where runs go. With the Fooocus Flow app server (`npm start`), the editor talks to `/api` on its
 * own origin and the server forwards to the one FooocusAPI it was started with (adding the key when
 * it holds one). Without it (e.g. `vite dev` alone), the user types the FooocusAPI address.
 */
export interface AppConfig {
  apiBase: string;
  apiOrigin: string;
  serverHoldsKey: boolean;
  /** Simulated engine speed in ms per step, when the server tells it (not yet: see the report). */
  simSpeed?: number | undefined;
  /** Proves to the app server that an address change comes from this page (POST /app/target). */
  targetToken?: string | undefined;
}

export type CheckState =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'ok'; at: number }
  | {
      state: 'failed';
      message: string;
      messageZh?: string | undefined;
      /** The server did not answer at all (refused, down, 502 from the app server): Run waits for it. */
      unreachable: boolean;
    };

export interface SettingsState {
  /** null until /app/config answered (or failed). */
  config: AppConfig | null;
  configLoaded: boolean;
  /** FooocusAPI address typed by the user; used only when there is no app server. */
  directUrl: string;
  /** Sent as X-API-KEY; kept in this browser only. Not used when the app server holds the key. */
  apiKey: string;
  check: CheckState;
  models: string[];
  loras: string[];
  styles: string[];
}

const KEY = 'fooocus-flow.connection';
const DEFAULT_DIRECT = 'http://127.0.0.1:7866';

function saved(): Partial<Pick<SettingsState, 'directUrl' | 'apiKey'>> {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, unknown>;
    return {
      ...(typeof v.directUrl === 'string' ? { directUrl: v.directUrl } : {}),
      ...(typeof v.apiKey === 'string' ? { apiKey: v.apiKey } : {}),
    };
  } catch {
    return {};
  }
}

export const useSettings = create<SettingsState>()(() => ({
  config: null,
  configLoaded: false,
  directUrl: DEFAULT_DIRECT,
  apiKey: '',
  check: { state: 'idle' },
  models: [],
  loras: [],
  styles: [],
  ...(typeof localStorage === 'undefined' ? {} : saved()),
}));

export function setConnection(patch: Partial<Pick<SettingsState, 'directUrl' | 'apiKey'>>): void {
  useSettings.setState({ ...patch, check: { state: 'idle' } });
  const s = useSettings.getState();
  localStorage.setItem(KEY, JSON.stringify({ directUrl: s.directUrl, apiKey: s.apiKey }));
}

/** Reads /app/config once at start-up; a plain static host answers HTML or 404, meaning "no app server". */
export async function loadAppConfig(): Promise<void> {
  let config: AppConfig | null = null;
  try {
    const res = await fetch('/app/config', { headers: { accept: 'application/json' } });
    if (res.ok && (res.headers.get('content-type') ?? '').includes('json')) {
      const v = (await res.json()) as Partial<AppConfig>;
      if (typeof v.apiBase === 'string' && typeof v.apiOrigin === 'string')
        config = {
          apiBase: v.apiBase,
          apiOrigin: v.apiOrigin,
          serverHoldsKey: v.serverHoldsKey === true,
          simSpeed: typeof v.simSpeed === 'number' ? v.simSpeed : undefined,
          targetToken: typeof v.targetToken === 'string' ? v.targetToken : undefined,
        };
    }
  } catch {
    // no app server: the user sets the address
  }
  useSettings.setState({ config, configLoaded: true });
}

/** Sets the simulated engine's pace through the app server (it refuses when it talks to a real FooocusAPI). */
export async function setSimSpeed(ms: number): Promise<void> {
  const res = await fetch('/app/sim-speed', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ ms }),
  });
  if (!res.ok) throw new Error(`the app server answered ${res.status}`);
  await loadAppConfig();
}

/** The FooocusAPI base the browser talks to. */
export function apiBaseUrl(s: SettingsState = useSettings.getState()): string {
  if (s.config) return new URL(s.config.apiBase, location.origin).href.replace(/\/+$/, '');
  return s.directUrl.replace(/\/+$/, '');
}

/** The key the browser sends: none when the app server adds its own. */
export function browserApiKey(s: SettingsState = useSettings.getState()): string | undefined {
  if (s.config?.serverHoldsKey) return undefined;
  return s.apiKey || undefined;
}

/** The address the user knows the server by (the FooocusAPI behind the app server, not /api). */
export function apiOriginShown(s: SettingsState = useSettings.getState()): string {
  return s.config?.apiOrigin ?? apiBaseUrl(s);
}

/** Run is off while the last check found the server down; it comes back by itself once it answers. */
export function serverKnownDown(s: SettingsState = useSettings.getState()): boolean {
  return s.check.state === 'failed' && s.check.unreachable;
}
