// Letter rendering benchmark (not a test). Renders 1,000 one-page letters, each to its own PDF
// file, the way `pre-incasso run` and `letters --out` do: the texts from the shipped templates,
// then the PDF with an EPC QR code. Reports letters per second, bytes per letter, and both
// against a bare pdf-lib one-page text PDF in the standard font Helvetica (nothing embedded).
//
//   npx tsc -p tsconfig.json && node test/bench/letters.js [count]
//
// Targets: at least 60 one-page letters per second, at most 30 KB per letter.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { renderLetterPdf } from '../../dist/letters/pdf.js';
import { DEFAULT_TEMPLATES_DIR, renderLetterTexts, sampleLetterData } from '../../dist/letters/templates.js';

const COUNT = Number(process.argv[2] ?? 1000);
const WARMUP = 20;

const NAMES = ['Ayşe Yılmaz', 'Łukasz Wróblewski', 'Gergő Szőke', 'Žaneta Dvořáková', 'Jan de Vries', 'Fatima El Amrani', 'Pieter van den Berg', 'Émilie Dubois'];
const CITIES = ['Amersfoort', 'Utrecht', "'s-Hertogenbosch", 'Zwolle', 'Leeuwarden', 'Maastricht'];

/** A different, realistic one-page letter for every i (deterministic). */
function letter(i) {
  const stages = [
    { stageId: 'herinnering', stageIndex: 0, final: false },
    { stageId: 'aanmaning', stageIndex: 1, final: false },
    { stageId: 'laatste-herinnering', stageIndex: 2, final: true },
  ];
  const data = sampleLetterData({
    ...stages[i % 3],
    language: i % 7 === 0 ? 'en' : 'nl',
    debtorType: i % 4 === 0 ? 'business' : 'consumer',
    full: i % 5 !== 0,
  });
  data.debtor.number = `D${10000 + i}`;
  if (data.debtor.type === 'consumer') data.debtor.name = NAMES[i % NAMES.length];
  data.debtor.address.city = CITIES[i % CITIES.length];
  const n = 1 + (i % 3);
  data.invoices = Array.from({ length: n }, (_, k) => {
    const amount = 2_500 + ((i * 7_919 + k * 104_729) % 250_000);
    return { number: `2026-${String(i * 3 + k).padStart(5, '0')}`, issueDate: '2026-08-14', dueDate: '2026-09-13', amountCents: amount, paidCents: 0, openCents: amount, role: 'due', reference: null };
  });
  data.dueCents = data.totalOpenCents = data.invoices.reduce((s, l) => s + l.openCents, 0);
  if (data.costsCents !== null) data.costsCents = Math.max(4_000, Math.round(data.dueCents * 0.15));
  return data;
}

function epc(data) {
  const amount = (data.totalOpenCents / 100).toFixed(2);
  return ['BCD', '002', '1', 'SCT', 'ABNANL2A', data.creditor.name, data.creditor.iban, `EUR${amount}`, '', 'RF18539007547034'].join('\n');
}

async function renderLetter(data) {
  const texts = renderLetterTexts(data, [DEFAULT_TEMPLATES_DIR]);
  return renderLetterPdf(data, texts, { epcPayload: epc(data) });
}

/** The baseline: the same letter's text lines on one page in Helvetica, nothing embedded. */
async function bareLetter(lines) {
  const doc = await PDFDocument.create();
  const font = doc.embedStandardFont(StandardFonts.Helvetica);
  const page = doc.addPage([595.28, 841.89]);
  lines.forEach((line, k) => page.drawText(line, { x: 71, y: 800 - k * 13, size: 9.5, font }));
  return doc.save();
}

const out = mkdtempSync(path.join(tmpdir(), 'pre-incasso-bench-'));
try {
  const t0 = performance.now();
  await renderLetter(letter(0));
  const firstMs = performance.now() - t0;
  for (let i = 1; i < WARMUP; i++) await renderLetter(letter(i));

  let bytes = 0;
  let multiPage = 0;
  const start = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const pdf = await renderLetter(letter(i));
    bytes += pdf.length;
    writeFileSync(path.join(out, `letter-${i}.pdf`), pdf);
  }
  const seconds = (performance.now() - start) / 1000;
  for (let i = 0; i < COUNT; i += 97) {
    const pdf = await renderLetter(letter(i));
    if ((await PDFDocument.load(pdf)).getPageCount() !== 1) multiPage++;
  }

  // Baseline with the text of the same letters (WinAnsi only: Helvetica cannot show ş, ł, ő).
  const plain = (s) => s.normalize('NFD').replace(/[^\x20-\x7e]/g, '');
  const lines = [];
  for (let i = 0; i < WARMUP; i++) lines.push(renderLetterTexts(letter(i), [DEFAULT_TEMPLATES_DIR]).emailText.split('\n').slice(0, 55).map(plain));
  let bareBytes = 0;
  const bareStart = performance.now();
  for (let i = 0; i < COUNT; i++) bareBytes += (await bareLetter(lines[i % lines.length])).length;
  const bareSeconds = (performance.now() - bareStart) / 1000;

  const rate = COUNT / seconds;
  const bareRate = COUNT / bareSeconds;
  const avg = bytes / COUNT;
  const bareAvg = bareBytes / COUNT;
  const fmt = (n, d = 1) => n.toFixed(d);
  console.log(`letters:            ${COUNT} one-page letters (nl/en, consumer/business, all three stages), each to its own file`);
  console.log(`first letter:       ${fmt(firstMs)} ms (reads and parses the fonts once)`);
  console.log(`rate:               ${fmt(rate)} letters/s (${fmt(1000 / rate, 2)} ms each; target >= 60)`);
  console.log(`size:               ${fmt(avg / 1024)} KB per letter on average (target <= 30 KB)`);
  console.log(`bare pdf-lib page:  ${fmt(bareRate)} pages/s, ${fmt(bareAvg / 1024)} KB (Helvetica, not embedded)`);
  console.log(`ratio to bare:      ${fmt(bareRate / rate, 2)}x the time, ${fmt(avg / bareAvg, 2)}x the bytes`);
  if (multiPage > 0) console.log(`warning:            ${multiPage} sampled letters had more than one page`);
  if (rate < 60 || avg > 30 * 1024) process.exitCode = 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
