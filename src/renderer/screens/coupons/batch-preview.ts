// The first pages of a coupon batch drawn on screen. A batch is one page per family, thousands
// of pages: drawing them all (as the receipt viewer does for a receipt) would freeze the counter
// and fill its memory, so only the first few are drawn, enough to check the layout before
// printing. pdf.js is the build's own, loaded on demand, as for receipts.
import type * as PdfJsModule from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

type PdfJs = typeof PdfJsModule;
let loading: Promise<PdfJs> | null = null;

function loadPdfJs(): Promise<PdfJs> {
  loading ??= import('pdfjs-dist').then((pdfjs) => {
    pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
    return pdfjs;
  });
  return loading;
}

const SCALE = 0.9;

/** Draws up to `maxPages` pages into `container`; resolves with how many, and the total. */
export async function drawFirstPages(
  bytes: Uint8Array,
  container: HTMLElement,
  maxPages: number,
  signal: AbortSignal,
): Promise<{ drawn: number; total: number }> {
  const pdfjs = await loadPdfJs();
  if (signal.aborted) return { drawn: 0, total: 0 };
  const doc = await pdfjs.getDocument({
    data: bytes.slice(),
    isEvalSupported: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  }).promise;
  try {
    const canvases: HTMLCanvasElement[] = [];
    const count = Math.min(maxPages, doc.numPages);
    for (let n = 1; n <= count; n++) {
      if (signal.aborted) return { drawn: 0, total: doc.numPages };
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: SCALE });
      const ratio = window.devicePixelRatio || 1;
      const canvas = document.createElement('canvas');
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = `${Math.floor(viewport.width)}px`;
      canvas.style.height = `${Math.floor(viewport.height)}px`;
      canvas.className = 'receipt-page';
      await page.render({
        canvas,
        viewport,
        transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0],
      }).promise;
      canvases.push(canvas);
    }
    if (signal.aborted) return { drawn: 0, total: doc.numPages };
    container.replaceChildren(...canvases);
    return { drawn: canvases.length, total: doc.numPages };
  } finally {
    await doc.destroy();
  }
}
