import './zod-jitless.ts'; // before any schema parses: see the file
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles/app.css';
import './styles/editor-ux.css';
import './styles/toolbar.css';
import './styles/narrow.css';
import { App } from './App.tsx';
import { installKeyboard } from './keyboard.ts';
import { installPrefs } from './prefs.ts';
import { restoreDraft, startAutosave } from './persistence/autosave.ts';
import { startCompileScheduler } from './store/compile-scheduler.ts';
import { startPixelCheck } from './store/pixel-check.ts';
import { warmAssetWorkers } from './assets/worker-client.ts';
import { update, useEditor } from './store/editor-store.ts';
import { loadLanguage } from './i18n/i18n.ts';
import { workflowNameIn } from './lib/node-names.ts';
import { installTestHooks } from './test-hooks.ts';
import { loadLayout } from './lib/layout.ts';
import { resumeRuns } from './run/run-actions.ts';
import { loadAppConfig } from './run/settings.ts';

async function boot() {
  installPrefs();
  await Promise.all([loadAppConfig(), loadLanguage(useEditor.getState().lang)]);
  // The gallery's IndexedDB code is not in the first load: fetched now, off the path to the first paint.
  void import('./run/gallery.ts').then((g) => g.loadGallery());
  const restored = await restoreDraft();
  if (!restored)
    update((s) => {
      s.dialog = 'start';
      // The untitled canvas behind the start screen is named in the editor's language.
      s.doc.name = workflowNameIn(s.doc.name, s.lang);
    });
  startAutosave();
  startCompileScheduler();
  startPixelCheck();
  installKeyboard();
  installTestHooks();
  void resumeRuns();
  // The API client is not in the first load: the connection check fetches it.
  void import('./run/connection.ts').then((c) => c.checkConnection());
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
  // Auto-layout's dagre is not part of the first load; fetch it once the editor is idle.
  const idle = window.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 200));
  idle(() => void loadLayout());
  // The image workers too: the first photo then shows at once.
  idle(warmAssetWorkers);
}

void boot();
