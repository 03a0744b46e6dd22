// The types of the handover case records (SPEC §10, formats.md §6 "Handover record"): what the
// shell reads from the ledger (inputs) and the handover.json document (schema_version 1) that
// case.ts builds from them. README "Handover file" describes every field.
import type { IsoDate } from '../domain/dates.js';
import type { DayCount } from '../domain/interest.js';
import type { DeliveryChannel, FourteenDayTerm, LetterDispatch } from '../domain/terms.js';
import type { Law } from '../domain/law.js';
import type { ConsumerClaims } from '../domain/limitation.js';
import type { Channel, CreditorSnapshot, DebtorType, Language } from '../domain/letter.js';
import type { HandoverDebtor, HandoverInvoice, HandoverLetter, HandoverNote, HandoverPayment } from '../ledger/handovers.js';

export const HANDOVER_SCHEMA_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Inputs: what the shell reads from the ledger (the records of src/ledger/handovers.ts).

/** The debtor as the ledger holds it. */
export type CaseDebtorInput = HandoverDebtor;

/** A claim as the ledger holds it, with what the debtor's account says of it (src/domain/account.ts). */
export interface CaseInvoiceInput extends Omit<HandoverInvoice, 'debtor' | 'termIsFatal' | 'consumerClaim'> {
  /** Paid per the account (payments, and what the export shows paid beyond them); default amount − open − credited. */
  paidCents?: number;
  /** Credit notes the account set off against this claim. */
  credits?: { creditNote: string; amountCents: number }[];
  /** Import columns term_is_fatal / consumer_claim; null or absent = the config default. */
  termIsFatal?: boolean | null;
  consumerClaim?: ConsumerClaims | null;
  /** The veertiendagenbrief behind a consumer claim as the selection checked it (domain/terms.ts). */
  veertiendagenbrief?: { dispatch: LetterDispatch; term: FourteenDayTerm };
}

/** The part of a payment allocated to one invoice. */
export type CasePaymentInput = HandoverPayment;

/** A letter as the ledger recorded it (see HandoverLetter); posting day and PDF presence may be left out. */
export interface CaseLetterInput extends Omit<HandoverLetter, 'postedOn' | 'hasPdf' | 'pdfBytes'> {
  /** Day the printed letter was handed to the post (`letters --posted`); absent or null when not recorded. */
  postedOn?: IsoDate | null;
  /** False when the ledger holds no PDF for it although a hash was recorded: listed without a copy. */
  hasPdf?: boolean;
}

/** A hold or dispute on the debtor or one of its invoices. */
export type CaseNoteInput = Omit<HandoverNote, 'debtor'>;

export interface CaseInput {
  debtor: CaseDebtorInput;
  /** The claims handed over (invoices with open > 0) and the debtor's open credit notes (open < 0). */
  invoices: CaseInvoiceInput[];
  payments: CasePaymentInput[];
  /** Every letter recorded for the debtor. */
  letters: CaseLetterInput[];
  notes: CaseNoteInput[];
  /** Consumer: costs all the debtor's letters stated, and what earlier handovers already claimed of them. */
  costsStatedTotalCents?: number;
  costsClaimedBeforeCents?: number;
  /** Payment arrangements made with the debtor (a broken one tells the bureau the debtor did not keep it). */
  arrangements?: CaseArrangementInput[];
}

export interface CaseArrangementInput {
  id: number;
  status: string;
  agreedOn: IsoDate;
  brokenOn: IsoDate | null;
  closedOn: IsoDate | null;
  closeReason: string | null;
  invoices: string[];
  totalCents: number;
  paidCents: number;
  schedule: { number: number; dueDate: IsoDate; amountCents: number; paidCents: number }[];
}

export interface ArrangementJson {
  id: number;
  status: string;
  agreed_on: IsoDate;
  broken_on: IsoDate | null;
  closed_on: IsoDate | null;
  close_reason: string | null;
  invoice_numbers: string[];
  total_cents: number;
  total: string;
  paid_cents: number;
  paid: string;
  schedule: { number: number; due_date: IsoDate; amount_cents: number; amount: string; paid_cents: number; paid: string }[];
}

export interface HandoverInput {
  batch: number;
  exportDate: IsoDate;
  generatedBy: string;
  creditor: CreditorSnapshot;
  dayCount: DayCount;
  includeNotes: boolean;
  /** True when the letters' PDFs travel with the document (the ZIP): `file` names them. */
  letterFiles: boolean;
  cases: CaseInput[];
  /** The law in force and the creditor's legal settings (issue 17). */
  legal: HandoverLegal;
}

export interface HandoverLegal {
  law: Law;
  consumerClaims: ConsumerClaims;
  canDeductVat: boolean;
  /** Consumer claims: the stage index of the ingebrekestelling (payment term not fatal), else null. */
  ingebrekestellingStage: number | null;
  /** Its stated term in days. */
  ingebrekestellingTermDays: number;
  /** defaults.termIsFatal (consumers). */
  termIsFatal: boolean;
  /** Claims past limitation were included on purpose (--include-time-barred). */
  includeTimeBarred: boolean;
}

// ---------------------------------------------------------------------------------------------
// Output: the handover.json document (schema_version 1).

export interface AddressJson {
  street: string | null;
  postcode: string | null;
  city: string | null;
  country: string;
}

export interface InterestPeriodJson {
  from: IsoDate;
  to: IsoDate;
  days: number;
  rate_percent: string;
  base_cents: number;
  interest_cents: number;
  interest: string;
}

export interface ClaimInterestJson {
  basis: '6:119 BW' | '6:119a BW';
  from: IsoDate;
  until: IsoDate;
  day_count: DayCount;
  /** Part of the debtor's credit notes set off against this claim before interest. */
  credit_applied_cents: number;
  /** The interest-bearing amount: open minus the credit applied. */
  principal_cents: number;
  principal: string;
  interest_cents: number;
  interest: string;
  periods: InterestPeriodJson[];
}

export interface ClaimJson {
  invoice_number: string;
  kind: 'invoice' | 'credit_note';
  invoice_date: IsoDate | null;
  due_date: IsoDate;
  currency: 'EUR';
  original_cents: number;
  original: string;
  paid_cents: number;
  paid: string;
  /** Credit notes set off against this claim (the debtor's account allocates each one once). */
  credited_cents: number;
  credited: string;
  credit_notes: { credit_note: string; amount_cents: number; amount: string }[];
  open_cents: number;
  open: string;
  payment_reference: string | null;
  /** Date of the final letter that demanded this claim (the veertiendagenbrief for a consumer). */
  final_letter_date: IsoDate | null;
  /** Null for a credit note: it bears no interest. */
  interest: ClaimInterestJson | null;
  /** Last day before the debtor may invoke limitation (3:307 / 7:28 BW), the tool's written reminders counted (3:317). */
  limitation_date: IsoDate | null;
  limitation_basis: 'art. 7:28 BW' | 'art. 3:307 BW' | null;
}

export interface PaymentJson {
  date: IsoDate;
  invoice_number: string;
  amount_cents: number;
  amount: string;
  reference: string | null;
}

export interface LetterJson {
  date: IsoDate;
  stage: string;
  stage_number: number;
  final: boolean;
  channels: Channel[];
  email_state: string | null;
  invoices: string[];
  amount_cents: number;
  amount: string;
  costs_stated_cents: number | null;
  costs_stated: string | null;
  sha256: string | null;
  /** Path of the PDF inside the ZIP; null outside a ZIP or when no PDF was stored. */
  file: string | null;
}

export interface VeertiendagenbriefJson {
  date: IsoDate;
  stage: string;
  /** The channel the delivery presumption is computed for: post when it went by post. */
  delivery_channel: DeliveryChannel;
  dispatched: IsoDate;
  /** How `dispatched` is known: the e-mail's sending day, or the letter date presumed as posting day (no posting recorded). */
  dispatch_basis: 'email_sent' | 'posting_recorded' | 'letter_date_presumed';
  presumed_delivery: IsoDate;
  term_start: IsoDate;
  term_end: IsoDate;
  costs_from: IsoDate;
  costs_stated_cents: number;
  costs_stated: string;
  invoices: string[];
  sha256: string | null;
}

export interface CollectionCostsJson {
  basis: string;
  /** Summed open principal of the case's claims, credit notes netted in. */
  principal_cents: number;
  principal: string;
  /** The BIK amount on that principal today. */
  computed_cents: number;
  computed: string;
  /** Consumer: what the veertiendagenbrieven stated; business: null (no letter needed). */
  stated_cents: number | null;
  stated: string | null;
  /** What the case claims: consumer min(stated, computed); business the computed amount. */
  claimed_cents: number;
  claimed: string;
  /** Business: the invoices paid late, each worth at least EUR 40 (6:96 lid 4 BW; CJEU C-585/20); null for a consumer. */
  late_invoices: number | null;
  minimum_per_invoice_cents: number | null;
  /** BIK art. 2 lid 3: the creditor cannot deduct VAT and the veertiendagenbrief declared the 21% uplift. */
  vat_included: boolean;
  /** The claimed amount without the VAT uplift (equal to claimed when vat_included is false). */
  claimed_excl_vat_cents: number;
  claimed_excl_vat: string;
}

export interface CaseTotalsJson {
  open_cents: number;
  open: string;
  collection_costs_cents: number;
  collection_costs: string;
  interest_cents: number;
  interest: string;
  total_cents: number;
  total: string;
}

export interface NoteJson {
  date: IsoDate;
  kind: 'hold' | 'dispute';
  invoice_number: string | null;
  reason: string;
  until: IsoDate | null;
  released_on: IsoDate | null;
}

export interface CaseJson {
  case_reference: string;
  debtor: {
    number: string;
    type: DebtorType;
    name: string;
    contact_person: string | null;
    address: AddressJson;
    email: string | null;
    phone: string | null;
    language: Language;
    kvk: string | null;
    vat_number: string | null;
  };
  claims: ClaimJson[];
  payments: PaymentJson[];
  letters: LetterJson[];
  veertiendagenbrieven: VeertiendagenbriefJson[];
  collection_costs: CollectionCostsJson;
  totals: CaseTotalsJson;
  warnings: string[];
  notes?: NoteJson[];
  /** Present when payment arrangements were made with the debtor. */
  arrangements?: ArrangementJson[];
}

export interface HandoverDocument {
  schema_version: typeof HANDOVER_SCHEMA_VERSION;
  generated_by: string;
  export_date: IsoDate;
  batch: number;
  currency: 'EUR';
  include_notes: boolean;
  creditor: {
    name: string;
    address: AddressJson;
    kvk: string | null;
    vat_number: string | null;
    iban: string;
    bic: string | null;
    contact: { person: string | null; email: string | null; phone: string | null };
  };
  totals: CaseTotalsJson & { cases: number; claims: number };
  cases: CaseJson[];
}

/** A PDF the ZIP must carry: the ledger letter id and its path inside the archive. */
export interface LetterFile {
  letterId: number;
  path: string;
}

export interface BuiltHandover {
  document: HandoverDocument;
  letterFiles: LetterFile[];
}

