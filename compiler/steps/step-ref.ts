/**
 * The placeholder a later step's request holds where the previous step's result image goes. It is
 * never sent: the runner (api/run-steps.ts) puts each result's bytes there. Kept human-readable so
 * the request view and an exported request say what it stands for.
 */
import type { CompiledStep, StepInputField } from '../types.ts';

const PREFIX = 'fooocus-flow:step-result:';

/** `fromStep` is 0-based; the text says "step N" the way users count. */
export function stepResultRef(fromStep: number): string {
  return `${PREFIX}${fromStep + 1}`;
}

/** The 0-based step a placeholder refers to, or null for any other value. */
export function stepOfResultRef(value: unknown): number | null {
  if (typeof value !== 'string' || !value.startsWith(PREFIX)) return null;
  const n = Number(value.slice(PREFIX.length));
  return Number.isInteger(n) && n >= 1 ? n - 1 : null;
}

export const STEP_INPUT_FIELDS: readonly StepInputField[] = [
  'uov_input_image',
  'inpaint_input_image',
  'enhance_input_image',
];

/** Which field of a step's request takes the previous result (the one holding the placeholder). */
export function stepInputField(step: Pick<CompiledStep, 'request'>): StepInputField | undefined {
  const r = step.request as Record<string, unknown>;
  return STEP_INPUT_FIELDS.find((f) => stepOfResultRef(r[f]) !== null);
}
