// Saving a large document without freezing the process. pdf-lib's save() builds the whole file
// in one buffer and writes its cross-reference table, and embeds each font subset, in single
// synchronous steps: for a batch of 5,000 coupons (10,000 objects, 10 MB) those steps hold the
// event loop for a few hundred milliseconds, during which the counter on the same poste cannot
// record a payment. Here the fonts are embedded one at a time, and the objects and the
// cross-reference table are written to the file a slice of a few milliseconds at a time, the
// process answering other requests between slices. Only the slice in progress is in memory.
//
// The file is the classic layout pdf-lib writes without object streams: header, objects in
// object-number order, a cross-reference table, the trailer.
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import type { PDFDocument, PDFFont } from 'pdf-lib';

export interface SlicedWriteOptions {
  /** Gives the event loop a turn (e.g. setImmediate wrapped in a promise). */
  yieldLoop: () => Promise<void>;
  /** Checked between slices: when true, the file is removed and false returned. */
  cancelled?: () => boolean;
  /** Work between two yields, in milliseconds. */
  sliceMs?: number;
}

const HEADER = Buffer.from('%PDF-1.7\n%\u0081\u0081\u0081\u0081\n\n', 'latin1');
/** Bytes gathered before a write to the file. */
const FLUSH_BYTES = 1 << 20;

/**
 * Writes `doc` to `filePath`, embedding `fonts` first (every font drawn with must be listed:
 * their subsets are final once written). Returns false if cancelled (nothing is left behind).
 */
export async function writePdfInSlices(
  doc: PDFDocument,
  fonts: readonly PDFFont[],
  filePath: string,
  opts: SlicedWriteOptions,
): Promise<boolean> {
  const sliceMs = opts.sliceMs ?? 15;
  const cancelled = opts.cancelled ?? (() => false);
  for (const font of fonts) {
    await opts.yieldLoop();
    if (cancelled()) return false;
    await font.embed();
  }
  // Whatever else the document holds (nothing, for the documents written this way).
  await doc.flush();

  const fd = openSync(filePath, 'w');
  let ok = false;
  try {
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    let offset = 0;
    const put = (b: Buffer) => {
      pending.push(b);
      pendingBytes += b.length;
      offset += b.length;
      if (pendingBytes >= FLUSH_BYTES) flush();
    };
    const flush = () => {
      if (pending.length === 0) return;
      writeSync(fd, Buffer.concat(pending, pendingBytes));
      pending.length = 0;
      pendingBytes = 0;
    };
    let sliceStart = performance.now();
    const pause = async (): Promise<boolean> => {
      if (performance.now() - sliceStart < sliceMs) return true;
      await opts.yieldLoop();
      sliceStart = performance.now();
      return !cancelled();
    };

    put(HEADER);
    const objects = doc.context.enumerateIndirectObjects();
    const offsets = new Map<number, number>();
    for (const [ref, object] of objects) {
      offsets.set(ref.objectNumber, offset);
      const head = `${ref.objectNumber} ${ref.generationNumber} obj\n`;
      const body = Buffer.allocUnsafe(object.sizeInBytes());
      object.copyBytesInto(body, 0);
      put(Buffer.from(head, 'latin1'));
      put(body);
      put(Buffer.from('\nendobj\n\n', 'latin1'));
      if (!(await pause())) return false;
    }

    // Cross-reference table: one subsection per run of consecutive object numbers.
    const xrefOffset = offset;
    const numbers = [...offsets.keys()].sort((a, b) => a - b);
    const lines: string[] = ['xref\n0 1\n0000000000 65535 f \n'];
    for (let i = 0; i < numbers.length;) {
      let j = i;
      while (j + 1 < numbers.length && numbers[j + 1] === (numbers[j] ?? 0) + 1) j++;
      lines.push(`${numbers[i]} ${j - i + 1}\n`);
      for (let k = i; k <= j; k++) {
        const at = offsets.get(numbers[k] ?? 0) ?? 0;
        lines.push(`${String(at).padStart(10, '0')} 00000 n \n`);
        if (k % 2_000 === 0 && !(await pause())) return false;
      }
      i = j + 1;
    }
    put(Buffer.from(lines.join(''), 'latin1'));

    const info = doc.context.trailerInfo;
    const trailer = doc.context.obj({
      Size: doc.context.largestObjectNumber + 1,
      Root: info.Root,
      ...(info.Encrypt ? { Encrypt: info.Encrypt } : {}),
      ...(info.Info ? { Info: info.Info } : {}),
      ...(info.ID ? { ID: info.ID } : {}),
    });
    put(Buffer.from(`trailer\n${trailer.toString()}\n\nstartxref\n${xrefOffset}\n%%EOF`, 'latin1'));
    flush();
    ok = true;
    return true;
  } finally {
    closeSync(fd);
    if (!ok) rmSync(filePath, { force: true });
  }
}
