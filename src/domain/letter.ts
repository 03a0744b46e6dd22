// What a letter says, frozen when `run` records it. The ledger stores this as JSON beside the
// letter, and the PDF and e-mail are rendered from it alone: the same snapshot always gives the
// same bytes, whatever happens to the config or the debtor record afterwards.
import type { IsoDate } from './dates.js';

export type Language = 'nl' | 'en';
export type DebtorType = 'consumer' | 'business';
export type Channel = 'email' | 'post';

export interface Address {
  street: string | null;
  postcode: string | null;
  city: string | null;
  /** ISO 3166 alpha-2, `NL` when the source did not say. */
  country: string;
}

export interface CreditorSnapshot {
  name: string;
  address: Address;
  kvk: string | null;
  vatNumber: string | null;
  iban: string;
  bic: string | null;
  email: string | null;
  phone: string | null;
  contactPerson: string | null;
}

export interface DebtorSnapshot {
  number: string;
  name: string;
  type: DebtorType;
  contactPerson: string | null;
  email: string | null;
  phone: string | null;
  address: Address;
  language: Language;
  /** `debtor set --channel`: post only, e-mail only, or both (null/absent: the stage's channels). */
  channel?: 'post' | 'email' | 'both' | null;
}

export interface LetterInvoiceLine {
  number: string;
  issueDate: IsoDate | null;
  dueDate: IsoDate;
  amountCents: number;
  paidCents: number;
  /** Credit notes set off against this invoice (absent when none): amount − paid − credited = open. */
  creditedCents?: number;
  openCents: number;
  /** `due`: this letter demands it and moves it to the stage; `also_open`: listed, not moved. */
  role: 'due' | 'also_open';
  reference: string | null;
}

export interface LetterData {
  version: 1;
  date: IsoDate;
  stage: {
    /** 0-based position in the configured stages. */
    index: number;
    id: string;
    final: boolean;
    /** How many stages the ladder has, for "reminder 2 of 3" wording. */
    count: number;
  };
  language: Language;
  channels: Channel[];
  creditor: CreditorSnapshot;
  debtor: DebtorSnapshot;
  /** Due lines first, then also-open lines; each group by due date, then number. */
  invoices: LetterInvoiceLine[];
  /** Sum of the open amounts of the due lines (credit notes of the debtor netted in). */
  dueCents: number;
  /** Sum of the open amounts of every line in the letter. */
  totalOpenCents: number;
  /** The payment reference the debtor should quote (RF creditor reference or the invoice's own). */
  paymentReference: string;
  /**
   * Consumer final letter (veertiendagenbrief): the BIK collection costs over the summed principal
   * of the due invoices, stated as what becomes due after the term. Null in every other letter.
   */
  costsCents: number | null;
  /** Days the debtor is given in the text (14 in the veertiendagenbrief; the stage's term otherwise). */
  termDays: number;
  /** The credit notes set off against the invoices of this letter (the account's allocation). */
  credits?: { creditNote: string; invoice: string; amountCents: number }[];
  /** This letter is the ingebrekestelling of 6:82 BW (consumer, payment term not fatal). Absent in older letters. */
  ingebrekestelling?: boolean;
  /** BIK art. 2 lid 3: the costs without VAT when `costsCents` includes the 21% VAT uplift. */
  costsExclVatCents?: number;
  /** Did an earlier letter of this tool already remind the debtor of a demanded invoice? Absent in older letters (then assumed). */
  earlierLetters?: boolean;
  /** Letters of a payment arrangement (confirmation, instalment reminders): the schedule. */
  arrangement?: ArrangementLetterData;
}

/** The ids of the arrangement letters; each names its template like a stage does. */
export const ARRANGEMENT_LETTER_IDS = { confirmation: 'betalingsregeling', before: 'termijn-herinnering', missed: 'termijn-gemist' } as const;

export interface ArrangementLetterData {
  id: number;
  kind: 'confirmation' | 'before' | 'missed';
  instalments: { number: number; dueDate: IsoDate; amountCents: number; paidCents: number }[];
  totalCents: number;
  paidCents: number;
  /** The instalment this letter asks for (its QR code pays it). */
  next: { number: number; dueDate: IsoDate; amountCents: number };
  /** After a missed instalment: the last day before the arrangement breaks. */
  graceEnd: IsoDate | null;
}
