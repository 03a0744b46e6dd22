// MT940 reading against the real per-bank sample files in test/fixtures/mt940 (see SOURCES.md).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/importers/mt940.js';
import type { BankEntry } from '../../src/domain/bank-entry.js';
import { FIXTURES } from '../helpers/cli.js';

const file = (name: string): string => fs.readFileSync(path.join(FIXTURES, 'mt940', name), 'utf8');
const read = (name: string) => parse(fs.readFileSync(path.join(FIXTURES, 'mt940', name)), name);
// Balance mismatches are checked on their own (below): several published bank examples are
// made up and do not add up, and the tests here are about reading their entries.
const errors = (r: ReturnType<typeof parse>) => r.issues.filter((i) => i.severity === 'error' && i.code !== 'balance_mismatch');
const unbalanced = (r: ReturnType<typeof parse>) => r.issues.filter((i) => i.code === 'balance_mismatch').map((i) => i.line);
const at = (entries: BankEntry[], line: number): BankEntry => {
  const e = entries.find((x) => x.line === line);
  if (!e) throw new Error(`no entry on line ${line}: ${entries.map((x) => x.line).join(', ')}`);
  return e;
};

describe('MT940: every sample parses', () => {
  it.each([
    ['ming-ing-provided-example-single-message.txt', 'ing', 1, 9],
    ['ibp-structured-ing-provided-example.txt', 'ing', 1, 3],
    ['ing_mt940_iban.txt', 'ing', 1, 21],
    ['ing_eu_incasso.txt', 'ing', 1, 1],
    ['rabobank_mt940_structured.txt', 'rabobank', 2, 9],
    ['rabo_sample4.txt', 'rabobank', 1, 3],
    ['abnamro_structured.txt', 'abnamro', 2, 10],
    ['abnamro_sepa.txt', 'abnamro', 1, 1],
    ['MT940_voorbeeldbestanden_abnamro.txt', 'abnamro', 13, 13],
    ['triodos_iban_2.txt', 'generic', 1, 4],
    ['triodos_sepa.txt', 'triodos', 2, 8],
    ['knab_sepa_acceptgiro.txt', 'knab', 1, 1],
    ['bunq_sample.txt', 'bunq', 1, 111],
    ['asn_sample.txt', 'volksbank', 7, 3],
    ['sns.txt', 'volksbank', 16, 4],
  ])('%s: dialect %s, %i statement(s), %i entries', (name, dialect, statements, entries) => {
    const r = read(name);
    expect(errors(r)).toEqual([]);
    expect(r.statements).toBe(statements);
    expect(r.entries).toHaveLength(entries);
    for (const e of r.entries) {
      expect(e.variant).toBe(dialect);
      expect(Number.isInteger(e.amountCents)).toBe(true);
      expect(e.currency).toBe('EUR');
    }
    // Identical entries (ABN AMRO's five acceptgiro debits) still get their own key.
    expect(new Set(r.entries.map((e) => e.sourceKey)).size).toBe(entries);
  });
});

describe('MT940 ING (Mijn ING Zakelijk, bank-provided example)', () => {
  const r = read('ming-ing-provided-example-single-message.txt');

  it('/REMI/STRD/CUR/: the 16-digit betalingskenmerk is the structured reference', () => {
    expect(at(r.entries, 23)).toMatchObject({
      account: 'NL20INGB0001234567',
      bookingDate: '2014-01-03',
      valueDate: '2014-01-03',
      amountCents: 1500,
      structuredRef: '5010012368971337',
      structuredRefIssuer: 'CUR',
      endToEndId: 'E2E2014030100879665',
      counterpartyName: 'ING Testrekening',
      counterpartyIban: 'NL08INGB0000001234',
      remittance: null,
      bankReference: '00000000000005',
    });
    // Account, statement identity, the entry's position (the fifth :61:) and a hash of its text.
    expect(at(r.entries, 23).sourceKey).toMatch(/^mt940:NL20INGB0001234567:[0-9a-f]{12}:5:[0-9a-f]{10}$/);
    expect(at(r.entries, 23).legacyKey).toMatch(/^mt940:NL20INGB0001234567:3@2014-01-02:00000000000005:[0-9a-f]{10}$/);
  });

  it('/REMI/USTD//: free text; tags wrapped at 65 characters mid-word are joined first', () => {
    expect(at(r.entries, 13)).toMatchObject({ amountCents: -1200, endToEndId: 'E2E420140103318', remittance: 'INGB20140103UstrdRemiInf454655GHF', counterpartyName: 'ING Testrekening' });
    // "TOTAAL     168" + " POSTEN/": the continuation line starts with a space, kept.
    expect(at(r.entries, 35)).toMatchObject({ amountCents: 388915, remittance: 'TOTAAL 168 POSTEN', counterpartyName: null });
  });

  it('/RTRN/: a returned direct debit (debit) and a returned transfer (credit) carry the reason', () => {
    expect(at(r.entries, 18)).toMatchObject({ amountCents: -30000, returnReason: 'MD06' });
    expect(at(r.entries, 39)).toMatchObject({ amountCents: 2000, returnReason: 'AC04' });
  });
});

describe('MT940 other ING layouts', () => {
  it('ING IBAN statement: account without the glued currency, wrapped CNTP and REMI', () => {
    const r = read('ing_mt940_iban.txt');
    expect(r.entries[0]!.account).toBe('NL68INGB0000012345');
    expect(at(r.entries, 83)).toMatchObject({ amountCents: 1452000, counterpartyName: 'ABSCDFGDFG SDGDSFG', counterpartyIban: 'NL50RABO0222222222', remittance: 'Mijn fee', bankReference: '14230622959923' });
    expect(at(r.entries, 8)).toMatchObject({ amountCents: -19236, remittance: '22-08-2014 Omschrijving', counterpartyName: 'B Bert' });
  });

  it('InsideBusiness: /BENM/ counterparty, /RTRN/MS03, "-XXX" terminator', () => {
    const r = read('ibp-structured-ing-provided-example.txt');
    expect(r.entries[0]).toMatchObject({ account: '0654321789', amountCents: -145, returnReason: 'MS03', counterpartyName: 'ING Bank N.V. inzake WeB', counterpartyIban: 'NL50INGB0001234567', endToEndId: 'EV45451REP170112T1106' });
    expect(r.entries[2]).toMatchObject({ amountCents: -257, remittance: 'TOTAAL 1 POSTEN' });
  });

  it('older unstructured ING: the whole :86: is the remittance text', () => {
    expect(read('ing_eu_incasso.txt').entries[0]!.remittance).toMatch(/^Europese Incasso, doorlopend NL58INGB0000003000 INGBNL2A JAAPJAAP FIETS PAPIER/);
  });
});

describe('MT940 Rabobank', () => {
  const r = read('rabobank_mt940_structured.txt');

  it(':940: first line, zero-padded amounts, counterparty account on the :61: continuation line', () => {
    expect(at(r.entries, 6)).toMatchObject({
      account: 'NL50RABO0123456789',
      amountCents: -12750,
      counterpartyName: 'Nespresso Nederland B.V.',
      counterpartyIban: 'NL96RBOS0523149468',
      endToEndId: '02-04-2013 22:56 1120000153447185',
    });
  });

  it('/ORDP//NAME/ is the payer of a credit; invoice numbers sit in /REMI/', () => {
    expect(at(r.entries, 11)).toMatchObject({ amountCents: 16990, counterpartyName: 'Bedrijf B.V.', remittance: 'NR.201303-111/11.3.2013NR.201303-112/11.3.2013' });
    expect(at(r.entries, 24)).toMatchObject({ amountCents: 164076, counterpartyName: 'DLN CONSULTING', remittance: 'factuurnummer 201303-128cursus certified PO' });
  });

  it('statements follow each other without a terminator', () => {
    expect(new Set(r.entries.map((e) => e.statementId))).toEqual(new Set(['0@2013-04-02', '0@2013-04-03']));
  });
});

describe('MT940 ABN AMRO', () => {
  it('"10," amounts, legacy BEA lines, and the fixed 32-column iDEAL and acceptgiro layouts', () => {
    const r = read('abnamro_structured.txt');
    expect(at(r.entries, 10)).toMatchObject({ amountCents: -1000, remittance: 'BEA NR:NND130 13.01.14/11.00 XXXXX 99 XXXXXX BV AMSTE,PAS123' });
    expect(at(r.entries, 25)).toMatchObject({
      amountCents: 400,
      bookingDate: '2014-01-27',
      valueDate: '2014-01-26',
      counterpartyName: 'NS GROEP INZAKE NSR IDEA',
      counterpartyIban: 'NL70ABNA0888888888',
      remittance: '4851430136 0030000 735822580 NS E-TICKET(S)',
      endToEndId: '26-01-2014 18:14 003000 0735822580',
    });
    expect(at(r.entries, 33)).toMatchObject({ amountCents: -100000, counterpartyName: 'BELASTINGDIENST', structuredRef: '1234567890098876', structuredRefIssuer: 'CUR' });
    expect(at(r.entries, 12)).toMatchObject({ counterpartyName: 'FOOBAR', counterpartyIban: 'NL25ABNA0987654321', remittance: 'SAVINGS', endToEndId: null });
  });

  it('/TRTP/IDEAL with a line break inside the NAME and EREF values', () => {
    expect(read('abnamro_sepa.txt').entries[0]).toMatchObject({ amountCents: 1, counterpartyName: 'NAAMXXX 1', endToEndId: 'INNDNL2U20000100134824001', remittance: 'Dit zijn de omschrijvingsregels' });
  });

  // ABN AMRO's own example document: Dutch headings between the messages. Split per section,
  // each section is one statement with one entry.
  const doc = file('MT940_voorbeeldbestanden_abnamro.txt');
  const sections = new Map(
    doc
      .split(/\r?\n(?=\d+[ab]?\. [A-Z])/)
      .slice(1)
      .filter((s) => s.includes(':20:'))
      .map((s) => [/^(\d+[ab]?)\./.exec(s)![1]!, s]),
  );

  it('has the thirteen sections of its table of contents', () => {
    expect([...sections.keys()]).toEqual(['1', '2', '3', '4', '5', '6a', '6b', '7', '8a', '8b', '9', '10a', '10b']);
  });

  it.each([
    ['1', { amountCents: 50001, counterpartyName: 'QASD JGRED', counterpartyIban: 'FR12345678901234', remittance: 'Dit zijn de omschrijvingsregels', endToEndId: null, returnReason: null }],
    ['2', { amountCents: -13512, counterpartyName: 'BELEKET', endToEndId: '05844183645' }],
    ['3', { amountCents: -13512, counterpartyName: null }],
    ['4', { amountCents: -13512 }],
    ['5', { amountCents: 101, returnReason: 'MS02', counterpartyName: 'M. GRSSUGE', remittance: 'DIT IS EEN TESTBETALING OM TE KIJKEN OF DE BIC WEL GOED AFGEVANGEN WORDT' }],
    ['6a', { amountCents: 5, bookingDate: '2011-12-06' }],
    ['6b', { amountCents: 5 }],
    ['7', { amountCents: -23377, counterpartyName: 'Electriciteit leverancier BV', counterpartyIban: 'NL66ABNA1234567890', endToEndId: '1234567X908303803', remittance: 'Levering maand mei, zie nota 1234556. Uw klantnummer 123455666' }],
    ['8a', { amountCents: -5, returnReason: 'AC01', counterpartyIban: 'NL71ABNA1234567890' }],
    ['8b', { amountCents: -6, returnReason: 'MS02' }],
    ['9', { amountCents: 1, counterpartyName: 'NAAMXXX 1', remittance: '0030000322071306 18-06-12 21*09' }],
    ['10a', { amountCents: -101, structuredRef: '1234567812345678', structuredRefIssuer: 'CUR' }],
    ['10b', { amountCents: 50001, structuredRef: '1234567812345678', structuredRefIssuer: 'CUR', counterpartyName: 'Naam', counterpartyIban: 'NL02ABNA0123456789', bookingDate: '2012-05-14', valueDate: '2012-05-12' }],
  ])('section %s', (section, expected) => {
    const r = parse(sections.get(section)!, `section-${section}.txt`);
    expect(errors(r)).toEqual([]);
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0]).toMatchObject({ account: '123456789', ...expected });
  });

  it('the whole document at once gives the same entries; sections that reuse a statement number keep apart', () => {
    const whole = read('MT940_voorbeeldbestanden_abnamro.txt').entries;
    const parts = [...sections.values()].flatMap((s) => parse(s, 'x').entries);
    expect(whole.map((e) => [e.amountCents, e.sourceKey])).toEqual(parts.map((e) => [e.amountCents, e.sourceKey]));
    expect(whole.filter((e) => e.statementId === '13901/1@2012-05-17')).toHaveLength(6);
  });
});

describe('MT940 Triodos, Knab, bunq, ASN/SNS', () => {
  it('Triodos: the tag itself split over two lines ("//RE" + "MI/USTD//"), the invoice number in the text', () => {
    const r = read('triodos_iban_2.txt');
    expect(at(r.entries, 8)).toMatchObject({ amountCents: 345629, bookingDate: '2018-02-27', counterpartyName: 'G-AAAAA N.V.', counterpartyIban: 'NL21RABO0999999999', endToEndId: null, remittance: 'Factuurnummer 201801-001' });
    expect(at(r.entries, 5)).toMatchObject({ amountCents: 438323, endToEndId: '7293-201801001', remittance: '201801001' });
  });

  it('Triodos older layout: numbered >2x sub-fields are the description, the BIC and IBAN are not', () => {
    const r = read('triodos_sepa.txt');
    expect(r.entries[2]).toMatchObject({
      account: 'TRIODOSBANK/0666666666',
      amountCents: 15000,
      counterpartyIban: 'AA99BBBB0555555555',
      remittance: 'TENAAMSTELLING TEGENREKENING EN ADRES TEGENREKENING EN PLAATS TEGENREKENING EN EEN LANGE OMSCHRIJVING VAN DE TRANSACTIE',
    });
  });

  it('Knab: bank reference after "//" in :61:, /EREF/ holds the payment reference', () => {
    expect(read('knab_sepa_acceptgiro.txt').entries[0]).toMatchObject({ account: 'NL92KNAB0123123123', amountCents: -1000, bankReference: 'ASFKJASDFKJASDFD', endToEndId: '6767676767676766', counterpartyName: 'BELASTINGDIENST' });
  });

  it('bunq: amounts without decimals ("75,", "0,3") and /IBAN/ /NAME/ /REMI/', () => {
    const r = read('bunq_sample.txt');
    expect(r.entries[0]!.account).toBe('NL10BUNQ2290325473');
    expect(at(r.entries, 10)).toMatchObject({ amountCents: 30, counterpartyName: 'P.C. Wacki', remittance: null });
    expect(at(r.entries, 14)).toMatchObject({ amountCents: 7500, bookingDate: '2019-02-09', counterpartyName: 'SRMF WILLEMS', counterpartyIban: 'NL97ABNA0479445079', remittance: 'Proficiat' });
  });

  it('ASN: counterparty from the first :86: line (and :61:), description after it, /TRTP/ tags inside', () => {
    const r = read('asn_sample.txt');
    expect(at(r.entries, 6)).toMatchObject({ amountCents: -200000, counterpartyName: 'j blom', counterpartyIban: 'NL29INGB0006475121', remittance: 'Salaris december 2019' });
    expect(at(r.entries, 56)).toMatchObject({ amountCents: -6180, counterpartyName: 'MULTI TANK CARD BV', counterpartyIban: 'NL44ABNA0548041814', endToEndId: '1755481/5570' });
  });

  it('SNS: the entry date (mmdd) is the booking date, the value date stays', () => {
    const r = read('sns.txt');
    expect(at(r.entries, 6)).toMatchObject({ amountCents: 1245, valueDate: '2014-01-01', bookingDate: '2014-01-19', remittance: 'creditrente 01-01-13 tot 01-01-14' });
    expect(at(r.entries, 34)).toMatchObject({ amountCents: 1500000, counterpartyName: 'f. spark bedrijf n.v.', counterpartyIban: 'NL11RABO0987654321' });
  });
});

describe('MT940: references written in free text', () => {
  const base = file('bunq_sample.txt');
  const line = ':86:/IBAN/NL97ABNA0479445079/NAME/SRMF WILLEMS/REMI/Proficiat';

  it.each([
    ['an RF reference in groups of four', 'Proficiat RF18 5390 0754 7034 dank', 'RF18539007547034', 'ISO'],
    ['an RF reference written whole', 'RF18539007547034', 'RF18539007547034', 'ISO'],
    ['ABN AMRO\'s "Issuer: CUR Ref:"', 'Issuer: CUR Ref: 1234567812345678', '1234567812345678', 'CUR'],
    ['an RF reference with a wrong check digit is just text', 'RF18 5390 0754 7035', null, null],
  ])('%s', (_name, remi, ref, issuer) => {
    const r = parse(base.replace(line, `:86:/IBAN/NL97ABNA0479445079/NAME/SRMF WILLEMS/REMI/${remi}`), 'bunq.txt');
    expect(at(r.entries, 14)).toMatchObject({ structuredRef: ref, structuredRefIssuer: issuer, remittance: remi });
  });
});

describe('MT940 marks and dates', () => {
  const base = file('ming-ing-provided-example-single-message.txt');
  const line23 = ':61:1401030103C15,00NTRF5010012368971337//00000000000005';

  it.each([
    ['C', 1500, false],
    ['D', -1500, false],
    ['RD', 1500, true], // a reversed debit: money comes back in
    ['RC', -1500, true], // a reversed credit: money goes out
    ['d', -1500, false], // ABN AMRO's own example writes a lower-case mark
  ])('mark %s', (mark, cents, reversal) => {
    const r = parse(base.replace(line23, line23.replace('0103C15', `0103${mark}15`)), 'x.txt');
    expect(errors(r)).toEqual([]);
    expect(at(r.entries, 23)).toMatchObject({ amountCents: cents, reversal });
  });

  it('an entry date in January after a December value date is in the next year', () => {
    const r = parse(base.replace(line23, ':61:1312310102C15,00NTRF5010012368971337//00000000000005'), 'x.txt');
    expect(at(r.entries, 23)).toMatchObject({ valueDate: '2013-12-31', bookingDate: '2014-01-02' });
  });
});

describe('MT940: bad files are errors with file:line', () => {
  const base = file('ming-ing-provided-example-single-message.txt');

  it('a broken tag', () => {
    const r = parse(base.replace(':61:1401030103C20,00NTRF', ':6l:1401030103C20,00NTRF'), 'broken.txt');
    expect(errors(r).map((i) => [i.line, i.code])).toEqual([[27, 'unknown_tag']]);
    expect(errors(r)[0]!.message).toMatch(/^broken\.txt:27: unknown tag ":6l:"/);
  });

  it('every problem of the file, not only the first', () => {
    const r = parse(base.replace(':61:1401030103C20,00NTRF', ':61:14010301X3C20,00NTRF').replace(':60F:C140102EUR1000,00', ':60F:C140102EUR1000,00\nstray text'), 'bad.txt');
    expect(errors(r).map((i) => [i.line, i.code])).toEqual([
      [6, 'unexpected_text'],
      [28, 'bad_line61'],
    ]);
  });

  it('a file without any statement', () => {
    const r = parse('Datum;Naam;Bedrag\n20240101;Jansen;12,50\n', 'export.csv');
    expect(errors(r).map((i) => [i.line, i.code])).toEqual([[1, 'no_statement']]);
  });
});
