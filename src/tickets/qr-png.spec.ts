import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { create } from 'qrcode';
import { qrPng } from './qr-png';

const CODE = 'TK-7f3a9c2e4b1d8a6f0c5e9b2d7a4f1c8e';

describe('qrPng (a QR code as a one-bit PNG)', () => {
  it.each([
    { margin: 2, width: 240 },
    { margin: 4, scale: 8 },
  ])('is a valid PNG that a QR reader reads back, module for module (%o)', async (size) => {
    const png = PNG.sync.read(await qrPng(CODE, { errorCorrectionLevel: 'M', ...size }));
    const { modules } = create([{ data: Buffer.from(CODE), mode: 'byte' }], { errorCorrectionLevel: 'M' });
    const side = modules.size + 2 * size.margin;
    const scale = size.scale ?? Math.floor(size.width! / side);
    expect({ width: png.width, height: png.height }).toEqual({ width: side * scale, height: side * scale });
    if (size.width) expect(png.width).toBeLessThanOrEqual(size.width);

    // Every pixel is the module it stands for: black for a dark one, white for a light one or the quiet zone.
    const wrong: string[] = [];
    for (let y = 0; y < png.height; y++) {
      for (let x = 0; x < png.width; x++) {
        const [row, column] = [Math.floor(y / scale) - size.margin, Math.floor(x / scale) - size.margin];
        const inside = row >= 0 && column >= 0 && row < modules.size && column < modules.size;
        const dark = inside && modules.get(row, column) === 1;
        const i = (y * png.width + x) * 4;
        if (png.data[i] !== (dark ? 0 : 255) || png.data[i + 3] !== 255) wrong.push(`${x},${y}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(CODE);
  });
});
