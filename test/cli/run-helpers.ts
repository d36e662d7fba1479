/** Shared pieces of the `fooocus-flow run` tests: temp folders, captured output, workflows on disk. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { getTemplate } from '../../compiler/authoring/templates.ts';
import { serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import type { ExposedParam, Workflow } from '../../nodes/graph.ts';

export interface Captured {
  stdout: { write(s: string): boolean; isTTY?: boolean; text: string };
  stderr: { write(s: string): boolean; isTTY?: boolean; text: string };
}

export function captureIo(tty = false): Captured {
  const sink = () => {
    const s = {
      text: '',
      isTTY: tty,
      write(chunk: string) {
        s.text += chunk;
        return true;
      },
    };
    return s;
  };
  return { stdout: sink(), stderr: sink() };
}

const made: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ff-run-'));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** A template written to `dir/name.json`: with its own exposed params, or the ones `expose` gives. */
export async function writeTemplate(
  dir: string,
  templateId: string,
  expose?: (wf: Workflow) => ExposedParam[],
): Promise<string> {
  const wf = getTemplate(templateId)!.build();
  if (expose) wf.exposed = expose(wf);
  const path = join(dir, `${templateId}.json`);
  await writeFile(path, serializeWorkflow(wf));
  return path;
}

export function nodeOfKind(wf: Workflow, kind: string, label?: string): string {
  return wf.nodes.find((n) => n.kind === kind && (label === undefined || n.label === label))!.id;
}

/** A 96×64 PNG file (Vary turns it into 1216×832). */
export async function writePng(dir: string, name = 'photo.png'): Promise<string> {
  const path = join(dir, name);
  await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 200, g: 150, b: 100 } } })
    .png()
    .toFile(path);
  return path;
}
