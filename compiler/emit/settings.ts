/**
 * Prompt & Settings → the request's global fields, and the seed. G-26: `preset` is never taken
 * from the graph, so the contract's default "initial" is always sent (a preset would replace
 * fields left at their API default on the server).
 */
import type { CompileContext } from '../context.ts';
import { seedText, stableSeed } from '../seed.ts';
import type { RequestBuilder } from './builder.ts';

export function emitSettings(ctx: CompileContext, b: RequestBuilder, seedOption: number | undefined): void {
  const from = (param: string) => (ctx.chain.settings ? { nodeId: ctx.chain.settings.id, param } : []);
  for (const [key, value] of Object.entries(ctx.settings)) {
    if (key === 'image_seed') continue;
    // Every Prompt & Settings param is the request field of the same name (nodes/request-field.ts),
    // but TypeScript cannot pair a key and its value across Object.entries: one cast, here.
    b.set(key as never, structuredClone(value) as never, from(key));
  }
  const seedParam = Number(ctx.settings.image_seed);
  const seed = seedParam >= 0 ? seedParam : (seedOption ?? stableSeed(seedText(ctx.wf.nodes)));
  b.set('image_seed', seed, from('image_seed'));
  if (ctx.stages?.mode === 'pass-through') {
    // Enhance-input mode forces one image (G-22 reports a larger count).
    b.set('image_number', 1, from('image_number'));
  }
}
