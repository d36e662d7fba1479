import type { Workflow } from '../../nodes/graph.ts';
import { openWorkflowJson } from '../../compiler/workflow-file/index.ts';
import { storeOpenedAssets } from './open-assets.ts';
import { assetWritesSettled } from '../assets/asset-db.ts';
import { loadDocument, update, useEditor } from '../store/editor-store.ts';
import { create } from 'zustand';
import { idbDelete, idbGet, idbGetPrefixed, idbPutNow, idbUpdate } from './idb.ts';
import { reportStorageFailure, reportStorageSuccess } from './storage-problems.ts';

/**
 * Autosave to IndexedDB shortly after every document change, and at once when the page is hidden
 * or closed (`visibilitychange` to hidden, `pagehide`): the last edit is never lost to a closed
 * tab, and one made more than about AUTOSAVE_COALESCE_MS before a crash is on disk. Changes inside
 * that window are written together (a typing burst is one write, not one per key; a drag changes
 * the document once, at its end). A write that fails is shown as a lasting banner until one
 * succeeds (storage-problems.ts).
 *
 * Two tabs: each save carries a revision; a tab only writes over the revision it last read or
 * wrote, so it never silently overwrites another tab's newer save. When that happens the user is
 * told and chooses which version to keep.
 */
export interface Draft {
  doc: Workflow;
  rev: number;
  tabId: string;
  savedAt: number;
}

const KEY = 'draft';
/**
 * Written from `pagehide` / hidden in a transaction with no read (the only kind sure to commit when
 * the page goes away): the tab's unsaved document and the revision it was made from. The guarded
 * write deletes it when it goes through; if not, the next open adopts it (see adoptClosedTabs).
 */
interface ClosingDraft {
  doc: Workflow;
  baseRev: number;
  tabId: string;
  savedAt: number;
}
const CLOSING_PREFIX = 'draft-closing:';
const closingKey = (id: string) => `${CLOSING_PREFIX}${id}`;

/** Changes of a closed tab that could not be adopted because another tab saved newer work since. */
export const useClosedTabChanges = create<{ key: string; savedAt: number } | null>()(() => null);
/** At most this long between a change and the start of its write (a throttle: later changes join, the clock does not restart). */
export const AUTOSAVE_COALESCE_MS = 100;
const tabId = Math.random().toString(36).slice(2);
let baseRev = 0;
/** The document revision last saved or loaded by this tab: if equal to the current one, nothing is unsaved. */
let savedDocRevision = -1;
let timer: ReturnType<typeof setTimeout> | null = null;
/** Writes started and not yet settled (flushAutosave waits for them). */
const inflight = new Set<Promise<void>>();
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

/**
 * A tab closed before its guarded write finished left its document under its closing key: it
 * becomes the draft when nobody saved over its base revision since; otherwise it is kept and the
 * user chooses (ConflictBanner), never silently dropped or written over the other tab's work.
 */
async function adoptClosedTabs(): Promise<void> {
  const closings = await idbGetPrefixed<ClosingDraft>(CLOSING_PREFIX);
  for (const { key, value: c } of closings.sort((a, b) => a.value.savedAt - b.value.savedAt)) {
    let refused = false;
    await idbUpdate<Draft>(
      KEY,
      (cur) => {
        if (cur && cur.rev > c.baseRev && cur.tabId !== c.tabId) {
          refused = true;
          return null;
        }
        return {
          doc: c.doc,
          rev: Math.max(cur?.rev ?? 0, c.baseRev) + 1,
          tabId: c.tabId,
          savedAt: c.savedAt,
        };
      },
      { deleteWhenWritten: key },
    );
    if (refused) useClosedTabChanges.setState({ key, savedAt: c.savedAt }, true);
  }
}

/** Restores the last autosaved workflow; false when there is none (or it is unreadable). */
export async function restoreDraft(): Promise<boolean> {
  let draft: Draft | undefined;
  try {
    await adoptClosedTabs();
    draft = await idbGet<Draft>(KEY);
  } catch {
    return false;
  }
  if (!draft) return false;
  const parsed = await readDraft(draft.doc);
  if (!parsed) return false;
  baseRev = draft.rev;
  loadSaved(parsed.workflow);
  // A draft from before images were assets: keep the migrated (light) one from now on.
  if (parsed.migrated) void startSave();
  return true;
}

/**
 * A saved document as loaded. One from before version 2 holds its images inline: they move into
 * the asset store here, so the document (and every later save) holds references only.
 */
async function readDraft(doc: unknown): Promise<{ workflow: Workflow; migrated: boolean } | null> {
  const parsed = await openWorkflowJson(doc);
  if (!parsed.ok) return null;
  await storeOpenedAssets(parsed.workflow, parsed.assets);
  return { workflow: parsed.workflow, migrated: parsed.assets.size > 0 };
}

/**
 * Starts a write of the current document now. The transaction is created before the first await
 * (the database is open by then), so this is safe to call from `pagehide`; writes started one
 * after another commit in that order.
 */
function startSave(force = false): Promise<void> {
  const p = save(force).finally(() => inflight.delete(p));
  inflight.add(p);
  return p;
}

async function save(force: boolean): Promise<void> {
  const s = useEditor.getState();
  if (s.conflict && !force) return;
  const docRevision = s.docRevision;
  const doc = s.doc;
  // Never a draft that refers to an image not yet in storage.
  await assetWritesSettled();
  let conflict: Draft | null = null;
  try {
    const written = await idbUpdate<Draft>(
      KEY,
      (cur) => {
        if (cur && cur.rev > baseRev && cur.tabId !== tabId && !force) {
          conflict = cur;
          return null;
        }
        return { doc, rev: Math.max(cur?.rev ?? 0, baseRev) + 1, tabId, savedAt: Date.now() };
      },
      { deleteWhenWritten: closingKey(tabId) },
    );
    reportStorageSuccess('autosave');
    if (written) {
      baseRev = Math.max(baseRev, written.rev);
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
    // The change stays unsaved: the banner says so until a later write succeeds.
    reportStorageFailure('autosave', err);
    update((d) => {
      if (!d.conflict) d.saveStatus = 'failed';
    });
  }
}

/**
 * Tests: while held, changes wait for `flushAutosave` or for the page to be hidden or closed (two
 * tabs can then edit "at the same time"; a close test knows no timed write happened first).
 */
let held = false;
let heldChange = false;
export function holdAutosave(on: boolean): void {
  held = on;
}

function schedule(): void {
  update((d) => {
    if (!d.conflict) d.saveStatus = 'pending';
  });
  if (held) {
    heldChange = true;
    return;
  }
  timer ??= setTimeout(() => {
    timer = null;
    void startSave();
  }, AUTOSAVE_COALESCE_MS);
}

/** Starts the write of a waiting change now, without waiting for anything (page hide, close, flush). */
function writePendingNow(): void {
  if (!timer && !heldChange) return;
  if (timer) clearTimeout(timer);
  timer = null;
  heldChange = false;
  void startSave();
}

/**
 * The page is being hidden or closed: first the unsaved document under this tab's closing key (a
 * blind write, committed even if the page is gone a moment later), then the usual guarded write.
 */
function writeOnHide(): void {
  const s = useEditor.getState();
  if (s.docRevision === savedDocRevision && !timer && !heldChange) return;
  idbPutNow<ClosingDraft>(closingKey(tabId), { doc: s.doc, baseRev, tabId, savedAt: Date.now() });
  writePendingNow();
}

/** The user's choice on a closed tab's changes that another tab's newer save stood in the way of. */
export async function openClosedTabChanges(): Promise<void> {
  const c = useClosedTabChanges.getState();
  if (!c) return;
  const found = (await idbGetPrefixed<ClosingDraft>(c.key)).find((x) => x.key === c.key);
  const parsed = found ? await readDraft(found.value.doc) : null;
  if (parsed) {
    const draft = await idbGet<Draft>(KEY);
    baseRev = draft?.rev ?? baseRev;
    loadSaved(parsed.workflow);
    // Loaded on the user's word: it becomes the draft (the other version stays in its tab, if open).
    await startSave(true);
  }
  await discardClosedTabChanges();
}

export async function discardClosedTabChanges(): Promise<void> {
  const c = useClosedTabChanges.getState();
  if (!c) return;
  await idbDelete(c.key).catch(() => undefined);
  useClosedTabChanges.setState(null, true);
}

/** Writes any pending change now and waits until every write started so far has settled (tests, Retry). */
export async function flushAutosave(): Promise<void> {
  writePendingNow();
  await Promise.all([...inflight]);
}

/** The banner's Retry after a failed write: writes the current document again. */
export async function retryAutosave(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  await startSave();
}

/** Take the other tab's newer version. */
export async function loadTheirs(): Promise<void> {
  const draft = await idbGet<Draft>(KEY);
  if (!draft) return;
  const parsed = await readDraft(draft.doc);
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
  await startSave(true);
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
  // The page may be gone after these events: the write is started inside the handler (see startSave).
  const onPageHide = () => writeOnHide();
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') writeOnHide();
  };
  window.addEventListener('pagehide', onPageHide);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    unsub();
    channel?.close();
    channel = null;
    window.removeEventListener('pagehide', onPageHide);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
