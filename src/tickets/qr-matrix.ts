import type { QRCodeErrorCorrectionLevel } from 'qrcode';

/** A QR code's modules: `size` × `size`, row by row, 1 for a dark module. */
export interface QrMatrix {
  size: number;
  dark: Uint8Array;
}

/** The eight data masks: whether the module at (row, column) is flipped. */
const MASKS: ((i: number, j: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i * j) % 3) + ((i + j) % 2)) % 2 === 0,
];

/** Per symbol size: each mask as the modules it flips (none of the reserved ones), and where the format bits go. */
interface Layout {
  flips: Uint8Array[];
  format: { vertical: number[]; horizontal: number[]; dark: number };
}
const layouts = new Map<number, Layout>();

function layoutOf(size: number, reserved: Uint8Array): Layout {
  let layout = layouts.get(size);
  if (!layout) {
    const flips = MASKS.map((flipped) => {
      const flips = new Uint8Array(size * size);
      for (let row = 0; row < size; row++) for (let col = 0; col < size; col++) if (!reserved[row * size + col] && flipped(row, col)) flips[row * size + col] = 1;
      return flips;
    });
    const vertical: number[] = [];
    const horizontal: number[] = [];
    for (let i = 0; i < 15; i++) {
      vertical.push((i < 6 ? i : i < 8 ? i + 1 : size - 15 + i) * size + 8);
      horizontal.push(8 * size + (i < 8 ? size - i - 1 : i < 9 ? 15 - i : 15 - i - 1));
    }
    layout = { flips, format: { vertical, horizontal, dark: (size - 8) * size + 8 } };
    layouts.set(size, layout);
  }
  return layout;
}

/** The 15 format bits of a level and mask: BCH(15,5) with generator 0x537, XORed with 0x5412. */
function formatBits(levelBits: number, mask: number): number {
  const data = (levelBits << 3) | mask;
  let rest = data << 10;
  for (let bit = 14; bit >= 10; bit--) if (rest & (1 << bit)) rest ^= 0x537 << (bit - 10);
  return ((data << 10) | rest) ^ 0x5412;
}

/**
 * The QR code of `text` as one byte segment, module for module the one
 * `qrcode` makes of it (a spec compares them), in about 40 % of its time.
 * `qrcode` places the data and error correction (with mask 0 asked for, so
 * it skips its own search); the search for the mask with the lowest
 * penalty, which it runs through a getter call per module eight times over
 * and was most of a ticket e-mail's CPU, runs here over flat arrays with the
 * same rules and the same order, so the same mask wins. One byte segment
 * also skips `qrcode`'s segment splitter (a shortest-path search over the
 * characters): it found a shorter mixed split for about 7 % of ticket codes
 * (version 3 instead of 4), so every ticket's code is now version 4 at M.
 */
export async function qrMatrix(text: string, level: QRCodeErrorCorrectionLevel): Promise<QrMatrix> {
  // Loaded at the first code, off the start-up path.
  const { create } = await import('qrcode');
  const { modules, errorCorrectionLevel } = create([{ data: Buffer.from(text), mode: 'byte' }], { errorCorrectionLevel: level, maskPattern: 0 });
  const { size } = modules;
  const reserved = (modules as unknown as { reservedBit: Uint8Array }).reservedBit;
  const { flips, format } = layoutOf(size, reserved);
  // The level's two bits in the format information (L 1, M 0, Q 3, H 2), as qrcode read the level's name.
  const levelBits = errorCorrectionLevel.bit;
  // Undo mask 0: the modules as placed.
  const placed = Uint8Array.from(modules.data);
  for (let i = 0; i < placed.length; i++) placed[i] ^= flips[0][i];

  let best: Uint8Array | undefined;
  let lowest = Infinity;
  for (let mask = 0; mask < flips.length; mask++) {
    const masked = new Uint8Array(placed.length);
    const flip = flips[mask];
    for (let i = 0; i < masked.length; i++) masked[i] = placed[i] ^ flip[i];
    const bits = formatBits(levelBits, mask);
    for (let i = 0; i < 15; i++) masked[format.vertical[i]] = masked[format.horizontal[i]] = (bits >> i) & 1;
    masked[format.dark] = 1;
    const points = penalty(masked, size, lowest);
    if (points < lowest) {
      lowest = points;
      best = masked;
    }
  }
  return { size, dark: best! };
}

/**
 * The mask penalty of ISO/IEC 18004 §7.8.3 as `qrcode` scores it (N1 + N2 +
 * N3 + N4), or Infinity as soon as the points so far reach `bound` (every
 * part is at least 0, and `qrcode` keeps the first of equal masks, so such a
 * mask cannot win): the cheap parts first, then the runs and finder-like
 * patterns row by row.
 */
function penalty(d: Uint8Array, size: number, bound = Infinity): number {
  let darkCount = 0;
  for (let i = 0; i < d.length; i++) darkCount += d[i];
  let points = 10 * Math.abs(Math.ceil((darkCount * 100) / d.length / 5) - 10);
  let n2 = 0;
  for (let row = 0; row < size - 1; row++) {
    for (let col = 0; col < size - 1; col++) {
      const i = row * size + col;
      const sum = d[i] + d[i + 1] + d[i + size] + d[i + size + 1];
      if (sum === 4 || sum === 0) n2++;
    }
  }
  points += 3 * n2;
  if (points >= bound) return Infinity;
  for (let a = 0; a < size; a++) {
    let rowRun = 0;
    let colRun = 0;
    let rowLast = -1;
    let colLast = -1;
    let rowBits = 0;
    let colBits = 0;
    for (let b = 0; b < size; b++) {
      const inRow = d[a * size + b];
      const inCol = d[b * size + a];
      if (inRow === rowLast) rowRun++;
      else {
        if (rowRun >= 5) points += 3 + rowRun - 5;
        rowLast = inRow;
        rowRun = 1;
      }
      if (inCol === colLast) colRun++;
      else {
        if (colRun >= 5) points += 3 + colRun - 5;
        colLast = inCol;
        colRun = 1;
      }
      rowBits = ((rowBits << 1) & 0x7ff) | inRow;
      colBits = ((colBits << 1) & 0x7ff) | inCol;
      if (b >= 10) {
        if (rowBits === 0x5d0 || rowBits === 0x05d) points += 40;
        if (colBits === 0x5d0 || colBits === 0x05d) points += 40;
      }
    }
    if (rowRun >= 5) points += 3 + rowRun - 5;
    if (colRun >= 5) points += 3 + colRun - 5;
    if (points >= bound) return Infinity;
  }
  return points;
}
