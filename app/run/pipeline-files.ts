import type { CompiledStep, Plan } from '../../compiler/types.ts';
import type { FooocusRequest } from '../../contract/fields.ts';
import { t } from '../../nodes/field.ts';
import type { StoredStep } from './gallery-db.ts';
import { requestJsonWithImages } from './inline-assets.ts';
import { apiBaseUrl } from './settings.ts';

/**
 * The files a pipeline run's zip adds so a developer can replay it: every step's request as sent
 * (images inlined; from step 2 on the input field holds the placeholder `fooocus-flow:step-result:N`
 * where the previous step's result image goes), `steps.json` saying for each step why it starts
 * there, which field takes which step's result and the tasks that ran it, and `replay.py`, the
 * same chained script as "Copy as Python" (compiler/steps/snippets.ts).
 */
export async function pipelineFiles(
  steps: readonly StoredStep[],
): Promise<{ name: string; data: Uint8Array }[]> {
  const enc = new TextEncoder();
  const file = (s: StoredStep) => `steps/step-${s.step}.request.json`;
  const requests = await Promise.all(
    steps.map(async (s) => ({ name: file(s), data: enc.encode(await requestJsonWithImages(s.requestJson)) })),
  );
  const manifest = steps.map((s) => ({
    step: s.step,
    request: file(s),
    startsHere: s.reason ?? (s.step === 1 ? 'The first request of the graph.' : null),
    input: s.input
      ? {
          field: s.input.field,
          takes: `each final image of step ${s.input.fromStep}, as a base64 data URL (in place of the placeholder)`,
        }
      : null,
    taskIds: s.taskIds,
    ...(s.failedTaskIds?.length ? { failedTaskIds: s.failedTaskIds } : {}),
  }));
  const out = [
    ...requests,
    { name: 'steps.json', data: enc.encode(`${JSON.stringify(manifest, null, 2)}\n`) },
  ];
  const script = await replayScript(steps, requests);
  if (script) out.push({ name: 'replay.py', data: enc.encode(script) });
  return out;
}

/** The chained Python script, when every step's plan was kept (runs stored before it was are left out). */
async function replayScript(
  steps: readonly StoredStep[],
  requests: readonly { data: Uint8Array }[],
): Promise<string | null> {
  if (steps.some((s) => !s.plan || (s.step > 1 && !s.input))) return null;
  const dec = new TextDecoder();
  const compiled: CompiledStep[] = steps.map((s, i) => ({
    request: JSON.parse(dec.decode(requests[i]!.data)) as FooocusRequest,
    provenance: {},
    plan: s.plan as Plan,
    ...(s.input
      ? {
          input: {
            fromStep: s.input.fromStep - 1,
            field: s.input.field,
            nodeId: '',
            reason: t(s.reason ?? '', s.reason ?? ''),
          },
        }
      : {}),
  }));
  const { toStepsSnippet } = await import('../../compiler/steps/snippets.ts');
  return toStepsSnippet('python', compiled, { baseUrl: apiBaseUrl() });
}
