/** The Fooocus size arithmetic the simulator replicates (fooocus-semantics §3.1, §3.4). */
import {
  outpaintPadding,
  parseAspect,
  pyRound,
  setShapeCeil,
  shapeCeil,
  upscaleFactor,
  upscaleSize,
  varySize,
} from '../../contract/sizes.ts';

describe('size arithmetic', () => {
  it('rounds halves to even like Python', () => {
    expect([0.5, 1.5, 2.5, 2.6].map(pyRound)).toEqual([0, 2, 2, 3]);
  });

  it('shape ceil and set_image_shape_ceil', () => {
    expect(shapeCeil(480, 640)).toBe(576);
    expect(setShapeCeil({ width: 640, height: 480 }, 1024)).toEqual({ width: 1152, height: 832 });
  });

  it('vary keeps an in-band image (VAE-floored to 8) and clamps large ones to 2048', () => {
    expect(varySize({ width: 1100, height: 1300 })).toEqual({ width: 1096, height: 1296 });
    expect(
      shapeCeil(
        varySize({ width: 4000, height: 3000 }).height,
        varySize({ width: 4000, height: 3000 }).width,
      ),
    ).toBe(2048);
  });

  it('upscale factors, including the "ends in 2" quirk', () => {
    expect(
      ['upscale (1.5x)', 'upscale (2x)', 'upscale (fast 2x)', 'Upscale (3.2x)', 'Upscale (3.0x)'].map(
        upscaleFactor,
      ),
    ).toEqual([1.5, 2, 2, 2, 3]);
    expect(upscaleSize({ width: 1500, height: 1000 }, 'Upscale (2x)')).toEqual({
      width: 3000,
      height: 2000,
      directReturn: false,
    });
    expect(upscaleSize({ width: 1800, height: 1400 }, 'Upscale (2x)')).toEqual({
      width: 3600,
      height: 2800,
      directReturn: true,
    });
  });

  it('outpaint padding: [left, top, right, bottom], 0 = 30 %, only selected sides, short lists = defaults', () => {
    expect(outpaintPadding({ width: 300, height: 200 }, ['Left', 'Bottom'], [10, 20, 30, 40])).toEqual({
      left: 10,
      top: 0,
      right: 0,
      bottom: 40,
    });
    expect(outpaintPadding({ width: 300, height: 200 }, ['Right', 'Top'], [10, 20])).toEqual({
      left: 0,
      top: 60,
      right: 90,
      bottom: 0,
    });
  });

  it('aspect parsing as the worker does it', () => {
    expect(parseAspect('1152×896')).toEqual({ width: 1152, height: 896 });
    expect(parseAspect('1152 896')).toEqual({ width: 1152, height: 896 });
    expect(parseAspect('1152x896')).toBeNull();
  });
});
