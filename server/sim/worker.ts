/**
 * The single FIFO worker of the simulated engine. It plays a task the way Fooocus's async worker
 * reports it: preparation messages, `Sampling step s/T, image i/N ...` with previews, saves, then the
 * enhance chain per image (fooocus-semantics §2.2), honouring stop/skip between sampling steps and
 * the "final enhanced image only" persistence rules (§2.3, G-20, G-21).
 */
import { STEPS } from '../../contract/enums.ts';
import type { HoldRegistry } from './holds.ts';
import { saveOutput } from './outputs.ts';
import { planRun, type EnhancePlan, type MainPass, type RunPlan } from './plan.ts';
import {
  PreviewMaker,
  renderFromImage,
  renderInpaint,
  renderRegion,
  renderTextToImage,
  type Look,
} from './render.ts';
import { upscaleSize, varySize, type Size } from '../../contract/sizes.ts';
import type { TaskEntry, WorkerUpdate } from './tasks.ts';
import sharp from 'sharp';

const MAX_SEED = 2n ** 63n - 1n;
const PREPARATION_PROGRESS = 13;

export interface WorkerEnv {
  dataDir: string;
  speed: () => number;
  models: readonly string[];
  holds: HoldRegistry;
  /** After close() or kill the worker abandons its task at the next update. */
  closed: () => boolean;
  /** Resolves when the engine is closed or killed (ends any hold). */
  abandoned: Promise<void>;
}

class Interrupted extends Error {
  constructor(readonly kind: 'stop' | 'skip') {
    super(kind);
  }
}

class WorkerCrash extends Error {}

/** One task being played. */
class Run {
  private doneSteps = 0;
  private allSteps = 1;

  constructor(
    private readonly entry: TaskEntry,
    private readonly env: WorkerEnv,
  ) {}

  private get req() {
    return this.entry.prepared.request;
  }

  private async pause(ms: number): Promise<void> {
    if (this.env.closed()) throw new Interrupted('stop');
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    else await new Promise((r) => setImmediate(r));
  }

  /** Fooocus's `yields.append(...)`: a drainer reads it later, one per tick. */
  private push(update: WorkerUpdate): void {
    this.entry.yields.push(update);
    this.entry.events.emit('yield');
  }

  private async update(progress: number, message: string, preview: string | null = null): Promise<void> {
    this.push({ flag: 'preview', progress, message, preview });
    await this.pause(this.env.speed());
  }

  /** A test hold at this step of this task, if any (holds.ts). */
  private async checkpoint(step: number): Promise<void> {
    await this.env.holds.checkpoint(this.entry.taskId, step, this.env.abandoned);
    if (this.env.closed()) throw new Interrupted('stop');
  }

  private percent(): number {
    return Math.min(
      99,
      Math.floor(PREPARATION_PROGRESS + ((100 - PREPARATION_PROGRESS) * this.doneSteps) / this.allSteps),
    );
  }

  private checkInterrupt(): void {
    const c = this.entry.control;
    if (c.stop) throw new Interrupted('stop');
    if (c.skip) {
      c.skip = false;
      throw new Interrupted('skip');
    }
  }

  /** Sampling steps with previews of the picture that is about to come out. */
  private async sample(final: Buffer, look: Look, steps: number, image: number, of: number): Promise<void> {
    if (steps <= 0) return;
    const previews = this.req.disable_preview ? null : await PreviewMaker.create(final, look);
    for (let s = 1; s <= steps; s++) {
      this.checkInterrupt();
      this.doneSteps++;
      const preview = previews ? await previews.at(s / steps) : null;
      await this.update(this.percent(), `Sampling step ${s}/${steps}, image ${image}/${of} ...`, preview);
      await this.checkpoint(s);
    }
    this.checkInterrupt();
  }

  private async save(png: Buffer, persist: boolean, label: string): Promise<void> {
    if (!persist) return; // Fooocus writes it to its temp folder, which the API drops from results.
    if (this.env.closed()) throw new Interrupted('stop'); // the data folder is being removed
    this.entry.outputs.push(await saveOutput(this.env.dataDir, png, this.req.output_format, label));
    this.push({ flag: 'results' });
  }

  private seedFor(i: number): bigint {
    const seed = this.entry.prepared.seed;
    return this.req.disable_seed_increment ? seed : (seed + BigInt(i)) % (MAX_SEED + 1n);
  }

  private mainPrompt(main: MainPass | null): string {
    const extra = this.req.inpaint_additional_prompt;
    return main?.kind === 'inpaint' && extra ? `${extra}\n${this.req.prompt}` : this.req.prompt;
  }

  private async renderMain(main: MainPass, look: Look): Promise<Buffer> {
    const req = this.req;
    switch (main.kind) {
      case 't2i':
        return renderTextToImage(main.size, look);
      case 'vary': {
        const strong = req.uov_method.includes('Strong') ? 0.85 : 0.5;
        const strength = req.overwrite_vary_strength > 0 ? req.overwrite_vary_strength : strong;
        return renderFromImage(main.source!.png, main.size, look, strength);
      }
      case 'upscale': {
        const strength = req.overwrite_upscale_strength > 0 ? req.overwrite_upscale_strength : 0.382;
        return renderFromImage(main.source!.png, main.size, look, main.directReturn ? 0 : strength);
      }
      case 'inpaint':
        return renderInpaint(main.source!.png, main.mask?.png ?? null, main.padding!, look);
    }
  }

  private async preparation(plan: RunPlan): Promise<void> {
    const req = this.req;
    if (plan.controlNets) await this.update(1, 'Loading control models ...');
    const perfLora: Record<string, string> = {
      'Extreme Speed': 'LCM',
      Lightning: 'Lightning',
      'Hyper-SD': 'Hyper-SD',
    };
    const lora = perfLora[req.performance_selection];
    if (lora) await this.update(1, `Downloading ${lora} components ...`);
    await this.update(1, 'Initializing ...');
    if (plan.main?.directReturn) return;
    await this.update(2, 'Loading models ...');
    if (plan.main) {
      await this.update(3, 'Processing prompts ...');
      for (let i = 1; i <= plan.main.count; i++) {
        if (req.style_selections.includes('Fooocus V2'))
          await this.update(4, `Preparing Fooocus text #${i} ...`);
        await this.update(5, `Encoding positive #${i} ...`);
        await this.update(6, `Encoding negative #${i} ...`);
      }
    }
  }

  private estimateSteps(plan: RunPlan): number {
    const main = plan.main;
    let total = main ? main.steps * main.count : 0;
    const images = main ? main.count : plan.enhanceInput ? 1 : 0;
    if (plan.enhance)
      total +=
        images *
        (plan.enhance.regions.length * plan.normalSteps + (plan.enhance.uovMethod ? plan.uovSteps : 0));
    return Math.max(1, total);
  }

  /** Plays the whole task (stop and worker failures end it early, as upstream). */
  async play(): Promise<void> {
    const plan = await planRun(this.entry.prepared, this.env.models);
    if (this.entry.forceEmpty) plan.failure = 'injected failure';
    this.allSteps = this.estimateSteps(plan);
    try {
      await this.checkpoint(0);
      await this.preparation(plan);
      if (plan.failure) throw new WorkerCrash(plan.failure);
      const toEnhance = await this.mainPass(plan);
      if (plan.enhance && toEnhance.length > 0) await this.enhanceStage(plan, plan.enhance, toEnhance);
    } catch (err) {
      if (err instanceof Interrupted) return;
      if (err instanceof WorkerCrash) return; // no error state: fewer (or no) images
      throw err;
    }
  }

  private async mainPass(plan: RunPlan): Promise<Buffer[]> {
    const main = plan.main;
    if (!main) {
      if (!plan.enhanceInput) return [];
      const flat = await sharp(plan.enhanceInput.png).flatten({ background: '#ffffff' }).png().toBuffer();
      return [flat];
    }
    if (main.kind !== 't2i') await this.update(PREPARATION_PROGRESS - 1, 'Image processing ...');
    if (main.kind === 'upscale')
      await this.update(
        PREPARATION_PROGRESS - 1,
        `Upscaling image from (${main.source!.width}, ${main.source!.height}) ...`,
      );
    if (main.kind !== 't2i' && !main.directReturn)
      await this.update(PREPARATION_PROGRESS, 'VAE encoding ...');

    const produced: Buffer[] = [];
    const persist = main.directReturn || plan.persistMain;
    for (let i = 0; i < main.count; i++) {
      const look = { seed: this.seedFor(i), prompt: this.mainPrompt(main) };
      const png = await this.renderMain(main, look);
      if (!main.directReturn) {
        await this.update(this.percent(), `Preparing task ${i + 1}/${main.count} ...`);
        try {
          await this.sample(png, look, main.steps, i + 1, main.count);
        } catch (err) {
          if (err instanceof Interrupted && err.kind === 'skip') continue;
          throw err;
        }
      }
      if (this.req.black_out_nsfw) await this.update(this.percent(), 'Checking for NSFW content ...');
      await this.update(this.percent(), `Saving image ${i + 1}/${main.count} to system ...`);
      await this.save(png, persist, `${main.kind} seed ${look.seed}`);
      produced.push(png);
    }
    // A direct-return upscale ends the run: no enhance stage after it (G-9).
    return main.directReturn ? [] : produced;
  }

  private async uovStep(method: string, current: Buffer, look: Look, tick: () => string): Promise<Buffer> {
    const meta = await sharp(current).metadata();
    const input: Size = { width: meta.width ?? 1, height: meta.height ?? 1 };
    const vary = method.toLowerCase().includes('vary');
    let size: Size;
    let steps: number;
    let strength: number;
    if (vary) {
      size = varySize(input);
      steps =
        this.req.overwrite_step > 0 ? this.req.overwrite_step : STEPS[this.req.performance_selection].normal;
      const base = method.includes('Strong') ? 0.85 : 0.5;
      strength = this.req.overwrite_vary_strength > 0 ? this.req.overwrite_vary_strength : base;
    } else {
      // In the enhance stage "Upscale (Custom)" is not rewritten: no number in it, so factor 1.0.
      const up = upscaleSize(input, method);
      size = up;
      steps = up.directReturn
        ? 0
        : this.req.overwrite_step > 0
          ? this.req.overwrite_step
          : STEPS[this.req.performance_selection].uov;
      strength = up.directReturn
        ? 0
        : this.req.overwrite_upscale_strength > 0
          ? this.req.overwrite_upscale_strength
          : 0.382;
    }
    const png = await renderFromImage(current, size, look, strength);
    const label = tick();
    await this.update(this.percent(), label);
    await this.sample(png, look, steps, 1, 1);
    return png;
  }

  private async enhanceStage(plan: RunPlan, enhance: EnhancePlan, images: Buffer[]): Promise<void> {
    await this.update(this.percent(), 'Processing enhance ...');
    const total = images.length * enhance.activeTabs;
    let taskId = -1;
    const tick = () => `Preparing enhancement ${taskId + 1}/${total} ...`;
    const look = (prompt: string): Look => ({
      seed: this.entry.prepared.seed,
      prompt: prompt.trim() ? prompt : this.mainPrompt(plan.main),
    });
    for (let current of images) {
      if (enhance.uovBefore && enhance.uovMethod) {
        taskId++;
        const persist = !enhance.finalOnly || enhance.activeTabs === 0;
        try {
          current = await this.uovStep(enhance.uovMethod, current, look(''), tick);
          await this.save(current, persist, `enhance uov before`);
        } catch (err) {
          if (err instanceof Interrupted && err.kind === 'skip') continue;
          throw err;
        }
      }
      const ctrls = this.req.enhance_ctrls.slice(0, 3).filter((c) => c.enhance_enabled);
      for (const region of enhance.regions) {
        taskId++;
        await this.update(this.percent(), tick());
        const isLast = (taskId + 1) % enhance.activeTabs === 0 && !enhance.uovAfter;
        const persist = !enhance.finalOnly || isLast;
        if (!region.detected) continue; // `No "<prompt>" detected, skipping`
        if (region.crashes) throw new WorkerCrash(`bad enhance inpaint engine in region #${region.index}`);
        const ctrl = ctrls[region.index - 1]!;
        const regionLook = look(ctrl.enhance_prompt);
        const png = await renderRegion(current, regionLook, region.index);
        try {
          await this.sample(png, regionLook, plan.normalSteps, 1, 1);
        } catch (err) {
          if (err instanceof Interrupted && err.kind === 'skip') continue;
          throw err;
        }
        await this.save(png, persist, `enhance #${region.index} ${region.dinoPrompt}`);
        current = png;
      }
      if (enhance.uovAfter && enhance.uovMethod) {
        taskId++;
        try {
          current = await this.uovStep(enhance.uovMethod, current, look(''), tick);
          await this.save(current, true, 'enhance uov after');
        } catch (err) {
          if (err instanceof Interrupted && err.kind === 'skip') continue;
          throw err;
        }
      }
    }
  }
}

/** First in, first out; one task at a time (Fooocus's worker thread popping `async_tasks`). */
export class SimWorker {
  private readonly queue: TaskEntry[] = [];
  private busy = false;
  private drained: Promise<void> = Promise.resolve();

  constructor(private readonly env: WorkerEnv) {}

  /** Resolves once no task is being played (after close(), the current one is abandoned). */
  idle(): Promise<void> {
    return this.drained;
  }

  /** Ids of the tasks still waiting in the queue (FooocusAPI's `async_tasks`). */
  queuedIds(): Set<string> {
    return new Set(this.queue.map((e) => e.taskId));
  }

  /** The task being played, if any. */
  working(): TaskEntry | undefined {
    return this.playing;
  }

  private playing: TaskEntry | undefined;

  enqueue(entry: TaskEntry): void {
    this.queue.push(entry);
    if (!this.busy) this.drained = this.drain();
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let entry = this.queue.shift(); entry && !this.env.closed(); entry = this.queue.shift()) {
        entry.state = 'working';
        this.playing = entry;
        try {
          await new Run(entry, this.env).play();
        } catch (err) {
          console.error(`[sim] task ${entry.taskId} crashed:`, err);
        }
        this.playing = undefined;
        if (this.env.closed()) return; // killed: the task is lost, nobody will drain it
        entry.state = 'worked';
        entry.yields.push({ flag: 'finish' });
        entry.events.emit('yield');
      }
    } finally {
      this.busy = false;
    }
  }
}
