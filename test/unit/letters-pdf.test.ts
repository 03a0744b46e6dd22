// The printed letter, checked with real tools: poppler's pdftotext and pdftoppm read the PDF,
// zbar decodes the QR code from the rendered page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import QRCode from 'qrcode';
import { PDFDocument } from 'pdf-lib';
import { AppError } from '../../src/errors.js';
import type { Language, LetterData, LetterInvoiceLine } from '../../src/domain/letter.js';
import { combinePdfs, renderLetterPdf, type LetterPdfOptions, type WindowMm } from '../../src/letters/pdf.js';
import { DEFAULT_TEMPLATES_DIR, renderLetterTexts, sampleLetterData, type SampleOptions } from '../../src/letters/templates.js';

const MM = 72 / 25.4;
const GOLDEN_DIR = fileURLToPath(new URL('../fixtures/golden/', import.meta.url));
/** A realistic EPC069-12 payload, as the letter's amount and RF reference would give. */
const EPC = ['BCD', '002', '1', 'SCT', 'ABNANL2A', 'Bakkerij De Korenschoof B.V.', 'NL91ABNA0417164300', 'EUR575.00', '', 'RF18539007547034'].join('\n');

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'pi-letters-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

let counter = 0;
function save(pdf: Uint8Array): string {
  const file = path.join(work, `letter-${++counter}.pdf`);
  writeFileSync(file, pdf);
  return file;
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const pdftext = (pdf: Uint8Array, ...args: string[]): string => run('pdftotext', [...args, save(pdf), '-']);
const flat = (s: string): string => s.replace(/\s+/g, ' ');

interface Word {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Word boxes of page 1 in points from the top left (pdftotext -bbox). */
function words(pdf: Uint8Array): Word[] {
  const html = run('pdftotext', ['-bbox', '-f', '1', '-l', '1', save(pdf), '-']);
  const out: Word[] = [];
  const re = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const text = m[5]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
    out.push({ text, xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]) });
  }
  return out;
}

function decodeQr(pdf: Uint8Array): string {
  const file = save(pdf);
  const prefix = file.replace(/\.pdf$/, '');
  run('pdftoppm', ['-r', '200', '-png', '-f', '1', '-l', '1', file, prefix]);
  const png = [`${prefix}-1.png`, `${prefix}-01.png`].find((f) => existsSync(f))!;
  const r = spawnSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' });
  // zbarimg ends every symbol with a newline of its own.
  return r.stdout.replace(/\n$/, '');
}

async function pageCount(pdf: Uint8Array): Promise<number> {
  return (await PDFDocument.load(pdf)).getPageCount();
}

async function letterPdf(data: LetterData, options: Partial<LetterPdfOptions> = {}): Promise<Uint8Array> {
  const texts = renderLetterTexts(data, [DEFAULT_TEMPLATES_DIR]);
  return renderLetterPdf(data, texts, { epcPayload: EPC, ...options });
}

function invoices(n: number): LetterInvoiceLine[] {
  return Array.from({ length: n }, (_, i) => ({
    number: `2026-${String(1001 + i)}`,
    issueDate: '2026-07-01',
    dueDate: '2026-07-31',
    amountCents: 10_000 + i * 1_234,
    paidCents: i % 5 === 0 ? 2_500 : 0,
    openCents: 10_000 + i * 1_234 - (i % 5 === 0 ? 2_500 : 0),
    role: 'due' as const,
    reference: null,
  }));
}

function withInvoices(data: LetterData, lines: LetterInvoiceLine[]): LetterData {
  data.invoices = lines;
  data.dueCents = lines.filter((l) => l.role === 'due').reduce((s, l) => s + l.openCents, 0);
  data.totalOpenCents = lines.reduce((s, l) => s + l.openCents, 0);
  return data;
}

describe('the letter as printed', () => {
  it('holds the address, every amount, the dates, the IBAN and the KvK number', async () => {
    const data = sampleLetterData({ stageId: 'aanmaning', stageIndex: 1 });
    const text = pdftext(await letterPdf(data), '-layout');
    for (const line of ['Ayşe Yılmaz', 'Kerkstraat 1']) expect(text).toContain(line);
    expect(text).toMatch(/3811 CV\s+AMERSFOORT/);
    for (const amount of ['€ 200,00', '€ 300,00', '€ 50,00', '€ 250,00', '€ 125,00', '€ 0,00', '€ 450,00', '€ 575,00']) expect(text).toContain(amount);
    for (const date of ['Amersfoort, 23 november 2026', '14-08-2026', '13-09-2026', '28-08-2026', '27-09-2026', '20-09-2026', '20-10-2026']) expect(text).toContain(date);
    expect(text).toContain('NL91 ABNA 0417 1643 00');
    expect(text).toContain('KvK 12345678');
    expect(text).toContain('btw-nr. NL123456789B01');
    expect(text).toContain('RF18 5390 0754 7034');
    expect(text).toMatch(/Betreft:\s+Aanmaning openstaande facturen/);
    expect(text).toMatch(/Debiteurnummer\s+D1001/);
    expect(text).toContain('pagina 1 van 1');
  });

  it('writes the consumer final letter as a veertiendagenbrief: the costs and the 14 days after delivery', async () => {
    const text = flat(pdftext(await letterPdf(sampleLetterData({ final: true, debtorType: 'consumer' }))));
    expect(text).toContain('buitengerechtelijke incassokosten verschuldigd van € 67,50');
    expect(text).toContain('binnen veertien dagen na de dag waarop deze brief bij u is bezorgd');
    expect(text).toContain('Aan deze brief zelf zijn geen kosten verbonden.');
  });

  it('writes English letters with English amounts, dates and labels', async () => {
    const text = pdftext(await letterPdf(sampleLetterData({ final: true, debtorType: 'consumer', language: 'en' })), '-layout');
    expect(text).toContain('Amersfoort, 23 November 2026');
    expect(text).toContain('€ 67.50');
    expect(text).toContain('€ 575.00');
    expect(flat(text)).toContain('within fourteen days, starting on the day after this letter is delivered to you');
    expect(text).toContain('page 1 of 1');
    expect(text).toMatch(/Subject:\s+Final reminder for outstanding invoices/);
  });

  it('carries a QR code that a scanner reads as exactly the EPC payload', async () => {
    expect(decodeQr(await letterPdf(sampleLetterData({ final: true })))).toBe(EPC);
  });

  it('leaves the QR code out when there is no payload', async () => {
    const pdf = await letterPdf(sampleLetterData(), { epcPayload: null });
    expect(decodeQr(pdf)).toBe('');
    expect(pdftext(pdf)).not.toContain('Scan met uw bank-app');
  });

  it('prints Polish, Hungarian, Turkish and Czech names', async () => {
    const names = ['Łukasz Wróblewski', 'Gergő Szőke', 'Ayşe Yılmaz', 'Žaneta Dvořáková'];
    for (const name of names) {
      const data = sampleLetterData();
      data.debtor.name = name;
      data.debtor.address.city = 'Łódź';
      const text = pdftext(await letterPdf(data), '-layout');
      expect(text).toContain(name);
      expect(text).toContain(`Geachte ${name},`);
      expect(text).toContain('ŁÓDŹ');
    }
  });

  it('prints a debtor called {{creditor.iban}} as exactly that', async () => {
    const data = sampleLetterData();
    data.debtor.name = '{{creditor.iban}}';
    const text = pdftext(await letterPdf(data), '-layout');
    expect(text).toContain('Geachte {{creditor.iban}},');
  });
});

describe('the address window (DIN 5008 B, PostNL)', () => {
  const inside = (w: Word, win: WindowMm): boolean =>
    w.xMin >= win.leftMm * MM && w.xMax <= (win.leftMm + win.widthMm) * MM && w.yMin >= win.topMm * MM && w.yMax <= (win.topMm + win.heightMm) * MM;
  const overlaps = (w: Word, win: WindowMm): boolean =>
    w.xMax > win.leftMm * MM && w.xMin < (win.leftMm + win.widthMm) * MM && w.yMax > win.topMm * MM && w.yMin < (win.topMm + win.heightMm) * MM;

  it.each<[string, WindowMm | undefined, SampleOptions]>([
    ['DIN 5008 B', undefined, { debtorType: 'business' }],
    ['a window further right and lower', { leftMm: 100, topMm: 50, widthMm: 90, heightMm: 40 }, { debtorType: 'consumer' }],
  ])('puts the address block inside the window and nothing about the debt: %s', async (_name, window, options) => {
    const data = sampleLetterData({ final: true, ...options });
    const pdf = await letterPdf(data, window ? { window } : {});
    const win = window ?? { leftMm: 20, topMm: 45, widthMm: 85, heightMm: 45 };
    const all = words(pdf);
    const inWindow = all.filter((w) => overlaps(w, win));
    // Every word seen through the window lies wholly inside it …
    for (const w of inWindow) expect(inside(w, win), `"${w.text}" crosses the window edge`).toBe(true);
    // … and is the return address or the recipient, never a word about the debt.
    const shown = inWindow.map((w) => w.text).join(' ');
    const expected = [
      'Bakkerij De Korenschoof B.V., Dorpsstraat 12, 1234 AB Amersfoort',
      ...(options.debtorType === 'business' ? ['Van Dijk Installatietechniek B.V.', 't.a.v. M. van Dijk', 'Industrieweg 7'] : ['Ayşe Yılmaz', 'Kerkstraat 1']),
      '3811 CV AMERSFOORT',
    ].join(' ');
    expect(shown).toBe(expected);
    expect(shown).not.toMatch(/€|herinnering|aanmaning|incasso|factu/i);
    // The recipient starts 17.7 mm into the field (62.7 mm from the top for DIN 5008 B).
    const recipientTop = Math.min(...inWindow.filter((w) => w.text === (options.debtorType === 'business' ? 'Van' : 'Ayşe')).map((w) => w.yMin));
    expect(recipientTop / MM).toBeGreaterThan(win.topMm + 17.7 * (win.heightMm / 45) - 1.5);
    expect(recipientTop / MM).toBeLessThan(win.topMm + 17.7 * (win.heightMm / 45) + 1);
  });

  it('keeps a very long name and a foreign address inside the window', async () => {
    const data = sampleLetterData({ debtorType: 'business' });
    data.debtor.name = 'Stichting Vrienden van het Gemeentelijk Sportcentrum De Vennen en Omstreken te Emmeloord';
    data.debtor.address = { street: 'Langestraße 123a', postcode: '10115', city: 'Berlin', country: 'DE' };
    const win = { leftMm: 20, topMm: 45, widthMm: 85, heightMm: 45 };
    const all = words(await letterPdf(data));
    const inWindow = all.filter((w) => w.xMax > win.leftMm * MM && w.xMin < 105 * MM && w.yMax > 45 * MM && w.yMin < 90 * MM);
    for (const w of inWindow) expect(w.yMax).toBeLessThanOrEqual(90 * MM);
    for (const w of inWindow) expect(w.xMax).toBeLessThanOrEqual(105 * MM);
    const shown = inWindow.map((w) => w.text).join(' ');
    expect(shown).toContain('10115 BERLIN DUITSLAND');
    expect(shown).toContain('Omstreken');
  });

  it('refuses a window that does not fit the page', async () => {
    const data = sampleLetterData();
    await expect(letterPdf(data, { window: { leftMm: 150, topMm: 45, widthMm: 85, heightMm: 45 } })).rejects.toMatchObject({ code: 'config_invalid' });
    await expect(letterPdf(data, { window: { leftMm: 20, topMm: 10, widthMm: 85, heightMm: 45 } })).rejects.toBeInstanceOf(AppError);
  });
});

describe('many invoices', () => {
  it('flow onto further pages with the table header repeated and every invoice present', async () => {
    const data = withInvoices(sampleLetterData({ stageId: 'aanmaning', stageIndex: 1 }), invoices(60));
    const pdf = await letterPdf(data);
    const pages = await pageCount(pdf);
    expect(pages).toBeGreaterThanOrEqual(2);
    for (let p = 1; p <= pages; p++) {
      const text = run('pdftotext', ['-layout', '-f', String(p), '-l', String(p), save(pdf), '-']);
      expect(text).toContain(`pagina ${p} van ${pages}`);
      expect(text).toContain('KvK 12345678');
      if (text.includes('2026-10')) expect(text).toMatch(/Factuur\s+Factuurdatum\s+Vervaldatum\s+Bedrag\s+Betaald\/verrekend\s+Openstaand/);
    }
    const text = pdftext(pdf, '-layout');
    for (const line of data.invoices) expect(text.split(line.number).length - 1, line.number).toBe(1);
    expect(text).toMatch(/2026-1060\s+01-07-2026\s+31-07-2026\s+€ 828,06\s+€ 0,00\s+€ 828,06/);
    expect(text).toContain('Totaal openstaand');
    expect(text).toContain('€ 27.541,80');
    // The closing is not left alone on a page: it follows text on the same page.
    const last = run('pdftotext', ['-layout', '-f', String(pages), '-l', String(pages), save(pdf), '-']);
    expect(last).toContain('Met vriendelijke groet,');
    expect(last).toContain('Blijft betaling uit');
    expect(decodeQr(pdf)).toBe('');
  });
});

describe('determinism (SPEC §2.6)', () => {
  it('gives the same bytes for the same letter, also after rendering other letters', async () => {
    const data = sampleLetterData({ final: true });
    const first = await letterPdf(data);
    const other = sampleLetterData({ debtorType: 'business' });
    other.debtor.name = 'Žaneta Dvořáková';
    await letterPdf(other);
    const again = await letterPdf(structuredClone(data));
    expect(Buffer.compare(Buffer.from(first), Buffer.from(again))).toBe(0);
    const info = run('pdfinfo', ['-isodates', save(first)]);
    // The dates come from the letter, not the clock.
    expect(info).toMatch(/CreationDate:\s+2026-11-23T00:00:00Z/);
    expect(info).toMatch(/ModDate:\s+2026-11-23T00:00:00Z/);
    expect(info).toMatch(/Producer:\s+pre-incasso \(pdf-lib\)/);
  });

  it('keeps a one-page letter small and embeds subset fonts', async () => {
    const pdf = await letterPdf(sampleLetterData());
    expect(pdf.length).toBeLessThan(30_000);
    const fonts = run('pdffonts', [save(pdf)]);
    expect(fonts).toMatch(/[A-Z]{6}\+DejaVuSans\s+CID TrueType\s+Identity-H\s+yes yes yes/);
    expect(fonts).toMatch(/[A-Z]{6}\+DejaVuSans-Bold\s/);
  });
});

describe('logo', () => {
  it('draws a PNG logo top right, clear of the window', async () => {
    const png = await QRCode.toBuffer('logo', { margin: 0, scale: 4 });
    const pdf = await letterPdf(sampleLetterData(), { logo: { bytes: new Uint8Array(png), type: 'png' } });
    const file = save(pdf);
    const list = run('pdfimages', ['-list', file]);
    expect(list.split('\n').filter((l) => /^\s+1\s/.test(l))).toHaveLength(1);
    expect(pdftext(pdf)).toContain('Bakkerij De Korenschoof B.V.');
  });
});

describe('combined print file', () => {
  it('puts the letters in one file, with a blank page after an odd letter when printing duplex', async () => {
    const one = await letterPdf(sampleLetterData());
    const two = await letterPdf(withInvoices(sampleLetterData({ stageId: 'aanmaning', stageIndex: 1 }), invoices(60)));
    const twoPages = await pageCount(two);
    expect(await pageCount(await combinePdfs([one, two], { duplexBlankPages: false }))).toBe(1 + twoPages);
    const duplex = await combinePdfs([one, two, one], { duplexBlankPages: true });
    expect(await pageCount(duplex)).toBe(2 + twoPages + (twoPages % 2) + 2);
    const text = pdftext(duplex);
    expect(text.split('Geachte Ayşe Yılmaz,').length - 1).toBe(3);
    const again = await combinePdfs([one, two, one], { duplexBlankPages: true });
    expect(Buffer.compare(Buffer.from(duplex), Buffer.from(again))).toBe(0);
  });
});

describe('golden letters', () => {
  const cases: [string, SampleOptions][] = [
    ['letter-herinnering-nl', { stageId: 'herinnering', stageIndex: 0, language: 'nl' }],
    ['letter-herinnering-en', { stageId: 'herinnering', stageIndex: 0, language: 'en' }],
    ['letter-aanmaning-nl', { stageId: 'aanmaning', stageIndex: 1, language: 'nl' }],
    ['letter-aanmaning-en', { stageId: 'aanmaning', stageIndex: 1, language: 'en' }],
    ['letter-laatste-herinnering-nl-consumer', { final: true, language: 'nl', debtorType: 'consumer' }],
    ['letter-laatste-herinnering-nl-business', { final: true, language: 'nl', debtorType: 'business' }],
    ['letter-laatste-herinnering-en-consumer', { final: true, language: 'en', debtorType: 'consumer' }],
    ['letter-laatste-herinnering-en-business', { final: true, language: 'en', debtorType: 'business' }],
  ];

  it.each(cases)('%s matches its reviewed text', async (name, options) => {
    const text = pdftext(await letterPdf(sampleLetterData(options)), '-layout');
    const file = path.join(GOLDEN_DIR, `${name}.txt`);
    if (!existsSync(file)) {
      // First run: write the golden file for review; from then on the letter must match it.
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, text);
    }
    expect(text).toBe(readFileSync(file, 'utf8'));
  });

  it('differ per language', () => {
    const language = (l: Language): string => readFileSync(path.join(GOLDEN_DIR, `letter-herinnering-${l}.txt`), 'utf8');
    expect(language('nl')).toContain('Betalingsherinnering');
    expect(language('en')).toContain('Payment reminder');
  });
});
