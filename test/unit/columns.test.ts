import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import {
  BUNDLED_PRESETS,
  GENERIC_PRESET,
  INVOICE_FIELDS,
  loadPreset,
  matchHeader,
  normalizeHeader,
  validatePreset,
  type InvoiceField,
} from '../../src/importers/columns.js';

const dir = mkdtempSync(join(tmpdir(), 'pre-incasso-columns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an error');
}

describe('normalizeHeader', () => {
  it.each([
    ['Factuurnr.', 'factuurnr'],
    ['  FACTUURNUMMER  ', 'factuurnummer'],
    ['"Factuurnummer"', 'factuurnummer'],
    ["'Bedrag'", 'bedrag'],
    ['Invoice  Number', 'invoicenumber'],
    ['invoice_number', 'invoicenumber'],
    ['E-mail', 'email'],
    ['Deb.nr.', 'debnr'],
    ['t.a.v.', 'tav'],
    ['*InvoiceNumber', 'invoicenumber'],
    ['BTW-nummer', 'btwnummer'],
  ])('%j -> %j', (header, expected) => {
    expect(normalizeHeader(header)).toBe(expected);
  });
});

describe('matchHeader with the generic preset', () => {
  // Every alias of SPEC §7.1 (and the added contact aliases) maps to its field.
  const cases: [string, InvoiceField][] = [
    ['invoice_number', 'invoice_number'], ['Invoice', 'invoice_number'], ['Factuurnummer', 'invoice_number'],
    ['Factuurnr.', 'invoice_number'], ['factuur', 'invoice_number'],
    ['debtor_number', 'debtor_number'], ['Customer Number', 'debtor_number'], ['Debiteurnummer', 'debtor_number'],
    ['Klantnummer', 'debtor_number'], ['Relatiecode', 'debtor_number'], ['Relatienummer', 'debtor_number'], ['Deb.nr.', 'debtor_number'],
    ['debtor_name', 'debtor_name'], ['Name', 'debtor_name'], ['Naam', 'debtor_name'], ['Debiteur', 'debtor_name'],
    ['Klant', 'debtor_name'], ['Relatie', 'debtor_name'], ['Bedrijfsnaam', 'debtor_name'],
    ['debtor_type', 'debtor_type'], ['Type', 'debtor_type'], ['Soort', 'debtor_type'],
    ['Contact', 'contact_person'], ['Contactpersoon', 'contact_person'], ['T.a.v.', 'contact_person'],
    ['email', 'email'], ['E-mail', 'email'], ['Emailadres', 'email'],
    ['phone', 'phone'], ['Telefoon', 'phone'], ['Telefoonnummer', 'phone'],
    ['Address', 'street'], ['Adres', 'street'], ['Straat', 'street'],
    ['Postcode', 'postcode'], ['City', 'city'], ['Plaats', 'city'], ['Woonplaats', 'city'],
    ['Country', 'country'], ['Land', 'country'], ['Language', 'language'], ['Taal', 'language'],
    ['KvK', 'kvk'], ['KvK-nummer', 'kvk'], ['vat_number', 'vat_number'], ['BTW-nummer', 'vat_number'], ['BTW', 'vat_number'],
    ['issue_date', 'issue_date'], ['Invoice Date', 'issue_date'], ['Factuurdatum', 'issue_date'], ['Datum', 'issue_date'],
    ['due_date', 'due_date'], ['Vervaldatum', 'due_date'], ['Vervaldag', 'due_date'],
    ['amount', 'amount'], ['Total', 'amount'], ['Bedrag', 'amount'], ['Factuurbedrag', 'amount'], ['Totaal', 'amount'],
    ['open_amount', 'open_amount'], ['Outstanding', 'open_amount'], ['Openstaand', 'open_amount'], ['Saldo', 'open_amount'], ['Restant', 'open_amount'],
    ['Currency', 'currency'], ['Valuta', 'currency'],
    ['Reference', 'reference'], ['payment_reference', 'reference'], ['Kenmerk', 'reference'], ['Betalingskenmerk', 'reference'],
  ];
  it.each(cases)('%j is %s', (header, field) => {
    const m = matchHeader([header], GENERIC_PRESET);
    expect(m.indexOf[field]).toBe(0);
    expect(m.matched).toEqual([{ field, index: 0, header }]);
  });

  it('maps a whole Dutch header and finds nothing missing', () => {
    const m = matchHeader(['Factuurnummer', 'Relatiecode', 'Naam', 'Factuurdatum', 'Vervaldatum', 'Bedrag', 'Openstaand', 'Opmerking'], GENERIC_PRESET);
    expect(m.indexOf).toEqual({ invoice_number: 0, debtor_number: 1, debtor_name: 2, issue_date: 3, due_date: 4, amount: 5, open_amount: 6 });
    expect(m.missing).toEqual([]);
    expect(m.ignored).toEqual([{ index: 7, header: 'Opmerking' }]);
  });

  it('prefers the earlier alias when two columns mean the same field', () => {
    const m = matchHeader(['Datum', 'Factuurnummer', 'Factuurdatum', 'Naam', 'Bedrijfsnaam', 'Bedrag', 'Vervaldatum'], GENERIC_PRESET);
    expect(m.indexOf.issue_date).toBe(2);
    expect(m.indexOf.debtor_name).toBe(3);
    expect(m.ignored).toEqual([
      { index: 0, header: 'Datum', duplicateOf: 'issue_date' },
      { index: 4, header: 'Bedrijfsnaam', duplicateOf: 'debtor_name' },
    ]);
  });

  it('uses the first of two identical headers', () => {
    const m = matchHeader(['Factuurnummer', 'Naam', 'Bedrag', 'Bedrag', 'Datum'], GENERIC_PRESET);
    expect(m.indexOf.amount).toBe(2);
    expect(m.ignored).toEqual([{ index: 3, header: 'Bedrag', duplicateOf: 'amount' }]);
  });

  it.each<[string, string[], InvoiceField[][]]>([
    ['no invoice number', ['Naam', 'Bedrag', 'Vervaldatum'], [['invoice_number']]],
    ['no debtor', ['Factuurnummer', 'Bedrag', 'Vervaldatum'], [['debtor_number', 'debtor_name']]],
    ['no amount', ['Factuurnummer', 'Naam', 'Vervaldatum'], [['amount']]],
    ['no date', ['Factuurnummer', 'Naam', 'Bedrag'], [['due_date', 'issue_date']]],
    ['nothing', ['x', 'y'], [['invoice_number'], ['debtor_number', 'debtor_name'], ['amount'], ['due_date', 'issue_date']]],
    ['only an issue date is enough', ['Factuurnummer', 'Klantnummer', 'Bedrag', 'Factuurdatum'], []],
  ])('missing: %s', (_name, header, missing) => {
    const m = matchHeader(header, GENERIC_PRESET);
    expect(m.missing.map((x) => x.fields)).toEqual(missing);
    for (const miss of m.missing) expect(miss.accepted.length).toBeGreaterThan(0);
  });

  it('names the accepted headers of a missing field', () => {
    const m = matchHeader(['Factuurnummer', 'Naam', 'Vervaldatum'], GENERIC_PRESET);
    expect(m.missing[0]!.accepted).toEqual(['amount', 'total', 'bedrag', 'factuurbedrag', 'totaal']);
  });
});

describe('bundled presets', () => {
  it('ships generic and the presets of seven packages', () => {
    expect(Object.keys(BUNDLED_PRESETS).sort()).toEqual(['afas', 'eboekhouden', 'exact', 'generic', 'moneybird', 'snelstart', 'twinfield', 'yuki']);
  });

  it('the generic preset covers every field', () => {
    expect(Object.keys(GENERIC_PRESET.columns).sort()).toEqual([...INVOICE_FIELDS].sort());
    for (const field of INVOICE_FIELDS) expect(GENERIC_PRESET.columns[field]!.length, field).toBeGreaterThan(0);
  });

  it('eboekhouden maps its layout and leaves Soort unused', () => {
    const header = 'Relatiecode;Relatie;Factuurnummer;Factuurdatum;Vervaldatum;Bedrag;Openstaand;Soort'.split(';');
    const m = matchHeader(header, loadPreset('eboekhouden'));
    expect(m.indexOf).toEqual({ debtor_number: 0, debtor_name: 1, invoice_number: 2, issue_date: 3, due_date: 4, amount: 5, open_amount: 6 });
    expect(m.ignored).toEqual([{ index: 7, header: 'Soort' }]);
  });

  it('afas reads "Factuur" as the amount and "Saldo" as the open amount', () => {
    const header = ['Factuurnr.', 'Naam', 'Deb.nr.', 'Omschrijving factuur', 'Boekstuk', 'Vervalt', 'Factuur', 'Saldo', 'Factuurreferentie'];
    const m = matchHeader(header, loadPreset('afas'));
    expect(m.indexOf).toEqual({ invoice_number: 0, debtor_name: 1, debtor_number: 2, due_date: 5, amount: 6, open_amount: 7 });
    expect(m.missing).toEqual([]);
  });

  it('the JSON files are the presets (data, not code)', () => {
    for (const name of Object.keys(BUNDLED_PRESETS)) {
      const json = JSON.parse(readFileSync(new URL(`../../src/importers/presets/${name}.json`, import.meta.url), 'utf8'));
      expect(validatePreset(json, name)).toEqual(BUNDLED_PRESETS[name]);
    }
  });
});

describe('loadPreset', () => {
  it('finds a bundled preset by name, case-insensitively', () => {
    expect(loadPreset('AFAS').name).toBe('afas');
  });

  it('refuses an unknown name, listing the bundled ones', () => {
    const e = thrown(() => loadPreset('exakt'));
    expect(e.code).toBe('usage');
    expect(e.hint).toContain('generic, eboekhouden, afas, exact');
  });

  it('reads a user preset from a file, relative to cwd', () => {
    writeFileSync(join(dir, 'mine.json'), JSON.stringify({
      name: 'mijn-pakket',
      columns: { invoice_number: ['Nummer'], debtor_name: 'Klantnaam', amount: ['Te betalen'], due_date: ['Uiterste betaaldatum'] },
      delimiter: 'tab',
      decimal: ',',
      encoding: 'cp1252',
      dateFormat: 'DD-MM-YYYY',
    }));
    const preset = loadPreset('mine.json', dir);
    expect(preset).toEqual({
      name: 'mijn-pakket',
      description: '',
      columns: { invoice_number: ['Nummer'], debtor_name: ['Klantnaam'], amount: ['Te betalen'], due_date: ['Uiterste betaaldatum'] },
      delimiter: '\t',
      decimal: ',',
      encoding: 'windows-1252',
      dateFormat: 'DD-MM-YYYY',
    });
    expect(matchHeader(['NUMMER', 'klantnaam', 'Te  betalen', 'Uiterste betaaldatum'], preset).missing).toEqual([]);
  });

  it('lists every problem of a bad preset at once, with the path of the key', () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({
      name: 'fout',
      columns: { invoice_numbr: ['Nr'], amount: [], debtor_name: ['Naam'] },
      delimiter: '|',
      decimal: 'komma',
      colour: 'red',
    }));
    const e = thrown(() => loadPreset(join(dir, 'bad.json')));
    expect(e.code).toBe('config_invalid');
    expect(e.details).toEqual(expect.arrayContaining([
      expect.stringMatching(/^colour: unknown key/),
      expect.stringMatching(/^columns\.invoice_numbr: unknown field \(known: invoice_number, /),
      'columns.amount: expected a non-empty list of header names',
      'columns: invoice_number is required',
      'columns: amount is required',
      'columns: due_date or issue_date is required',
      expect.stringMatching(/^delimiter:/),
      'decimal: expected "," or "."',
    ]));
  });

  it.each([
    ['not JSON', '{ "name": ', /not valid JSON/],
    ['an array', '[]', /must be a JSON object/],
  ])('refuses a preset file that is %s', (_name, text, message) => {
    writeFileSync(join(dir, 'x.json'), text);
    const e = thrown(() => loadPreset(join(dir, 'x.json')));
    expect(e.code).toBe('config_invalid');
    expect(e.message).toMatch(message);
  });

  it('reports a missing preset file', () => {
    const e = thrown(() => loadPreset('./does-not-exist.json', dir));
    expect(e.code).toBe('config_invalid');
    expect(e.message).toContain('does-not-exist.json');
  });
});
