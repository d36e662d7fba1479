/**
 * zod/mini, for the schemas the editor's first load needs (node kinds, the request fields, the
 * workflow file envelope): the same validation as classic zod (one core) at about a third of the
 * gzipped size, since its functional API lets the bundler drop what is not used (issue 12).
 * Classic zod sets English messages when it is imported; zod/mini has none until configured, so
 * every zod/mini schema imports it from here (`import * as z`) and gets classic zod's messages.
 * Re-exported with `export *`, not as a namespace object: an object would keep all of zod in the bundle.
 */
import { config, never, ZodMiniType, type ZodMiniObject } from 'zod/mini';
import * as core from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';

/**
 * zod/mini's objects parse without classic zod's compiled fast path, about twice as slow: the
 * compiler parses every node's params, so a 1000-node compile took 30 % longer. This object is
 * zod/mini's with the compiled path (classic zod's `$ZodObjectJIT`); where `new Function` is not
 * allowed (the editor's CSP, which sets `jitless`), it parses as zod/mini's does.
 */
/** Typed by hand: TypeScript cannot call an assertion signature through a cast. */
type Init = (inst: unknown, def: unknown) => void;
const initObjectJIT: Init = core.$ZodObjectJIT.init as never;
const initMiniType: Init = ZodMiniType.init as never;

const ZodMiniObjectJIT = core.$constructor(
  'ZodMiniObject',
  (inst: core.$ZodObject, def: core.$ZodObjectDef) => {
    initObjectJIT(inst, def);
    initMiniType(inst, def);
    core.util.installLazyProp(inst, 'shape', (self: core.$ZodObject) => self._zod.def.shape, false);
  },
);

/** As zod/mini's `object`, parsed through the compiled fast path where allowed. */
export function object<const T extends core.$ZodLooseShape = Record<never, core.SomeType>>(
  shape?: T,
  params?: string | core.$ZodObjectParams,
): ZodMiniObject<T, core.$strip> {
  return new ZodMiniObjectJIT({
    type: 'object',
    shape: shape ?? {},
    ...core.util.normalizeParams(params),
  } as never) as never;
}

/** As zod/mini's `strictObject` (unknown keys refused), through the compiled fast path where allowed. */
export function strictObject<T extends core.$ZodLooseShape>(
  shape: T,
  params?: string | core.$ZodObjectParams,
): ZodMiniObject<T, core.$strict> {
  const def = { type: 'object', shape, catchall: never(), ...core.util.normalizeParams(params) };
  return new ZodMiniObjectJIT(def as never) as never;
}
