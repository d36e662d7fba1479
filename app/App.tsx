import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from './canvas/Canvas.tsx';
import { KNOWN_MODELS } from './lib/known-names.ts';
import { ConflictBanner } from './panels/ConflictBanner.tsx';
import { ImportFailureDialog } from './panels/ImportFailureDialog.tsx';
import { Inspector } from './panels/Inspector.tsx';
import { Palette } from './panels/Palette.tsx';
import { Problems } from './panels/Problems.tsx';
import { RequestPanel } from './panels/RequestPanel.tsx';
import { RunPanel } from './panels/RunPanel.tsx';
import { Gallery } from './panels/Gallery.tsx';
import { MaskPainter } from './panels/MaskPainter.tsx';
import { SettingsDialog } from './panels/SettingsDialog.tsx';
import { useSettings } from './run/settings.ts';
import { SearchDialog } from './panels/SearchDialog.tsx';
import { ShortcutsHelp } from './panels/ShortcutsHelp.tsx';
import { StartScreen } from './panels/StartScreen.tsx';
import { Toasts } from './panels/Toasts.tsx';
import { Toolbar } from './panels/Toolbar.tsx';
import { useEditor } from './store/editor-store.ts';

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
        <main className="workspace">
          <Palette />
          <div className="centre">
            <Canvas />
            <div className="bottom-panels">
              <Problems />
              <RequestPanel />
              <RunPanel />
            </div>
          </div>
          <Inspector />
        </main>
        <SearchDialog />
        <StartScreen />
        <ShortcutsHelp />
        <ImportFailureDialog />
        <Gallery />
        <MaskPainter />
        <SettingsDialog />
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
