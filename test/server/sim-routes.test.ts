/** The simulator's HTTP surface: routes, redirects, CORS, API key, defaults (contract §1, §2, §6). */
import { STYLE_NAMES } from '../../server/sim/catalog.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { generate, pngDataUrl, postJson, rawRequest } from './helpers.ts';

let sim: SimEngine;
beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 0 });
});
afterAll(() => sim.close());
afterEach(() => sim.setApiKey(undefined));

describe('routes', () => {
  it('POST /v1/engine/generate answers 307 to the slash form, keeping the Host', async () => {
    const r = await rawRequest(sim.url, {
      method: 'POST',
      path: '/v1/engine/generate',
      headers: { 'content-type': 'application/json', host: 'example.test:1234' },
      body: '{}',
    });
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe('http://example.test:1234/v1/engine/generate/');
    expect(r.body.length).toBe(0);
  });

  it('fetch follows the 307 and re-posts the body', async () => {
    const res = await postJson(sim.url, '/v1/engine/generate', {
      image_seed: 3,
      performance_selection: 'Lightning',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { task_status: string }).task_status).toBe('finished');
  });

  it('/v1/engine/control/ answers 307 to the no-slash form', async () => {
    const r = await rawRequest(sim.url, { method: 'POST', path: '/v1/engine/control/?action=stop' });
    expect(r.status).toBe(307);
    expect(r.headers.location).toMatch(/\/v1\/engine\/control\?action=stop$/);
  });

  it('control replies with its three messages', async () => {
    const ask = async (q: string) =>
      (await (await fetch(`${sim.url}/v1/engine/control${q}`, { method: 'POST' })).json()) as unknown;
    expect(await ask('?action=stop')).toEqual({ message: 'No task running' });
    expect(await ask('?action=pause')).toEqual({ message: 'Invalid control action' });
    const missing = await fetch(`${sim.url}/v1/engine/control`, { method: 'POST' });
    expect(missing.status).toBe(422);
    expect(await missing.json()).toEqual({
      detail: [{ type: 'missing', loc: ['query', 'action'], msg: 'Field required', input: null }],
    });
  });

  it('GET / redirects to /docs; unknown paths 404 and wrong methods 405, as JSON', async () => {
    const root = await rawRequest(sim.url, { path: '/' });
    expect(root.status).toBe(307);
    expect(root.headers.location).toBe('/docs');
    const missing = await fetch(`${sim.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: 'Not Found' });
    const wrong = await fetch(`${sim.url}/v1/engines/styles`, { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(await wrong.json()).toEqual({ detail: 'Method Not Allowed' });
  });

  it('styles lists the 279 stock names in order; all-models lists checkpoints and LoRAs', async () => {
    const styles = (await (await fetch(`${sim.url}/v1/engines/styles`)).json()) as string[];
    expect(styles).toHaveLength(279);
    expect(styles).toEqual(STYLE_NAMES);
    expect(styles.slice(0, 3)).toEqual(['Fooocus V2', 'Random Style', 'Fooocus Enhance']);
    expect(styles[278]).toBe('Mk Shepard Fairey Style');
    const models = (await (await fetch(`${sim.url}/v1/engines/all-models`)).json()) as Record<
      string,
      string[]
    >;
    expect(models.model_filenames).toContain('juggernautXL_v8Rundiffusion.safetensors');
    expect(models.lora_filenames).toContain('sd_xl_offset_example-lora_1.0.safetensors');
  });

  it('an unknown task id is 200 []', async () => {
    const res = await fetch(`${sim.url}/tasks/0123456789abcdef0123456789abcdef`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it('serves outputs and inputs, converts on an exact Accept, 404s on missing files and bad extensions', async () => {
    const rec = await generate(sim.url, {
      image_seed: 9,
      uov_input_image: await pngDataUrl(64, 48),
      uov_method: 'Vary (Subtle)',
    });
    const out = rec.result![0]!;
    const stored = await fetch(out, { headers: { accept: 'text/html,image/webp,*/*' } });
    expect(stored.status).toBe(200);
    expect(stored.headers.get('content-type')).toBe('image/png');
    expect(stored.headers.get('etag')).toBeTruthy();
    const asJpeg = await fetch(out, { headers: { accept: 'image/jpeg' } });
    expect(asJpeg.headers.get('content-type')).toBe('image/jpeg');
    expect((await asJpeg.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const jpg = await fetch(out, { headers: { accept: 'image/jpg' } });
    expect(jpg.status).toBe(200);
    expect((await jpg.arrayBuffer()).byteLength).toBe(0);

    const input = rec.req_params.uov_input_image as string;
    expect(input).toMatch(new RegExp(`^${sim.url}/inputs/[0-9a-f]{64}\\.png$`));
    expect((await fetch(input)).status).toBe(200);

    const dir = new URL(out).pathname.split('/')[2];
    expect((await fetch(`${sim.url}/outputs/${dir}/missing.png`)).status).toBe(404);
    expect((await fetch(`${sim.url}/outputs/${dir}/log.html`)).status).toBe(404);
    expect((await fetch(`${sim.url}/inputs/nope.png`)).status).toBe(404);
    expect(
      (await rawRequest(sim.url, { path: '/outputs/..%2F..%2Fetc/passwd.png', headers: { accept: '*/*' } }))
        .status,
    ).toBe(404);
  });

  it('a missing Accept header is a bare 500 on generate and outputs', async () => {
    const gen = await rawRequest(sim.url, {
      method: 'POST',
      path: '/v1/engine/generate/',
      headers: { 'content-type': 'application/json', origin: 'http://app.test' },
      body: '{}',
    });
    expect(gen.status).toBe(500);
    expect(gen.headers['content-type']).toMatch(/^text\/plain/);
    expect(gen.body.toString()).toBe('Internal Server Error');
    expect(Object.keys(gen.headers).filter((h) => h.startsWith('access-control'))).toEqual([]);
  });
});

describe('CORS', () => {
  it('answers a preflight on any path, echoing origin and requested headers', async () => {
    const r = await rawRequest(sim.url, {
      method: 'OPTIONS',
      path: '/anything/at/all',
      headers: {
        origin: 'http://app.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-api-key',
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('OK');
    expect(r.headers['access-control-allow-origin']).toBe('http://app.test');
    expect(r.headers['access-control-allow-credentials']).toBe('true');
    expect(r.headers['access-control-allow-headers']).toBe('content-type,x-api-key');
    expect(r.headers['access-control-allow-methods']).toContain('POST');
    expect(r.headers['access-control-max-age']).toBe('600');
  });

  it('adds headers to ordinary, 307, 403 and 422 replies, but none to a 500', async () => {
    const origin = { origin: 'http://app.test' };
    const ok = await fetch(`${sim.url}/v1/engines/styles`, { headers: origin });
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    const redirect = await rawRequest(sim.url, {
      method: 'POST',
      path: '/v1/engine/generate',
      headers: origin,
    });
    expect(redirect.headers['access-control-allow-origin']).toBe('*');
    const bad = await postJson(sim.url, '/v1/engine/generate/', { image_number: 0 }, origin);
    expect(bad.status).toBe(422);
    expect(bad.headers.get('access-control-allow-origin')).toBe('*');
    sim.setApiKey('k');
    const denied = await fetch(`${sim.url}/tasks`, { headers: origin });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('access-control-allow-origin')).toBe('*');
    sim.setApiKey(undefined);
    const broken = await postJson(
      sim.url,
      '/v1/engine/generate/',
      { uov_input_image: 'not base64!', uov_method: 'Vary (Subtle)' },
      origin,
    );
    expect(broken.status).toBe(500);
    expect([...broken.headers.keys()].filter((h) => h.startsWith('access-control'))).toEqual([]);
  });
});

describe('API key', () => {
  it('protects the secure routes with 403 {"detail":"Forbidden"} and leaves images open', async () => {
    const rec = await generate(sim.url, { image_seed: 1 });
    sim.setApiKey('s3cret');
    for (const path of ['/tasks', `/tasks/${rec.task_id}`, '/v1/engines/styles', '/v1/engines/all-models']) {
      const res = await fetch(`${sim.url}${path}`);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ detail: 'Forbidden' });
    }
    expect((await fetch(`${sim.url}/v1/engine/control?action=stop`, { method: 'POST' })).status).toBe(403);
    expect((await postJson(sim.url, '/v1/tools/describe-image', { image: 'x' })).status).toBe(403);
    expect((await fetch(rec.result![0]!)).status).toBe(200);
    const ok = await fetch(`${sim.url}/v1/engines/styles`, { headers: { 'X-Api-Key': 's3cret' } });
    expect(ok.status).toBe(200);
  });

  it('invalid JSON is still a 422 first; a bad field with a bad key is a 403', async () => {
    sim.setApiKey('s3cret');
    const broken = await postJson(sim.url, '/v1/engine/generate/', '{"prompt": ');
    expect(broken.status).toBe(422);
    const badField = await postJson(sim.url, '/v1/engine/generate/', { image_number: 99 });
    expect(badField.status).toBe(403);
  });
});

describe('tools', () => {
  it('describe-image returns a description; a missing image is a 422', async () => {
    const res = await postJson(sim.url, '/v1/tools/describe-image', {
      image: await pngDataUrl(40, 30, '#ff0000'),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { describe: string };
    expect(body.describe).toContain('red');
    const missing = await postJson(sim.url, '/v1/tools/describe-image', { image_type: 'Photo' });
    expect(missing.status).toBe(422);
    expect(
      ((await missing.json()) as { detail: { type: string; loc: unknown[] }[] }).detail[0],
    ).toMatchObject({
      type: 'missing',
      loc: ['body', 'image'],
    });
  });

  it('generate_mask returns a base64 PNG string of the image size; sam finds only known words', async () => {
    const image = await pngDataUrl(80, 60);
    const mask = async (body: Record<string, unknown>) => {
      const res = await postJson(sim.url, '/v1/tools/generate_mask', { image, ...body });
      const b64 = (await res.json()) as string;
      const { default: sharp } = await import('sharp');
      const stats = await sharp(Buffer.from(b64, 'base64')).stats();
      const meta = await sharp(Buffer.from(b64, 'base64')).metadata();
      return { width: meta.width, height: meta.height, max: stats.channels[0]!.max };
    };
    expect(await mask({ mask_model: 'sam', dino_prompt_text: 'Face ' })).toEqual({
      width: 80,
      height: 60,
      max: 255,
    });
    expect((await mask({ mask_model: 'sam', dino_prompt_text: 'mouse' })).max).toBe(0);
    expect((await mask({})).max).toBe(255);
  });
});
