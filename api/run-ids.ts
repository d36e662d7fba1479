/** Identities a tracked run fixes before it submits: its seed (so the task can be found) and its run id. */

/** A seed in [0, 2^53): what the server would pick for -1, but known to us so the task can be found. */
export function randomSeed(): number {
  return Math.floor(Math.random() * Number.MAX_SAFE_INTEGER);
}

export function newRunId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  // randomUUID only exists in secure contexts; the editor may be served over plain http on a LAN.
  return c?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
