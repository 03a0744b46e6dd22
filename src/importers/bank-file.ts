// One bank file, whatever its format: CAMT (XML) or MT940, told apart by the content, not the
// file name; anything else is read as a bank's CSV export. Pure: bytes in, entries and issues out.
import type { BankParseResult } from '../domain/bank-entry.js';
import { parse as parseCamt } from './camt.js';
import { parse as parseMt940 } from './mt940.js';
import { parse as parseBankCsv } from './bank-csv.js';
import { sniffBankFormat } from './bank-entry.js';

/**
 * Reads one bank file. A CSV export's preset is recognised by its header or shape (an unknown
 * layout is refused in one line that names the banks known).
 */
export function parseBankFile(bytes: Uint8Array, displayName: string): BankParseResult {
  const head = Buffer.from(bytes.subarray(0, 65536)).toString('latin1');
  const kind = sniffBankFormat(head);
  if (kind === 'camt') return parseCamt(bytes, displayName);
  if (kind === 'mt940') return parseMt940(bytes, displayName);
  return parseBankCsv(bytes, displayName);
}
