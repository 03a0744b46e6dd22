import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUblFile, readUblInvoice } from '../../src/importers/ubl.js';
import { FIXTURES } from '../helpers/cli.js';

const options = { displayName: 'x.xml', paymentTermDays: 30, defaultDebtorType: 'consumer' as const, defaultLanguage: 'nl' as const };
const ubl = (name: string): string => path.join(FIXTURES, 'ubl', name);

describe('UBL e-invoices (real samples)', () => {
  it.each([
    ['SI-UBL minimal: explicit due date, KvK buyer', 'SI-UBL-2.0_ok_minimal.xml', { invoiceNumber: '12115118', dueDate: '2015-01-09', amountCents: 24200, openCents: 24200, reference: 'Deb. 10202 / Fact. 12115118' }, 'business'],
    ['SI-UBL full: prepaid amount makes open smaller than the total', 'SI-UBL-2.0_ok_full.xml', { invoiceNumber: 'TOSL108', amountCents: 172870, openCents: 72900, reference: 'Payref1' }, 'business'],
    ['NLCIUS credit note (381) is negative', 'SI-UBL-2.0_BR-NL-8_ok_381.xml', { amountCents: -22700, openCents: -22700 }, 'business'],
    ['Peppol correction as an Invoice with negative payable amount', 'base-negative-inv-correction.xml', { invoiceNumber: 'Correction1', amountCents: -165625, openCents: -165625 }, 'business'],
    ['Logius example without due date: derived from the payment term', 'NLCIUS_voorbeeldbericht_Basisfactuur_Rijk_v01.xml', { dueDateDerived: true, amountCents: 392650, reference: '1111452145876521' }, 'business'],
  ])('%s', async (_name, file, expected, type) => {
    expect(await isUblFile(ubl(file))).toBe(true);
    const { row } = await readUblInvoice(ubl(file), options);
    expect(row).toMatchObject(expected);
    expect(row!.debtor.type).toBe(type);
  });

  it('a derived due date and a different payee are warnings, not errors', async () => {
    const { row, issues } = await readUblInvoice(ubl('SI-UBL-2.0_ok_full.xml'), options);
    expect(row).toMatchObject({ invoiceNumber: 'TOSL108', dueDate: '2010-01-14', dueDateDerived: true, amountCents: 172870, openCents: 72900 });
    expect(issues.map((i) => [i.code, i.severity])).toEqual([
      ['due_date_derived', 'warning'],
      ['payee_party', 'warning'],
    ]);
  });

  it('CII (CrossIndustryInvoice) is not taken for UBL', async () => {
    expect(await isUblFile(ubl('NLCIUS-CII_ok_example.xml'))).toBe(false);
  });

  it('amounts stay exact: 1728.7 is 172870 cents, not a float', async () => {
    const { row } = await readUblInvoice(ubl('SI-UBL-2.0_ok_full.xml'), options);
    expect(Number.isInteger(row!.amountCents)).toBe(true);
  });
});
