import type { PlanStage } from '../../compiler/types.ts';

/**
 * Which planned stage a Fooocus progress message belongs to. Fooocus reports the main pass with
 * preparation / "Sampling step s/T, image i/N" messages, then "Processing enhance ...", then
 * "Preparing enhancement k/M ..." once per enhance step (M = images × active enhance steps), in the
 * order of the plan's enhance stages. Returns the indexes into `stages` that are running, or null
 * when the message says nothing about the stage (keep the previous one).
 */
export function stageForMessage(message: string, stages: readonly PlanStage[]): number[] | null {
  const main = stages.flatMap((s, i) => (s.stage === 'main' ? [i] : []));
  const enhance = stages.flatMap((s, i) => (s.stage === 'enhance' ? [i] : []));
  if (/^Finished\b/i.test(message) || /^Stopped\b/i.test(message)) return [];
  const k = /Preparing enhancement (\d+)\s*\/\s*(\d+)/i.exec(message);
  if (k && enhance.length > 0) {
    const step = Math.max(1, Number(k[1]));
    return [enhance[(step - 1) % enhance.length]!];
  }
  if (/Processing enhance/i.test(message)) return enhance.length ? [enhance[0]!] : null;
  if (
    /^(Sampling step|Preparing task|Saving image|Initializing|Loading|Processing prompts|Encoding|Preparing Fooocus text|Image processing|VAE encoding|Upscaling|Downloading|Checking for NSFW)/i.test(
      message,
    )
  ) {
    // Sampling messages also appear inside enhance steps; those keep the enhance stage.
    if (/^(Sampling step|Saving image)/i.test(message)) return null;
    return main.length ? main : null;
  }
  return null;
}

/** Running stage indexes after a message, given the ones before it (sampling inside a stage keeps it). */
export function nextStage(
  previous: number[],
  message: string,
  stages: readonly PlanStage[],
  progress: number,
): number[] {
  const found = stageForMessage(message, stages);
  if (found !== null) return found;
  if (previous.length === 0 && progress < 100) {
    const main = stages.flatMap((s, i) => (s.stage === 'main' ? [i] : []));
    return main.length ? main : stages.length ? [0] : [];
  }
  return previous;
}
