import { create } from 'zustand';
import { createFooocusClient, type FooocusClient } from '../../api/index.ts';
import { serverDownText, serverUnreachable } from './server-down.ts';

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

let cached: { base: string; key: string | undefined; client: FooocusClient } | null = null;

export function getClient(): FooocusClient {
  const base = apiBaseUrl();
  const key = browserApiKey();
  if (!cached || cached.base !== base || cached.key !== key)
    cached = { base, key, client: createFooocusClient({ baseUrl: base, apiKey: key }) };
  return cached.client;
}

/**
 * Points the app server at another FooocusAPI (Settings). Only this page can: the server wants the
 * token it gave in /app/config and this page's own origin. Resolves with the server's refusal in
 * plain words, or null once the new address is in use (it is then checked at once).
 */
export async function setServerAddress(url: string): Promise<string | null> {
  const token = useSettings.getState().config?.targetToken;
  if (!token) return 'This app server does not let the editor change its address.';
  let res: Response;
  try {
    res = await fetch(TARGET_PATH, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-fooocus-flow-token': token,
      },
      body: JSON.stringify({ url }),
    });
  } catch {
    return 'The app server did not answer.';
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { detail?: unknown };
    return typeof body.detail === 'string' ? body.detail : `The app server answered ${res.status}.`;
  }
  await loadAppConfig();
  await checkConnection();
  return null;
}

const TARGET_PATH = '/app/target';

/** While the server is known to be down it is asked again, less and less often (3 s up to 15 s). */
let recheck: { timer: ReturnType<typeof setTimeout>; delay: number } | null = null;

function scheduleRecheck(): void {
  const delay = Math.min(15_000, recheck ? recheck.delay * 2 : 3_000);
  if (recheck) clearTimeout(recheck.timer);
  recheck = { delay, timer: setTimeout(() => void checkConnection(), delay) };
}

function stopRecheck(): void {
  if (recheck) clearTimeout(recheck.timer);
  recheck = null;
}

/** Connection check: lists the server's models, LoRAs and styles (they then feed the pickers). */
export async function checkConnection(): Promise<void> {
  useSettings.setState({ check: { state: 'checking' } });
  try {
    const client = getClient();
    const [models, styles] = await Promise.all([client.listModels(), client.listStyles()]);
    useSettings.setState({
      check: { state: 'ok', at: Date.now() },
      models: models.model_filenames,
      loras: models.lora_filenames,
      styles,
    });
    stopRecheck();
  } catch (e) {
    const err = e as { message?: string; messageZh?: string };
    const down = serverUnreachable(e);
    if (down) scheduleRecheck();
    else stopRecheck();
    const plain = down ? serverDownText(apiOriginShown()) : null;
    useSettings.setState({
      check: {
        state: 'failed',
        message: plain?.en ?? err.message ?? String(e),
        messageZh: plain?.zh ?? err.messageZh,
        unreachable: down,
      },
    });
  }
}

/**
 * Just before a run: is the server there? One light read (the styles list). When it is not, the
 * run is not sent (nothing could queue it) and the plain server-down message shows instead.
 */
export async function probeServer(): Promise<boolean> {
  try {
    await getClient().listStyles();
    if (useSettings.getState().check.state !== 'ok') void checkConnection();
    return true;
  } catch (e) {
    if (!serverUnreachable(e)) return true; // answered, with an error: the run reports it
    scheduleRecheck();
    const plain = serverDownText(apiOriginShown());
    useSettings.setState({
      check: { state: 'failed', message: plain.en, messageZh: plain.zh, unreachable: true },
    });
    return false;
  }
}

/** The address the user knows the server by (the FooocusAPI behind the app server, not /api). */
export function apiOriginShown(s: SettingsState = useSettings.getState()): string {
  return s.config?.apiOrigin ?? apiBaseUrl(s);
}

/** Run is off while the last check found the server down; it comes back by itself once it answers. */
export function serverKnownDown(s: SettingsState = useSettings.getState()): boolean {
  return s.check.state === 'failed' && s.check.unreachable;
}
