/**
 * The seed templates' sample images, drawn here by code (no photo, no third-party file, no licence
 * question): a stylised portrait to vary, inpaint and enhance, a colourful reference for the image
 * prompt, and a mask (white = repaint) of the portrait's size. Deterministic: same pixels each time.
 */
export const SAMPLE_SIZE = 512;

export type SampleKind = 'portrait' | 'reference' | 'mask';

type Ctx = OffscreenCanvasRenderingContext2D;

function portrait(g: Ctx, s: number): void {
  const sky = g.createLinearGradient(0, 0, 0, s);
  sky.addColorStop(0, '#3a6ea5');
  sky.addColorStop(0.6, '#f4b183');
  sky.addColorStop(1, '#6b4226');
  g.fillStyle = sky;
  g.fillRect(0, 0, s, s);
  // Shoulders, neck, face, hair.
  g.fillStyle = '#2f4858';
  g.beginPath();
  g.ellipse(s / 2, s * 1.02, s * 0.42, s * 0.3, 0, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = '#e0ac69';
  g.fillRect(s * 0.44, s * 0.6, s * 0.12, s * 0.15);
  g.beginPath();
  g.ellipse(s / 2, s * 0.45, s * 0.17, s * 0.22, 0, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = '#3b2314';
  g.beginPath();
  g.ellipse(s / 2, s * 0.3, s * 0.19, s * 0.1, 0, Math.PI, Math.PI * 2);
  g.fill();
  // Eyes and mouth: what the Enhance template's "face", "mouse" and "eye" regions look for.
  for (const x of [0.44, 0.56]) {
    g.fillStyle = '#fff';
    g.beginPath();
    g.ellipse(s * x, s * 0.43, s * 0.03, s * 0.018, 0, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = '#2a4d69';
    g.beginPath();
    g.arc(s * x, s * 0.43, s * 0.012, 0, Math.PI * 2);
    g.fill();
  }
  g.strokeStyle = '#a0413c';
  g.lineWidth = s * 0.012;
  g.beginPath();
  g.arc(s / 2, s * 0.5, s * 0.05, Math.PI * 0.15, Math.PI * 0.85);
  g.stroke();
}

function reference(g: Ctx, s: number): void {
  // Bands of warm and cool colour, like a painting's palette: a clear style for an image prompt.
  const colours = ['#264653', '#2a9d8f', '#e9c46a', '#f4a261', '#e76f51', '#8ab17d'];
  for (let i = 0; i < 24; i++) {
    g.fillStyle = colours[i % colours.length]!;
    g.beginPath();
    const y = (i / 24) * s;
    g.moveTo(0, y);
    for (let x = 0; x <= s; x += 16) g.lineTo(x, y + Math.sin((x / s) * Math.PI * 4 + i) * s * 0.04);
    g.lineTo(s, s);
    g.lineTo(0, s);
    g.closePath();
    g.fill();
  }
}

function mask(g: Ctx, s: number): void {
  g.fillStyle = '#000';
  g.fillRect(0, 0, s, s);
  // The face: what the inpaint templates repaint.
  g.fillStyle = '#fff';
  g.beginPath();
  g.ellipse(s / 2, s * 0.45, s * 0.2, s * 0.25, 0, 0, Math.PI * 2);
  g.fill();
}

const DRAW: Record<SampleKind, (g: Ctx, s: number) => void> = { portrait, reference, mask };

/** One sample image as a PNG. */
export async function drawSample(kind: SampleKind, size = SAMPLE_SIZE): Promise<Blob> {
  const canvas = new OffscreenCanvas(size, size);
  const g = canvas.getContext('2d');
  if (!g) throw new Error('no 2D canvas in this browser');
  DRAW[kind](g, size);
  return canvas.convertToBlob({ type: 'image/png' });
}
