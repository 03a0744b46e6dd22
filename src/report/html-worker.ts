// The report's HTML drawn on a worker thread (started by src/report/render.ts): ECharts, a
// megabyte of JavaScript, is loaded and compiled here while the main thread still reads the
// ledger; the document arrives as one message and the HTML goes back as one.
import { parentPort } from 'node:worker_threads';
import { loadECharts, renderReportHtml } from './html.js';
import type { ReportDocument } from './document.js';

const port = parentPort;
if (port) {
  const loading = loadECharts();
  port.once('message', (doc: ReportDocument) => {
    loading
      .then(() => renderReportHtml(doc))
      .then(
        (html) => port.postMessage({ html }),
        (error: unknown) => port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
}
