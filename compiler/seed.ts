import type { WorkflowNode } from '../nodes/graph.ts';
import { MAX_SAFE_SEED } from '../contract/enums.ts';

/**
 * A stable seed for "random" when the caller gave none: FNV-1a over the workflow text, so compile
 * stays pure (same graph, same request). Runs pass a fresh random seed instead.
 */
export function stableSeed(text: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  // 21 bits of one hash above 32 of the other: an integer below 2^53.
  return (h1 % 0x200000) * 0x100000000 + h2;
}

const INLINE_FINGERPRINT = 96;

/**
 * The text the stable seed hashes: the nodes as JSON, which name their images by asset id
 * (`asset:<sha256>`, 70 characters), so the seed costs the same for a 8 MB photo as for none. An
 * inline data URL (a document from before version 2) stands in as its length and ends: hashing
 * megabytes on every edit is what made compile slow, and a seed needs no more than that.
 */
export function seedText(nodes: readonly WorkflowNode[]): string {
  return JSON.stringify(nodes, (_key, value: unknown) =>
    typeof value === 'string' && value.length > INLINE_FINGERPRINT * 2 && value.startsWith('data:')
      ? `${value.length}:${value.slice(0, INLINE_FINGERPRINT)}…${value.slice(-INLINE_FINGERPRINT)}`
      : value,
  );
}
/** A fresh random seed in [0, 2^53 − 1] (JSON-safe; the server accepts up to 2^63 − 1). */
export function randomSeed(): number {
  return Math.floor(Math.random() * MAX_SAFE_SEED);
}
