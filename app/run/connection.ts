import { createFooocusClient, type FooocusClient } from '../../api/index.ts';
import { serverDownText, serverUnreachable } from './server-down.ts';
import { apiBaseUrl, apiOriginShown, browserApiKey, loadAppConfig, useSettings } from './settings.ts';

/**
 * Talking to FooocusAPI from the editor: the client for the configured server, the connection check
 * (which lists the server's models, LoRAs and styles) and the check just before a run. Kept apart
 * from the connection settings (settings.ts) so that the API client is not part of the editor's first
 * load: main.tsx fetches this module for the start-up check, after the first paint.
 */

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
