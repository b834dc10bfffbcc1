// Receipts arrive from the core as a PDF in base64. The content security policy forbids frames
// and objects (and blob: sources), so the browser's own PDF viewer cannot be embedded; pdf.js
// draws the very same bytes on canvases instead, which the policy allows: its worker is a file
// of this build ('self') and nothing is evaluated from strings. pdf.js is loaded on the first
// receipt only, so the counter's start-up does not pay for it.
import type * as PdfJsModule from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

type PdfJs = typeof PdfJsModule;

let loading: Promise<PdfJs> | null = null;

function loadPdfJs(): Promise<PdfJs> {
  loading ??= import('pdfjs-dist').then((pdfjs) => {
    pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
    return pdfjs;
  });
  return loading;
}

/** CSS pixels per PDF point at which pages are drawn (before the screen's pixel ratio). */
const SCALE = 1.35;

/**
 * Draws every page of the PDF into `container` (emptied first), one canvas per page, sized in
 * CSS pixels and sharp on high-density screens. Resolves with the number of pages drawn;
 * `signal` stops the work when the receipt shown changes before it is finished.
 */
export async function drawPdf(
  bytes: Uint8Array,
  container: HTMLElement,
  signal: AbortSignal,
): Promise<number> {
  return (await drawPdfPages(bytes, container, signal)).drawn;
}

/**
 * The same, for documents too long to draw whole (a coupon batch has a page per family): only
 * the first `maxPages` pages are drawn, at `scale`. Resolves with how many were drawn and how
 * many the document has.
 */
export async function drawPdfPages(
  bytes: Uint8Array,
  container: HTMLElement,
  signal: AbortSignal,
  opts: { maxPages?: number; scale?: number } = {},
): Promise<{ drawn: number; total: number }> {
  const pdfjs = await loadPdfJs();
  if (signal.aborted) return { drawn: 0, total: 0 };
  const task = pdfjs.getDocument({
    // pdf.js detaches the buffer it is given: the caller keeps its bytes for the download.
    data: bytes.slice(),
    isEvalSupported: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  const doc = await task.promise;
  try {
    const canvases: HTMLCanvasElement[] = [];
    const count = Math.min(opts.maxPages ?? doc.numPages, doc.numPages);
    for (let n = 1; n <= count; n++) {
      if (signal.aborted) return { drawn: 0, total: doc.numPages };
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: opts.scale ?? SCALE });
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
