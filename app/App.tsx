import { lazy, Suspense } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from './canvas/Canvas.tsx';
import { KNOWN_MODELS } from './lib/known-names.ts';
import { ConflictBanner } from './panels/ConflictBanner.tsx';
import { ConfirmDialog } from './panels/ConfirmDialog.tsx';
import { StorageBanner } from './panels/StorageBanner.tsx';
import { Inspector } from './panels/Inspector.tsx';
import { Palette } from './panels/Palette.tsx';
import { Problems } from './panels/Problems.tsx';
import { RunPanel } from './panels/RunPanel.tsx';
import { usePainter } from './panels/painter-state.ts';
import { useSettingsDialog } from './panels/settings-dialog-state.ts';
import { useGallery } from './run/gallery-state.ts';
import { useSettings } from './run/settings.ts';
import { SearchDialog } from './panels/SearchDialog.tsx';
import { Toasts } from './panels/Toasts.tsx';
import { Toolbar } from './panels/Toolbar.tsx';
import { LibraryMount } from './library/LibraryMount.tsx';
import { BatchMount } from './batch/BatchMount.tsx';
import { useEditor } from './store/editor-store.ts';

// Not needed for the first paint: each is loaded the first time it opens.
const Gallery = lazy(() => import('./panels/Gallery.tsx').then((m) => ({ default: m.Gallery })));
const MaskPainter = lazy(() => import('./panels/MaskPainter.tsx').then((m) => ({ default: m.MaskPainter })));
// The start screen builds its templates with dagre's layout: a returning user (draft restored) never needs it.
const StartScreen = lazy(() => import('./panels/StartScreen.tsx').then((m) => ({ default: m.StartScreen })));
const SettingsDialog = lazy(() =>
  import('./panels/SettingsDialog.tsx').then((m) => ({ default: m.SettingsDialog })),
);
const ShortcutsHelp = lazy(() =>
  import('./panels/ShortcutsHelp.tsx').then((m) => ({ default: m.ShortcutsHelp })),
);
// The request view shows what the compiler made, and the compiler is itself fetched after the first
// paint: the view comes in its own chunk (issue 12: first-load size), in a placeholder of its size.
const RequestPanel = lazy(() =>
  import('./panels/RequestPanel.tsx').then((m) => ({ default: m.RequestPanel })),
);
const ImportFailureDialog = lazy(() =>
  import('./panels/ImportFailureDialog.tsx').then((m) => ({ default: m.ImportFailureDialog })),
);

function OnDemand() {
  const gallery = useGallery((s) => s.open);
  const painter = usePainter((s) => s.maskId !== null);
  const settings = useSettingsDialog((s) => s.open);
  const start = useEditor((s) => s.dialog === 'start');
  const shortcuts = useEditor((s) => s.dialog === 'shortcuts');
  const importFailure = useEditor((s) => s.importFailure !== null);
  return (
    <Suspense fallback={null}>
      {start && <StartScreen />}
      {shortcuts && <ShortcutsHelp />}
      {importFailure && <ImportFailureDialog />}
      {gallery && <Gallery />}
      {painter && <MaskPainter />}
      {settings && <SettingsDialog />}
    </Suspense>
  );
}

export function App() {
  const theme = useEditor((s) => s.theme);
  const lang = useEditor((s) => s.lang);
  const serverModels = useSettings((s) => s.models);
  const models = [...new Set([...serverModels, ...KNOWN_MODELS])];
  return (
    <ReactFlowProvider>
      <div className={`app theme-${theme}`} data-theme={theme} lang={lang === 'zh' ? 'zh-CN' : 'en'}>
        <Toolbar />
        <ConflictBanner />
        <StorageBanner />
        <main className="workspace">
          <Palette />
          <div className="centre">
            <Canvas />
            <div className="bottom-panels">
              <Problems />
              <Suspense fallback={<section className="request-panel" />}>
                <RequestPanel />
              </Suspense>
              <RunPanel />
            </div>
          </div>
          <Inspector />
        </main>
        {/* In the first load: Space then typing at once must reach its input. */}
        <SearchDialog />
        <OnDemand />
        <LibraryMount />
        <BatchMount />
        <ConfirmDialog />
        <Toasts />
        <datalist id="known-models">
          {models.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
        <LoraList />
      </div>
    </ReactFlowProvider>
  );
}

function LoraList() {
  const loras = useSettings((s) => s.loras);
  return (
    <datalist id="known-loras">
      {['None', ...loras].map((m) => (
        <option key={m} value={m} />
      ))}
    </datalist>
  );
}
