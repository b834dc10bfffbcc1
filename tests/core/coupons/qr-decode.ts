// Reads a QR code back with jsQR, a reader independent of the encoder the coupon uses: the
// module matrix is drawn as a black-on-white image with the standard quiet zone, as a camera
// would see the printed coupon.
import jsQR from 'jsqr';

export function decodeQr(
  matrix: { size: number; dark: boolean[] },
  pixelsPerModule = 4,
): string | null {
  const quiet = 4;
  const side = (matrix.size + 2 * quiet) * pixelsPerModule;
  const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let row = 0; row < matrix.size; row++) {
    for (let col = 0; col < matrix.size; col++) {
      if (!matrix.dark[row * matrix.size + col]) continue;
      for (let dy = 0; dy < pixelsPerModule; dy++) {
        for (let dx = 0; dx < pixelsPerModule; dx++) {
          const y = (row + quiet) * pixelsPerModule + dy;
          const x = (col + quiet) * pixelsPerModule + dx;
          rgba.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3);
        }
      }
    }
  }
  return jsQR(rgba, side, side, { inversionAttempts: 'dontInvert' })?.data ?? null;
}
