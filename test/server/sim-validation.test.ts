/** 422 bodies in FastAPI/pydantic's exact format (contract §5.7) and the Python JSON codec. */
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { dumpPyJson, parsePyJson, PyFloat } from '../../server/sim/pyjson.ts';
import { postJson } from './helpers.ts';

let sim: SimEngine;
beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 0 });
});
afterAll(() => sim.close());

interface Detail {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

async function errors(body: unknown, headers: Record<string, string> = {}): Promise<Detail[]> {
  const res = await postJson(sim.url, '/v1/engine/generate/', body, headers);
  expect(res.status).toBe(422);
  return ((await res.json()) as { detail: Detail[] }).detail;
}

describe('422 validation errors', () => {
  it('range errors carry ctx', async () => {
    expect(await errors({ image_number: 33 })).toEqual([
      {
        type: 'less_than_equal',
        loc: ['body', 'image_number'],
        msg: 'Input should be less than or equal to 32',
        input: 33,
        ctx: { le: 32 },
      },
    ]);
    expect(await errors({ guidance_scale: 0.5 })).toEqual([
      {
        type: 'greater_than_equal',
        loc: ['body', 'guidance_scale'],
        msg: 'Input should be greater than or equal to 1',
        input: 0.5,
        ctx: { ge: 1 },
      },
    ]);
  });

  it('enum errors list the expected values', async () => {
    const [e] = await errors({ performance_selection: 'Fast' });
    const expected = "'Quality', 'Speed', 'Extreme Speed', 'Lightning' or 'Hyper-SD'";
    expect(e).toEqual({
      type: 'enum',
      loc: ['body', 'performance_selection'],
      msg: `Input should be ${expected}`,
      input: 'Fast',
      ctx: { expected },
    });
    const [dir] = await errors({ outpaint_selections: ['Left', 'left'] });
    expect(dir).toMatchObject({ type: 'enum', loc: ['body', 'outpaint_selections', 1], input: 'left' });
  });

  it('strict strings, int_from_float, Lora required fields, nested items', async () => {
    expect(await errors({ prompt: 5 })).toEqual([
      { type: 'string_type', loc: ['body', 'prompt'], msg: 'Input should be a valid string', input: 5 },
    ]);
    expect((await errors({ image_seed: 12.5 }))[0]).toMatchObject({
      type: 'int_from_float',
      loc: ['body', 'image_seed'],
    });
    expect(await errors({ loras: [{ weight: 1 }] })).toEqual([
      { type: 'missing', loc: ['body', 'loras', 0, 'enabled'], msg: 'Field required', input: { weight: 1 } },
      {
        type: 'missing',
        loc: ['body', 'loras', 0, 'model_name'],
        msg: 'Field required',
        input: { weight: 1 },
      },
    ]);
    expect((await errors({ controlnet_image: [{ cn_weight: 7 }] }))[0]).toMatchObject({
      type: 'less_than_equal',
      loc: ['body', 'controlnet_image', 0, 'cn_weight'],
      ctx: { le: 2 },
    });
    expect((await errors({ save_name: null }))[0]).toMatchObject({
      type: 'string_type',
      loc: ['body', 'save_name'],
    });
    expect((await errors({ image_number: 'two' }))[0]).toMatchObject({ type: 'int_parsing' });
    expect((await errors({ async_process: 'maybe' }))[0]).toMatchObject({ type: 'bool_parsing' });
    expect((await errors({ sharpness: 'sharp' }))[0]).toMatchObject({ type: 'float_parsing' });
    expect((await errors({ style_selections: 'Fooocus V2' }))[0]).toMatchObject({ type: 'list_type' });
  });

  it('reports every bad field, in field order', async () => {
    const list = await errors({ uov_method: 'x', image_number: 0, prompt: [] });
    expect(list.map((e) => e.loc[1])).toEqual(['prompt', 'image_number', 'uov_method']);
  });

  it('malformed JSON is json_invalid with the character offset and Python message', async () => {
    expect(await errors('{"prompt": }')).toEqual([
      {
        type: 'json_invalid',
        loc: ['body', 11],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: 'Expecting value' },
      },
    ]);
    expect((await errors('{"a": 1,}'))[0]!.ctx).toEqual({
      error: 'Expecting property name enclosed in double quotes',
    });
  });

  it('empty body, top-level array and text/plain bodies', async () => {
    expect(await errors('')).toEqual([
      { type: 'missing', loc: ['body'], msg: 'Field required', input: null },
    ]);
    expect(await errors('[1]')).toEqual([
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: [1],
      },
    ]);
    expect((await errors('{}', { 'content-type': 'text/plain' }))[0]).toMatchObject({
      type: 'model_attributes_type',
      input: '{}',
    });
  });

  it('lax coercions are accepted and unknown keys ignored', async () => {
    const res = await postJson(sim.url, '/v1/engine/generate/', {
      async_process: 'yes',
      disable_seed_increment: 1,
      image_number: '2',
      image_seed: 7.0,
      sharpness: '3.5',
      black_out_nsfw: 'false',
      no_such_field: { anything: true },
      performance_selection: 'Lightning',
    });
    expect(res.status).toBe(200);
    const stub = (await res.json()) as { task_status: string };
    expect(stub.task_status).toBe('pending');
  });
});

describe('Python JSON codec', () => {
  it('dumps with Python separators, ASCII escapes, raw BigInt digits and floats', () => {
    expect(dumpPyJson({ a: [1, 'é'], b: null }, { spaced: true })).toBe('{"a": [1, "\\u00e9"], "b": null}');
    expect(dumpPyJson({ seed: 9223372036854775807n, p: new PyFloat(100) })).toBe(
      '{"seed":9223372036854775807,"p":100.0}',
    );
    expect(dumpPyJson('😀')).toBe('"\\ud83d\\ude00"');
  });

  it('parses big integers exactly and reports positions like json.loads', () => {
    expect(parsePyJson('{"image_seed": 9223372036854775807}')).toEqual({ image_seed: 9223372036854775807n });
    expect(() => parsePyJson('{"a" 1}')).toThrow("Expecting ':' delimiter: char 5");
    expect(() => parsePyJson('{} x')).toThrow('Extra data: char 3');
    expect(() => parsePyJson('"abc')).toThrow('Unterminated string starting at: char 0');
  });
});
