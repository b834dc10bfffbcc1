// The width of a PDF's first page, read with pdf.js (already loaded for the preview when a
// document is on screen). Kept apart from print-kind.ts so that the decision is tested without
// a browser.
import type * as PdfJsModule from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

let loading: Promise<typeof PdfJsModule> | null = null;

function loadPdfJs(): Promise<typeof PdfJsModule> {
  loading ??= import('pdfjs-dist').then((pdfjs) => {
    // The same worker file the preview uses: setting it again changes nothing.
    pdfjs.GlobalWorkerOptions.workerSrc ||= workerUrl;
    return pdfjs;
  });
  return loading;
}

/** The parts of pdf.js used, so that tests can hand in the build that runs under Node. */
export type PdfJsLike = Pick<typeof PdfJsModule, 'getDocument'>;

export async function pdfFirstPageWidth(
  bytes: Uint8Array,
  load: () => Promise<PdfJsLike> = loadPdfJs,
): Promise<number> {
  const pdfjs = await load();
  // pdf.js detaches the buffer it is given: the caller keeps its bytes.
  const doc = await pdfjs.getDocument({ data: bytes.slice(), isEvalSupported: false }).promise;
  try {
    const page = await doc.getPage(1);
    const [x0 = 0, , x1 = 0] = page.view;
    return Math.abs(x1 - x0);
  } finally {
    await doc.destroy();
  }
}
