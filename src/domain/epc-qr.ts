// The payload of the EPC QR code ("GiroCode", EPC069-12) printed on letters so the debtor's bank
// app fills in the transfer. Version 002 (BIC optional inside the EEA), character set 1 (UTF-8),
// SEPA credit transfer, lines separated by LF, trailing empty optional lines omitted. The whole
// payload may hold at most 331 bytes (QR version 13 at error level M).
//
// References: the spec's structured field (line 10) names the ISO 11649 RF reference. Whether
// Dutch bank apps accept a 16-digit betalingskenmerk there is not confirmed (legal-nl.md §10
// point 5), so anything that is not an RF reference goes into the unstructured text (line 11):
// see epcReferenceFields.
import { formatDotDecimal } from './money.js';
import { isValidBic, isValidIban, normaliseIban } from './identifiers.js';
import { isValidBetalingskenmerk, isValidRfReference, normaliseReference } from './payment-reference.js';

export interface EpcInput {
  bic?: string | null;
  name: string;
  iban: string;
  amountCents: number;
  /** Structured creditor reference (ISO 11649 RF), line 10. */
  reference?: string | null;
  /** Unstructured remittance text, line 11. Not together with `reference`. */
  text?: string | null;
  /** ISO 20022 purpose code, 4 characters, line 9. */
  purpose?: string | null;
  /** Beneficiary-to-originator information, line 12. */
  info?: string | null;
}

export const EPC_LIMITS = Object.freeze({
  maxBytes: 331,
  nameChars: 70,
  ibanChars: 34,
  referenceChars: 35,
  textChars: 140,
  infoChars: 70,
  minAmountCents: 1,
  maxAmountCents: 999_999_999_99,
});

/** Length in characters (code points), which is what the EPC field limits count. */
const charLength = (s: string): number => [...s].length;

function optionalField(value: string | null | undefined, field: string, max: number): string {
  if (value === null || value === undefined) return '';
  const v = value.trim();
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new RangeError(`EPC QR ${field} must be one line without control characters`);
  if (charLength(v) > max) throw new RangeError(`EPC QR ${field} may hold at most ${max} characters, got ${charLength(v)}: '${v}'`);
  return v;
}

/** Builds the EPC069-12 payload; throws a RangeError naming the field and rule on any violation. */
export function buildEpcPayload(input: EpcInput): string {
  let bic = '';
  if (input.bic !== null && input.bic !== undefined && input.bic.trim() !== '') {
    bic = input.bic.trim().toUpperCase();
    if (!isValidBic(bic)) throw new RangeError(`EPC QR BIC must have 8 or 11 characters (ISO 9362), got '${input.bic}'`);
  }
  const name = optionalField(input.name, 'beneficiary name', EPC_LIMITS.nameChars);
  if (name === '') throw new RangeError('EPC QR beneficiary name is required');
  const iban = normaliseIban(input.iban ?? '');
  if (!isValidIban(iban)) throw new RangeError(`EPC QR IBAN is not a valid IBAN: '${input.iban}'`);
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents < EPC_LIMITS.minAmountCents || input.amountCents > EPC_LIMITS.maxAmountCents) {
    throw new RangeError(`EPC QR amount must be whole cents from 0.01 to 999999999.99 euro, got ${input.amountCents} cents`);
  }
  const purpose = optionalField(input.purpose, 'purpose code', 4).toUpperCase();
  if (purpose !== '' && !/^[A-Z0-9]{4}$/.test(purpose)) throw new RangeError(`EPC QR purpose code must be 4 letters or digits, got '${input.purpose}'`);
  let reference = optionalField(input.reference, 'structured reference', EPC_LIMITS.referenceChars);
  if (reference !== '') {
    reference = normaliseReference(reference);
    if (!isValidRfReference(reference)) {
      throw new RangeError(
        `EPC QR structured reference must be an ISO 11649 RF reference, got '${input.reference}'; put other references in the text (see epcReferenceFields)`,
      );
    }
  }
  const text = optionalField(input.text, 'remittance text', EPC_LIMITS.textChars);
  if (reference !== '' && text !== '') {
    throw new RangeError('EPC QR takes either a structured reference (line 10) or a remittance text (line 11), not both');
  }
  const info = optionalField(input.info, 'beneficiary-to-originator information', EPC_LIMITS.infoChars);

  const lines = ['BCD', '002', '1', 'SCT', bic, name, iban, `EUR${formatDotDecimal(input.amountCents)}`, purpose, reference, text, info];
  // Trailing empty optional lines may be omitted (EPC069-12); line 10 or 11 itself may be empty.
  while (lines.length > 8 && lines[lines.length - 1] === '') lines.pop();
  const payload = lines.join('\n');
  const bytes = new TextEncoder().encode(payload).length;
  if (bytes > EPC_LIMITS.maxBytes) throw new RangeError(`EPC QR payload is ${bytes} bytes; at most ${EPC_LIMITS.maxBytes} fit`);
  return payload;
}

/**
 * Where a letter's payment reference goes in the QR code: an RF reference in the structured field,
 * anything else (such as a betalingskenmerk, not confirmed to work in the structured field with
 * Dutch bank apps) as remittance text. A betalingskenmerk loses its spaces so it is typed back
 * exactly; other text is kept as written.
 */
export function epcReferenceFields(reference: string | null | undefined): { reference: string | null; text: string | null } {
  const r = reference?.trim() ?? '';
  if (r === '') return { reference: null, text: null };
  if (isValidRfReference(r)) return { reference: normaliseReference(r), text: null };
  if (isValidBetalingskenmerk(r)) return { reference: null, text: r.replace(/\s+/g, '') };
  return { reference: null, text: r };
}
