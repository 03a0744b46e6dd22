// Issue 11, defect 3: one word of thousands of characters without a space (a debtor name, an
// invoice number) must not stall rendering: wrapping is linear in the text and breaks the word
// at the box edge.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderLetterPdf } from '../../src/letters/pdf.js';
import { DEFAULT_TEMPLATES_DIR, renderLetterTexts, sampleLetterData } from '../../src/letters/templates.js';

describe('a word of 5,000 characters', () => {
  it('renders a letter in well under a second per letter, the word broken over lines', async () => {
    const long = 'X'.repeat(5_000);
    const data = sampleLetterData({ final: true });
    data.debtor.name = long;
    data.invoices[0]!.number = `F${'9'.repeat(4_999)}`;
    const texts = renderLetterTexts(data, [DEFAULT_TEMPLATES_DIR]);
    // Warm up the fonts, then time the long letter.
    await renderLetterPdf(sampleLetterData({ final: true }), { body: 'warm-up' }, { epcPayload: null });
    const started = performance.now();
    const pdf = await renderLetterPdf(data, { ...texts, body: `${texts.body}\n\n${long}` }, { epcPayload: null });
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(3_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'hostile-pdf-'));
    try {
      const file = path.join(dir, 'long.pdf');
      writeFileSync(file, pdf);
      const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
      // Broken at the edge: many lines of X, none longer than the text block.
      const xLines = text.split('\n').map((l) => l.trim()).filter((l) => /^X{20,}$/.test(l));
      expect(xLines.length).toBeGreaterThan(20);
      expect(Math.max(...xLines.map((l) => l.length))).toBeLessThan(120);
      expect(xLines.join('').length).toBeGreaterThanOrEqual(5_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
