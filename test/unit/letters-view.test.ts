import { describe, expect, it } from 'vitest';
import type { LetterData } from '../../src/domain/letter.js';
import { sampleLetterData } from '../../src/letters/templates.js';
import {
  INVOICES_MARKER,
  PAYMENT_MARKER,
  addressLines,
  cleanText,
  compactReference,
  groupIban,
  groupReference,
  letterView,
  splitBody,
} from '../../src/letters/view.js';

function letter(overrides: (d: LetterData) => void, options: Parameters<typeof sampleLetterData>[0] = {}): LetterData {
  const d = sampleLetterData(options);
  overrides(d);
  return d;
}

describe('letterView: amounts and dates', () => {
  it('formats amounts the Dutch way in Dutch letters and the English way in English ones', () => {
    const set = (d: LetterData): void => {
      d.invoices[0]!.amountCents = 123456;
      d.invoices[0]!.openCents = 123456;
      d.totalOpenCents = 123456 + 25000 + 12500;
    };
    const nl = letterView(letter(set));
    expect(nl.invoices[0]!.amount).toBe('€ 1.234,56');
    expect(nl.invoices[1]!.paid).toBe('€ 50,00');
    expect(nl.totalOpen).toBe('€ 1.609,56');
    const en = letterView(letter(set, { language: 'en' }));
    expect(en.invoices[0]!.amount).toBe('€ 1,234.56');
    expect(en.totalOpen).toBe('€ 1,609.56');
  });

  it('writes the letter date in words and the table dates as DD-MM-YYYY', () => {
    const nl = letterView(sampleLetterData());
    expect(nl.date).toBe('23 november 2026');
    expect(nl.placeAndDate).toBe('Amersfoort, 23 november 2026');
    expect(nl.invoices[0]!.issueDate).toBe('14-08-2026');
    expect(nl.invoices[0]!.dueDate).toBe('13-09-2026');
    expect(nl.payBefore).toBe('30 november 2026');
    expect(letterView(sampleLetterData({ language: 'en' })).date).toBe('23 November 2026');
  });

  it('gives the costs only in the consumer final letter', () => {
    expect(letterView(sampleLetterData({ final: true, debtorType: 'consumer' })).costs).toBe('€ 67,50');
    expect(letterView(sampleLetterData({ final: true, debtorType: 'business' })).costs).toBeNull();
    expect(letterView(sampleLetterData({ final: false })).costs).toBeNull();
  });

  it('splits due and also-open invoices and marks the latter', () => {
    const v = letterView(sampleLetterData());
    expect(v.dueCount).toBe(2);
    expect(v.alsoOpenCount).toBe(1);
    expect(v.hasAlsoOpen).toBe(true);
    expect(v.alsoOpenInvoices[0]!.mark).toBe('*');
    expect(v.invoiceNumbers).toBe('2026-0101 en 2026-0102');
    expect(letterView(sampleLetterData({ language: 'en' })).invoiceNumbers).toBe('2026-0101 and 2026-0102');
    expect(v.due).toBe('€ 450,00');
    expect(v.singleInvoice).toBe(false);
  });
});

describe('payment details', () => {
  it.each([
    ['NL91ABNA0417164300', 'NL91 ABNA 0417 1643 00'],
    ['nl91 abna 0417 1643 00', 'NL91 ABNA 0417 1643 00'],
    ['DE89370400440532013000', 'DE89 3704 0044 0532 0130 00'],
  ])('IBAN %s is printed in groups of four', (iban, printed) => {
    expect(groupIban(iban)).toBe(printed);
  });

  it.each([
    ['RF18539007547034', 'RF18 5390 0754 7034', 'RF18539007547034'],
    ['rf18 5390 0754 7034', 'RF18 5390 0754 7034', 'RF18539007547034'],
    ['5000056789012345', '5000 0567 8901 2345', '5000056789012345'],
    ['Factuur 2026-0101', 'Factuur 2026-0101', 'Factuur 2026-0101'],
  ])('reference %s prints as %s', (ref, printed, compact) => {
    expect(groupReference(ref)).toBe(printed);
    expect(compactReference(ref)).toBe(compact);
  });

  it('joins phone and e-mail for prose', () => {
    expect(letterView(sampleLetterData()).creditor.contactVia).toBe('033-1234567 of administratie@korenschoof.nl');
    expect(letterView(sampleLetterData({ language: 'en' })).creditor.contactVia).toBe('033-1234567 or administratie@korenschoof.nl');
    expect(letterView(sampleLetterData({ full: false })).creditor.contactVia).toBe('');
  });
});

describe('address block (PostNL)', () => {
  it('writes the postcode with one space and two spaces before the place in capitals', () => {
    expect(addressLines({ street: 'Kerkstraat 1', postcode: '3811cv', city: "'s-Hertogenbosch", country: 'NL' }, 'nl')).toEqual([
      'Kerkstraat 1',
      "3811 CV  'S-HERTOGENBOSCH",
    ]);
  });

  it('ends a foreign address with the country in capitals, in the letter language', () => {
    const address = { street: 'Hauptstraße 5', postcode: '10115', city: 'Berlin', country: 'DE' };
    expect(addressLines(address, 'nl')).toEqual(['Hauptstraße 5', '10115 BERLIN', 'DUITSLAND']);
    expect(addressLines(address, 'en')).toEqual(['Hauptstraße 5', '10115 BERLIN', 'GERMANY']);
  });

  it('puts the contact person of a business under its name (t.a.v.), never for a consumer', () => {
    const business = letterView(sampleLetterData({ debtorType: 'business' }));
    expect(business.debtor.addressLines).toEqual(['Van Dijk Installatietechniek B.V.', 't.a.v. M. van Dijk', 'Industrieweg 7', '3811 CV  AMERSFOORT']);
    expect(business.salutation).toBe('Geachte M. van Dijk,');
    const consumer = letterView(letter((d) => (d.debtor.contactPerson = 'Iemand Anders')));
    expect(consumer.debtor.addressLines[1]).toBe('Kerkstraat 1');
    const noContact = letterView(letter((d) => (d.debtor.contactPerson = null), { debtorType: 'business', language: 'en' }));
    expect(noContact.salutation).toBe('Dear Sir or Madam,');
    expect(noContact.debtor.addressLines[0]).toBe('Van Dijk Installatietechniek B.V.');
  });

  it('leaves out the lines it does not know', () => {
    expect(addressLines({ street: null, postcode: null, city: 'Utrecht', country: 'NL' }, 'nl')).toEqual(['UTRECHT']);
  });
});

describe('ledger text is display text only', () => {
  it('drops control characters, bidi overrides and the private-use markers from names', () => {
    expect(cleanText('Jan\u0000 de\nVries\u202e')).toBe('Jan de Vries');
    const v = letterView(letter((d) => (d.debtor.name = `Evil${INVOICES_MARKER}Corp\r\nB.V.`)));
    expect(v.debtor.name).toBe('Evil invoices Corp B.V.');
    expect(v.debtor.name).not.toContain('\uE000');
  });

  it('composes decomposed accents so the font shows one letter', () => {
    expect(cleanText('Gergo\u030b Szo\u030bke')).toBe('Gergő Szőke');
  });
});

describe('splitBody', () => {
  it('finds paragraphs and the two markers, also when a marker sits inside a line', () => {
    const blocks = splitBody(`Geachte heer,\n\nAlinea een\nregel twee\n\n\n${INVOICES_MARKER}\nZie: ${PAYMENT_MARKER} hierboven`);
    expect(blocks).toEqual([
      { kind: 'text', lines: ['Geachte heer,'] },
      { kind: 'text', lines: ['Alinea een', 'regel twee'] },
      { kind: 'invoices' },
      { kind: 'text', lines: ['Zie:'] },
      { kind: 'payment' },
      { kind: 'text', lines: ['hierboven'] },
    ]);
  });
});
