import { withPrepareDiagnostics } from '../../compiler/prepare/merge.ts';
import type { CompileOptions, CompileResult, Diagnostic } from '../../compiler/types.ts';
import { useEditor } from './editor-store.ts';
import { pixelCheckFor } from './pixel-inputs.ts';
import { useSettings } from '../run/settings.ts';

/**
 * What the connected server has installed, once the connection check listed it: unknown styles,
 * models and LoRAs are then reported before a run (an unknown name makes Fooocus return nothing).
 */
export function serverCatalog(): CompileOptions['catalog'] {
  const { models, loras, styles } = useSettings.getState();
  return {
    ...(styles.length ? { styles } : {}),
    ...(models.length ? { models } : {}),
    ...(loras.length ? { loras } : {}),
  };
}

/** How long the document must be still before the compiler runs; typing never waits for it. */
export const COMPILE_DEBOUNCE_MS = 120;

function sameDiags(a: Diagnostic[], b: Diagnostic[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

export function groupDiagnostics(
  prev: Record<string, Diagnostic[]>,
  res: CompileResult,
): Record<string, Diagnostic[]> {
  const next: Record<string, Diagnostic[]> = {};
  for (const d of res.diagnostics) if (d.nodeId) (next[d.nodeId] ??= []).push(d);
  for (const [id, list] of Object.entries(next)) {
    const old = prev[id];
    if (old && sameDiags(old, list)) next[id] = old;
  }
  return next;
}

type Compiler = typeof import('../../compiler/compile.ts');
let compiler: Compiler | null = null;
let loading: Promise<Compiler> | undefined;

/**
 * The compiler is not part of the editor's first load: the scheduler fetches it at start-up and the
 * first diagnostics come once it is here (a run, a pixel check or an export waits for it).
 */
export function loadCompiler(): Promise<Compiler> {
  return (loading ??= import('../../compiler/compile.ts').then((m) => (compiler = m)));
}

/** Compiles the current document now, once the compiler is loaded (tests, export). */
export async function compileSoon(): Promise<CompileResult> {
  await loadCompiler();
  return compileNow();
}

/** Compiles the current document now; the compiler must be loaded (`loadCompiler`). */
export function compileNow(): CompileResult {
  if (!compiler) throw new Error('compileNow before the compiler was loaded: await loadCompiler() first');
  const { compile } = compiler;
  const s = useEditor.getState();
  const pixel = pixelCheckFor(s.doc, s.pixelCheck);
  const res = withPrepareDiagnostics(
    compile(s.doc, { catalog: serverCatalog(), images: pixel.images }),
    pixel.diagnostics,
  );
  useEditor.setState({
    compiled: res,
    compiledRevision: s.docRevision,
    diagByNode: groupDiagnostics(s.diagByNode, res),
  });
  return res;
}

/** Recompiles whenever the document changes, debounced, outside the input event. */
export function startCompileScheduler(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void loadCompiler().then(() => {
        if (useEditor.getState().compiledRevision !== useEditor.getState().docRevision) compileNow();
      });
    }, COMPILE_DEBOUNCE_MS);
  };
  schedule();
  const unsub = useEditor.subscribe((s, prev) => {
    if (s.docRevision !== prev.docRevision) schedule();
  });
  // The server's lists change what is valid: recompile when the connection check brings them.
  const unsubSettings = useSettings.subscribe((s, prev) => {
    if (s.models !== prev.models || s.loras !== prev.loras || s.styles !== prev.styles) {
      useEditor.setState({ compiledRevision: -1 });
      schedule();
    }
  });
  return () => {
    unsub();
    unsubSettings();
    if (timer) clearTimeout(timer);
  };
}
