/**
 * "Copy as curl / Python / fetch" for a graph that runs as steps: a script that sends step 1, takes
 * the final image of each of its seeds, and sends each one through the later steps in order — the
 * previous result downloaded and put into the step's input field as a data URL (a server cannot
 * always reach its own URLs), the seed + the image's index — printing every step's results. Like
 * the one-request snippets it posts synchronously and runs as is against the configured server.
 */
import type { FooocusRequest } from '../../contract/fields.ts';
import { pythonLiteral, type SnippetLanguage, type SnippetOptions } from '../authoring/snippets.ts';
import type { CompiledStep } from '../types.ts';
import { continuingPerRun } from './plan-steps.ts';

function endpoint(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1/engine/generate/`;
}

/** What a script needs per step: the request, its input field, and how to pick the images that go on. */
interface ScriptStep {
  params: FooocusRequest;
  input: string | null;
  /** Images that continue out of one run (step 1: one per seed). */
  continuing: number;
  /** Results are N main-pass images then N enhance groups: each seed's final image ends its group. */
  grouped: boolean;
  note: string;
}

function scriptSteps(steps: readonly CompiledStep[]): ScriptStep[] {
  return steps.map((s, i) => {
    const n = continuingPerRun(s);
    const enhance = s.plan.stages.some((x) => x.stage === 'enhance');
    return {
      params: s.request,
      input: s.input?.field ?? null,
      continuing: n,
      grouped:
        enhance && n > 1 && s.plan.mode !== 'enhance' && s.request.save_final_enhanced_image_only !== true,
      note: s.input ? s.input.reason.en : `Step ${i + 1}`,
    };
  });
}

export function toStepsSnippet(
  lang: SnippetLanguage,
  steps: readonly CompiledStep[],
  o: SnippetOptions,
): string {
  switch (lang) {
    case 'json':
      return JSON.stringify(
        steps.map((s) => s.request),
        null,
        2,
      );
    case 'python':
      return toPythonSteps(steps, o);
    case 'fetch':
      return toFetchSteps(steps, o);
    case 'curl':
      return toCurlSteps(steps, o);
  }
}

function toPythonSteps(steps: readonly CompiledStep[], o: SnippetOptions): string {
  const headers = [
    `"Accept": "application/json"`,
    ...(o.apiKey ? [`"X-API-KEY": ${JSON.stringify(o.apiKey)}`] : []),
  ];
  const list = scriptSteps(steps)
    .map(
      (s) =>
        `    # ${s.note.replace(/[\r\n]+/g, ' ')}\n    {\n        "input": ${s.input ? JSON.stringify(s.input) : 'None'},\n        "continuing": ${s.continuing},\n        "grouped": ${s.grouped ? 'True' : 'False'},\n        "params": ${pythonLiteral(s.params, '        ')},\n    }`,
    )
    .join(',\n');
  return [
    '# This workflow runs as several requests: each step takes the previous result image.',
    'import base64',
    '',
    'import requests',
    '',
    `url = ${JSON.stringify(endpoint(o.baseUrl))}`,
    `headers = {${headers.join(', ')}}`,
    `steps = [\n${list},\n]`,
    '',
    '',
    'def run(params):',
    '    response = requests.post(url, json=params, headers=headers)',
    '    response.raise_for_status()',
    '    task = response.json()',
    '    if task["task_status"] != "finished" or not task["result"]:',
    '        raise SystemExit(f"the step ended {task[\'task_status\']} with no image")',
    '    return task["result"]',
    '',
    '',
    'def finals(result, n, grouped):',
    '    """The final image of each seed: the last of its group."""',
    '    rest = len(result) - n',
    '    if grouped and rest > 0 and rest % n == 0:',
    '        return [result[n + (i + 1) * (rest // n) - 1] for i in range(n)]',
    '    return result[-n:]',
    '',
    '',
    'def as_data_url(image_url):',
    '    response = requests.get(image_url, headers=headers)',
    '    response.raise_for_status()',
    '    return "data:image/png;base64," + base64.b64encode(response.content).decode()',
    '',
    '',
    'result = run(steps[0]["params"])',
    'print("step 1:", *result)',
    'final = []',
    'for i, image in enumerate(finals(result, steps[0]["continuing"], steps[0]["grouped"])):',
    '    for k, step in enumerate(steps[1:], start=2):',
    '        params = dict(step["params"])',
    '        params[step["input"]] = as_data_url(image)',
    '        params["image_seed"] = params["image_seed"] + i',
    '        result = run(params)',
    '        print(f"step {k}, image {i + 1}:", *result)',
    '        image = result[-1]',
    '    final.append(image)',
    'print("finished", *final, sep="\\n")',
    '',
  ].join('\n');
}

function toFetchSteps(steps: readonly CompiledStep[], o: SnippetOptions): string {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (o.apiKey) headers['X-API-KEY'] = o.apiKey;
  return [
    '// This workflow runs as several requests: each step takes the previous result image.',
    `const url = ${JSON.stringify(endpoint(o.baseUrl))};`,
    `const headers = ${JSON.stringify(headers)};`,
    `const steps = ${JSON.stringify(scriptSteps(steps), null, 2)};`,
    '',
    'async function run(params) {',
    "  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(params) });",
    '  if (!response.ok) throw new Error(`FooocusAPI answered ${response.status}: ${await response.text()}`);',
    '  const task = await response.json();',
    "  if (task.task_status !== 'finished' || !task.result.length) throw new Error(`the step ended ${task.task_status} with no image`);",
    '  return task.result;',
    '}',
    '',
    '/** The final image of each seed: the last of its group. */',
    'function finals(result, n, grouped) {',
    '  const rest = result.length - n;',
    '  if (grouped && rest > 0 && rest % n === 0) return Array.from({ length: n }, (_, i) => result[n + (i + 1) * (rest / n) - 1]);',
    '  return result.slice(-n);',
    '}',
    '',
    'async function asDataUrl(imageUrl) {',
    '  const bytes = new Uint8Array(await (await fetch(imageUrl, { headers })).arrayBuffer());',
    "  let text = '';",
    '  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));',
    "  return 'data:image/png;base64,' + btoa(text);",
    '}',
    '',
    'let result = await run(steps[0].params);',
    "console.log('step 1:', ...result);",
    'const final = [];',
    'for (const [i, start] of finals(result, steps[0].continuing, steps[0].grouped).entries()) {',
    '  let image = start;',
    '  for (const [k, step] of steps.slice(1).entries()) {',
    '    const params = { ...step.params, [step.input]: await asDataUrl(image), image_seed: step.params.image_seed + i };',
    '    result = await run(params);',
    '    console.log(`step ${k + 2}, image ${i + 1}:`, ...result);',
    '    image = result[result.length - 1];',
    '  }',
    '  final.push(image);',
    '}',
    "console.log('finished', ...final);",
    '',
  ].join('\n');
}

/** Single-quoted shell word. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** bash + curl + jq: each step's body goes through a quoted heredoc, the previous image through base64. */
function toCurlSteps(steps: readonly CompiledStep[], o: SnippetOptions): string {
  const key = o.apiKey ? ` -H ${shellQuote(`X-API-KEY: ${o.apiKey}`)}` : '';
  const s = scriptSteps(steps);
  const lines = [
    '#!/usr/bin/env bash',
    '# This workflow runs as several requests: each step takes the previous result image. Needs curl, jq, base64.',
    'set -euo pipefail',
    `URL=${shellQuote(endpoint(o.baseUrl))}`,
    `post() { curl -sS -f -X POST "$URL" -H 'Content-Type: application/json' -H 'Accept: application/json'${key} --data-binary @-; }`,
    `fetch_b64() { curl -sS -f${key} "$1" | base64 -w0; }`,
    'img=$(mktemp)',
    'trap \'rm -f "$img"\' EXIT',
    "body1=$(cat <<'FOOOCUS_FLOW_JSON'",
    JSON.stringify(s[0]!.params),
    'FOOOCUS_FLOW_JSON',
    ')',
    'task=$(printf %s "$body1" | post)',
    `echo "step 1:" $(jq -r '.result[]' <<<"$task")`,
    `n=${s[0]!.continuing}; grouped=${s[0]!.grouped ? 1 : 0}`,
    `mapfile -t starts < <(jq -r --argjson n "$n" --argjson g "$grouped" '.result as $r | (($r|length) - $n) as $rest | if $g == 1 and $rest > 0 and ($rest % $n) == 0 then [range(0; $n) | $r[$n + (. + 1) * ($rest / $n) - 1]] else $r[-$n:] end | .[]' <<<"$task")`,
    'final=()',
    'for i in "${!starts[@]}"; do',
    '  image="${starts[$i]}"',
  ];
  s.slice(1).forEach((step, j) => {
    const k = j + 2;
    lines.push(
      `  # ${step.note.replace(/[\r\n]+/g, ' ')}`,
      `  body=$(cat <<'FOOOCUS_FLOW_JSON'`,
      JSON.stringify(step.params),
      'FOOOCUS_FLOW_JSON',
      '  )',
      // The image goes through a file: as an argument it would exceed the command-line limit.
      '  fetch_b64 "$image" > "$img"',
      `  body=$(jq --rawfile b64 "$img" --argjson i "$i" '.[${JSON.stringify(step.input)}] = "data:image/png;base64," + $b64 | .image_seed += $i' <<<"$body")`,
      '  task=$(printf %s "$body" | post)',
      `  echo "step ${k}, image $((i + 1)):" $(jq -r '.result[]' <<<"$task")`,
      `  image=$(jq -r '.result[-1]' <<<"$task")`,
    );
  });
  lines.push('  final+=("$image")', 'done', 'echo finished', 'printf "%s\\n" "${final[@]}"', '');
  return lines.join('\n');
}
