// The EPC QR code on the letter, drawn as vector rectangles straight from the qrcode package's
// module matrix (no PNG): a scanner reads the page rendered by poppler as exactly the payload, for
// short and long payloads (different QR versions) and non-ASCII names, and the PDF holds no image.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import QRCode from 'qrcode';
import { renderLetterPdf } from '../../src/letters/pdf.js';
import { qrMatrix } from '../../src/letters/pdf-qr.js';
import { DEFAULT_TEMPLATES_DIR, renderLetterTexts, sampleLetterData } from '../../src/letters/templates.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'let-qr-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const epc = (name: string, amount: string, reference: string, text = ''): string => ['BCD', '002', '1', 'SCT', 'ABNANL2A', name, 'NL91ABNA0417164300', amount, '', reference, text].join('\n').replace(/\n+$/, '');

async function page(payload: string, n: number): Promise<{ pdf: string; png: string }> {
  const data = sampleLetterData({ final: true });
  const bytes = await renderLetterPdf(data, renderLetterTexts(data, [DEFAULT_TEMPLATES_DIR]), { epcPayload: payload });
  const pdf = path.join(work, `qr-${n}.pdf`);
  writeFileSync(pdf, bytes);
  const prefix = path.join(work, `qr-${n}`);
  expect(spawnSync('pdftoppm', ['-r', '200', '-png', '-f', '1', '-l', '1', pdf, prefix]).status).toBe(0);
  return { pdf, png: [`${prefix}-1.png`, `${prefix}-01.png`].find((f) => existsSync(f))! };
}

describe('the QR code drawn from the module matrix', () => {
  it.each([
    ['short, structured reference', epc('Bakkerij B.V.', 'EUR12.50', 'RF18539007547034')],
    ['long name and free text (a larger QR version)', epc('Stichting Vrienden van het Openluchtmuseum Arnhem en Omstreken', 'EUR98765.43', '', 'Factuur 2026-00012, 2026-00013, 2026-00014 en 2026-00015 debiteur D10234 herinnering')],
    ['non-ASCII name in UTF-8', epc('Café Ölçek & Zoon', 'EUR5.00', 'RF18539007547034')],
  ])('is read by zbar as exactly the payload: %s', async (_what, payload) => {
    const { png } = await page(payload, payload.length);
    // The symbol's bytes as they are (-Sbinary: no guessing of a character set); EPC069-12 line 3
    // ("1") says UTF-8, as a banking app reads it.
    const r = spawnSync('zbarimg', ['--raw', '-q', '-Sbinary', png]);
    expect(r.stdout.toString('utf8').replace(/\n$/, '')).toBe(payload);
  });

  it('is vector: the page holds no image', async () => {
    const { pdf } = await page(epc('Bakkerij B.V.', 'EUR12.50', 'RF18539007547034'), 1);
    const list = spawnSync('pdfimages', ['-list', pdf], { encoding: 'utf8' }).stdout.split('\n').slice(2).filter((l) => l.trim() !== '');
    expect(list).toEqual([]);
  });

  it('uses exactly the modules of a byte-mode QR code of the payload', () => {
    const payload = epc('Bakkerij B.V.', 'EUR12.50', 'RF18539007547034');
    const m = qrMatrix(payload);
    const ref = QRCode.create([{ data: Buffer.from(payload, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M' }).modules;
    expect(m.size).toBe(ref.size);
    for (let r = 0; r < m.size; r++) for (let c = 0; c < m.size; c++) expect(m.dark(r, c)).toBe(ref.data[r * ref.size + c] === 1);
  });
});
