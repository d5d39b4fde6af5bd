import { randomBytes } from 'node:crypto';
import { create, QRCodeErrorCorrectionLevel } from 'qrcode';
import { qrMatrix } from './qr-matrix';

/** A code as the database makes them (new_ticket_code(): 32 random bytes, base64url). */
const ticketCode = () => randomBytes(32).toString('base64url');

describe('qrMatrix (the mask search over flat arrays)', () => {
  it.each(['L', 'M', 'Q', 'H', 'low', 'quartile', 'high'] as QRCodeErrorCorrectionLevel[])('makes the very modules qrcode makes, mask search included, at level %s', async (level) => {
    const texts = [...Array.from({ length: 150 }, ticketCode), 'TK-7f3a9c2e4b1d8a6f0c5e9b2d7a4f1c8e', 'a', 'Ünïcødé 🎟', 'x'.repeat(300)];
    const masks = new Set<number>();
    for (const text of texts) {
      const theirs = create([{ data: Buffer.from(text), mode: 'byte' }], { errorCorrectionLevel: level });
      const ours = await qrMatrix(text, level);
      masks.add(theirs.maskPattern as number);
      expect({ text, size: ours.size }).toEqual({ text, size: theirs.modules.size });
      expect(Buffer.from(ours.dark).equals(Buffer.from(theirs.modules.data))).toBe(true);
    }
    // The search mattered: the codes did not all get one mask.
    expect(masks.size).toBeGreaterThan(4);
  });

  it('gives every ticket code the same size (version 4 at level M), one version above what a mixed-mode split gives a few', async () => {
    const sizes = new Set<number>();
    let smallerMixed = 0;
    for (let i = 0; i < 300; i++) {
      const text = ticketCode();
      const ours = (await qrMatrix(text, 'M')).size;
      sizes.add(ours);
      const mixed = create(text, { errorCorrectionLevel: 'M' }).modules.size;
      expect(ours - mixed === 0 || ours - mixed === 4).toBe(true);
      if (mixed < ours) smallerMixed++;
    }
    expect([...sizes]).toEqual([33]);
    expect(smallerMixed).toBeLessThan(60);
  });
});
