/** The request, field by field, each with the node (and param) it came from (provenance). */
import type { CompileContext } from '../context.ts';
import { RequestBuilder } from './builder.ts';
import { emitStages } from './main-pass.ts';
import { emitSettings } from './settings.ts';

export function emitRequest(ctx: CompileContext, seed: number | undefined): RequestBuilder {
  const b = new RequestBuilder();
  emitSettings(ctx, b, seed);
  if (ctx.stages) emitStages(ctx, ctx.stages, b);
  return b;
}
