// Drawing the report's HTML beside the reading of the ledger: start() spawns a worker thread
// that loads the charting library at once (src/report/html-worker.ts), so that cost is off the
// path of a report on a big ledger; render(doc) hands it the document. The worker does what
// renderReportHtml does on this thread, with a fresh ECharts as on this thread, so the HTML is
// the same; when a worker cannot start or fails, the HTML is drawn here instead.
import { Worker } from 'node:worker_threads';
import type { ReportDocument } from './document.js';

export interface HtmlRenderer {
  render(doc: ReportDocument): Promise<string>;
  /** Stops the worker when the report is not drawn after all (an error while reading). */
  cancel(): void;
}

export function startHtmlRenderer(script: URL = new URL('./html-worker.js', import.meta.url)): HtmlRenderer {
  let worker: Worker | null = null;
  try {
    worker = new Worker(script);
    // Never what keeps the process alive: an error before render() ends it as usual.
    worker.unref();
    worker.on('error', () => {});
  } catch {
    worker = null;
  }
  const here = async (doc: ReportDocument): Promise<string> => (await import('./html.js')).renderReportHtml(doc);
  return {
    async render(doc) {
      const w = worker;
      worker = null;
      if (!w) return here(doc);
      w.ref();
      try {
        return await new Promise<string>((resolve, reject) => {
          w.once('message', (m: { html?: string; error?: string }) => (m.html !== undefined ? resolve(m.html) : reject(new Error(m.error))));
          w.once('error', reject);
          w.once('exit', (code) => reject(new Error(`the report's drawing thread ended (exit ${code})`)));
          w.postMessage(doc);
        });
      } catch {
        return here(doc);
      } finally {
        void w.terminate();
      }
    },
    cancel() {
      void worker?.terminate();
      worker = null;
    },
  };
}
