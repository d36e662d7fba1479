import type { Workflow } from '../../nodes/graph.ts';
import { openWorkflowJson } from '../../compiler/workflow-file/index.ts';
import { storeOpenedAssets } from './open-assets.ts';
import { assetWritesSettled } from '../assets/asset-db.ts';
import { loadDocument, toast, update, useEditor } from '../store/editor-store.ts';
import { idbGet, idbUpdate } from './idb.ts';

/**
 * Autosave to IndexedDB after every document change (debounced; a drag changes the document once,
 * at its end). Two tabs: each save carries a revision; a tab only writes over the revision it last
 * read or wrote, so it never silently overwrites another tab's newer save. When that happens the
 * user is told and chooses which version to keep.
 */
export interface Draft {
  doc: Workflow;
  rev: number;
  tabId: string;
  savedAt: number;
}

const KEY = 'draft';
export const AUTOSAVE_DEBOUNCE_MS = 400;
const tabId = Math.random().toString(36).slice(2);
let baseRev = 0;
/** The document revision last saved or loaded by this tab: if equal to the current one, nothing is unsaved. */
let savedDocRevision = -1;
let timer: ReturnType<typeof setTimeout> | null = null;
let inflight: Promise<void> = Promise.resolve();
let channel: BroadcastChannel | null = null;
/** True while a saved version is being loaded: that is not a change to save. */
let loading = false;

function loadSaved(doc: Workflow): void {
  loading = true;
  try {
    loadDocument(doc);
    savedDocRevision = useEditor.getState().docRevision;
  } finally {
    loading = false;
  }
}

/** Restores the last autosaved workflow; false when there is none (or it is unreadable). */
export async function restoreDraft(): Promise<boolean> {
  let draft: Draft | undefined;
  try {
    draft = await idbGet<Draft>(KEY);
  } catch {
    return false;
  }
  if (!draft) return false;
  const parsed = await readDraft(draft);
  if (!parsed) return false;
  baseRev = draft.rev;
  loadSaved(parsed.workflow);
  // A draft from before images were assets: keep the migrated (light) one from now on.
  if (parsed.migrated) inflight = inflight.then(() => save());
  return true;
}

/**
 * A saved draft as a document. A draft from before version 2 holds its images inline: they move
 * into the asset store here, so the document (and every later save) holds references only.
 */
async function readDraft(draft: Draft): Promise<{ workflow: Workflow; migrated: boolean } | null> {
  const parsed = await openWorkflowJson(draft.doc);
  if (!parsed.ok) return null;
  await storeOpenedAssets(parsed.workflow, parsed.assets);
  return { workflow: parsed.workflow, migrated: parsed.assets.size > 0 };
}

async function save(force = false): Promise<void> {
  const s = useEditor.getState();
  if (s.conflict && !force) return;
  const docRevision = s.docRevision;
  const doc = s.doc;
  // Never a draft that refers to an image not yet in storage.
  await assetWritesSettled();
  let conflict: Draft | null = null;
  try {
    const written = await idbUpdate<Draft>(KEY, (cur) => {
      if (cur && cur.rev > baseRev && cur.tabId !== tabId && !force) {
        conflict = cur;
        return null;
      }
      return { doc, rev: Math.max(cur?.rev ?? 0, baseRev) + 1, tabId, savedAt: Date.now() };
    });
    if (written) {
      baseRev = written.rev;
      savedDocRevision = docRevision;
      channel?.postMessage({ type: 'saved', rev: written.rev, tabId });
      update((d) => {
        d.conflict = null;
        d.saveStatus = d.docRevision === docRevision ? 'saved' : 'pending';
      });
    } else if (conflict) {
      const c: Draft = conflict;
      update((d) => {
        d.conflict = { savedAt: c.savedAt };
        d.saveStatus = 'paused';
      });
    }
  } catch (err) {
    toast('error', 'Autosave failed', String(err));
  }
}

/** Tests: while held, changes wait for `flushAutosave` (two tabs can then edit "at the same time"). */
let held = false;
let heldChange = false;
export function holdAutosave(on: boolean): void {
  held = on;
}

function schedule(): void {
  if (timer) clearTimeout(timer);
  update((d) => {
    if (!d.conflict) d.saveStatus = 'pending';
  });
  if (held) {
    heldChange = true;
    return;
  }
  timer = setTimeout(() => {
    timer = null;
    inflight = inflight.then(() => save());
  }, AUTOSAVE_DEBOUNCE_MS);
}

/** Writes any pending change now (page hide, tests). */
export async function flushAutosave(): Promise<void> {
  if (timer || heldChange) {
    if (timer) clearTimeout(timer);
    timer = null;
    heldChange = false;
    inflight = inflight.then(() => save());
  }
  await inflight;
}

/** Take the other tab's newer version. */
export async function loadTheirs(): Promise<void> {
  const draft = await idbGet<Draft>(KEY);
  if (!draft) return;
  const parsed = await readDraft(draft);
  if (!parsed) return;
  baseRev = draft.rev;
  loadSaved(parsed.workflow);
  update((d) => {
    d.conflict = null;
    d.saveStatus = 'saved';
  });
}

/** Keep this tab's version: overwrite the other tab's save, on the user's explicit word. */
export async function keepMine(): Promise<void> {
  inflight = inflight.then(() => save(true));
  await inflight;
}

export function startAutosave(): () => void {
  savedDocRevision = savedDocRevision < 0 ? useEditor.getState().docRevision : savedDocRevision;
  const unsub = useEditor.subscribe((s, prev) => {
    if (!loading && s.docRevision !== prev.docRevision && s.docRevision !== savedDocRevision) schedule();
  });
  if (typeof BroadcastChannel !== 'undefined') {
    channel = new BroadcastChannel('fooocus-flow');
    channel.onmessage = (e: MessageEvent<{ type: string; rev: number; tabId: string }>) => {
      if (e.data?.type !== 'saved' || e.data.tabId === tabId || e.data.rev <= baseRev) return;
      const unsaved = useEditor.getState().docRevision !== savedDocRevision || timer !== null;
      if (!unsaved) void loadTheirs();
      else
        update((d) => {
          d.conflict = { savedAt: Date.now() };
          d.saveStatus = 'paused';
        });
    };
  }
  const onHide = () => void flushAutosave();
  window.addEventListener('pagehide', onHide);
  document.addEventListener('visibilitychange', onHide);
  return () => {
    unsub();
    channel?.close();
    channel = null;
    window.removeEventListener('pagehide', onHide);
    document.removeEventListener('visibilitychange', onHide);
  };
}
