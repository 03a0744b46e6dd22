// A batch's file: what it is made of (members) and writing it. The members are made once, when
// the batch is made — handover.json, handover.csv and SHA256SUMS deflated, each letter as a
// reference to its PDF in the ledger — and stored with the batch (src/ledger/handovers.ts). The
// file is then written from them, the same way the first time and every time after (`export
// --batch`, recovery after a crash): the archive is streamed to a temp file one member at a time,
// each PDF read from the ledger when its turn comes and checked against its recorded SHA-256.
import path from 'node:path';
import { Inflate } from 'fflate';
import { AppError } from '../errors.js';
import { writeTempStream, type ChunkWriter } from '../platform/files.js';
import type { IsoDate } from '../domain/dates.js';
import type { BatchMember, CaseSummary, HandoverFormat } from '../ledger/handovers.js';
import { addToTotals, buildCases, handoverHead, type HandoverTotals } from './case.js';
import type { CaseJson, HandoverInput, LetterFile } from './case-types.js';
import { csvCaseRows, csvHeader } from './csv.js';
import { caseJsonText, jsonCasePiece, jsonHeadText, JSON_TAIL } from './json.js';
import { handoverLegal, type HandoverSettings, type Selection, type SkippedClaim } from './select.js';
import { DeflateThread } from './deflate-thread.js';
import { HashSink } from './hash-sink.js';
import { LEVEL, MemberPacker, packMember, sha256SumsText, SHA256SUMS, ZipStream, type PackedMember } from './zip.js';

export function handoverFileName(today: IsoDate, batch: number, format: HandoverFormat): string {
  return `handover-${today}-${batch}.${format}`;
}

/** One case's line for the terminal and `--json`. */
export function caseSummary(c: CaseJson): CaseSummary {
  return {
    case_reference: c.case_reference,
    debtor: c.debtor.number,
    name: c.debtor.name,
    type: c.debtor.type,
    invoices: c.claims.map((x) => x.invoice_number),
    open_cents: c.totals.open_cents,
    collection_costs_cents: c.totals.collection_costs_cents,
    interest_cents: c.totals.interest_cents,
    total_cents: c.totals.total_cents,
  };
}

export interface BuiltBatch {
  cases: CaseSummary[];
  /** The collection costs each case claims (kept with the batch: 6:96 lid 7 BW over all handovers). */
  costs: { debtor: string; claimedCents: number; basis: string }[];
  /** Claims the engine called ready that the selection refused. */
  skipped: SkippedClaim[];
  warnings: string[];
  /** The file's members in order (empty for a preview). */
  members: BatchMember[];
}

const packed = (m: PackedMember): BatchMember => ({ path: m.path, sha256: m.sha256, size: m.size, letterId: null, crc32: m.crc, deflated: Buffer.from(m.deflated) });

/**
 * The batch's case list, costs and warnings and, unless `preview`, the members of its file, from
 * the selection's chunks. The cases are built one at a time and each is kept only as its line in
 * the case list: its JSON and CSV text go into their deflate streams at once and the case record
 * is dropped, so memory holds one chunk's records and the compressed text, not the batch.
 * The text is deflated on a second thread (deflate-thread.ts) while the cases are built.
 */
export function buildBatch(chunks: Iterable<Selection>, settings: HandoverSettings, batch: number, options: { preview?: boolean } = {}): BuiltBatch {
  if (options.preview === true) return buildWith(chunks, settings, batch, null);
  const deflater = new DeflateThread(LEVEL);
  try {
    return buildWith(chunks, settings, batch, deflater);
  } finally {
    deflater.close();
  }
}

function buildWith(chunks: Iterable<Selection>, settings: HandoverSettings, batch: number, deflater: DeflateThread | null): BuiltBatch {
  const preview = deflater === null;
  const zip = settings.format === 'zip' && !preview;
  const json = preview || settings.format === 'csv' ? null : new MemberPacker('handover.json', { holdHead: true, deflater });
  const csv = preview || settings.format === 'json' ? null : new MemberPacker('handover.csv', { deflater });
  csv?.add(csvHeader());
  const totals: HandoverTotals = { cases: 0, claims: 0, openCents: 0, costsCents: 0, interestCents: 0 };
  const built: BuiltBatch = { cases: [], costs: [], skipped: [], warnings: [], members: [] };
  const pdfMembers: BatchMember[] = [];
  const selectionWarnings: string[] = [];
  // One line per distinct warning, naming the debtors it concerns (the rate-table warning is
  // usually the same for every case).
  const byText = new Map<string, string[]>();
  const usedDirs = new Set<string>();
  const input = (cases: Selection['cases']): HandoverInput => ({
    batch,
    exportDate: settings.today,
    generatedBy: settings.generatedBy,
    creditor: settings.policy.creditor,
    dayCount: settings.dayCount,
    includeNotes: settings.includeNotes,
    letterFiles: zip,
    cases,
    legal: handoverLegal(settings.policy),
  });
  for (const selection of chunks) {
    built.skipped.push(...selection.skipped);
    selectionWarnings.push(...selection.warnings);
    const files: LetterFile[] = [];
    for (const kase of buildCases(input(selection.cases), files, usedDirs)) {
      addToTotals(totals, kase);
      built.cases.push(caseSummary(kase));
      built.costs.push({ debtor: kase.debtor.number, claimedCents: kase.collection_costs.claimed_cents, basis: kase.collection_costs.basis });
      for (const w of kase.warnings) {
        const list = byText.get(w);
        if (list) list.push(kase.debtor.number);
        else byText.set(w, [kase.debtor.number]);
      }
      json?.add(jsonCasePiece(caseJsonText(kase), totals.cases === 1));
      csv?.add(csvCaseRows({ batch, export_date: settings.today }, kase));
    }
    for (const f of files) {
      const pdf = selection.pdfs.get(f.letterId)!;
      pdfMembers.push({ path: f.path, sha256: pdf.sha256, size: pdf.size, letterId: f.letterId, crc32: null, deflated: null });
    }
  }
  built.warnings = [...selectionWarnings, ...[...byText].map(([w, debtors]) => `${w} (debtor${debtors.length === 1 ? '' : 's'} ${debtors.join(', ')})`)];
  if (preview) return built;
  const jsonMember = (): BatchMember => {
    if (totals.cases > 0) json!.add(JSON_TAIL);
    return packed(json!.finish(jsonHeadText(handoverHead(input([]), totals), totals.cases > 0)));
  };
  if (settings.format === 'json') built.members = [jsonMember()];
  else if (settings.format === 'csv') built.members = [packed(csv!.finish())];
  else {
    built.members = [jsonMember(), packed(csv!.finish()), ...pdfMembers];
    built.members.push(packed(packMember(SHA256SUMS, [sha256SumsText(built.members)])));
  }
  return built;
}

/** A text member's plain bytes, piece by piece. */
function inflateMember(member: BatchMember, write: ChunkWriter): void {
  const inflate = new Inflate((chunk) => write(chunk));
  inflate.push(member.deflated!, true);
}

/** A text member's plain bytes (a ZIP batch's handover.csv written on its own). */
export function memberBytes(member: BatchMember): Buffer {
  const chunks: Uint8Array[] = [];
  inflateMember(member, (c) => chunks.push(c));
  return Buffer.concat(chunks);
}

/**
 * Writes the batch's file to a new temp file next to `target` (0600, never through a symlink)
 * and returns it with the file's SHA-256. A ZIP is streamed member by member, each PDF read from
 * the ledger when its turn comes; a csv or json batch is its one member inflated. The SHA-256 of
 * the file and the check of each PDF against its recorded SHA-256 run on a second thread
 * (hash-sink.ts): the bytes go into its ring and from there, a megabyte at a time, to the file
 * while they are hashed, so each PDF is read once and copied once. A PDF that is gone or
 * differs from its recorded hash stops the write: the temp file is removed, nothing is recorded.
 */
export function writeBatchTemp(
  target: string,
  format: HandoverFormat,
  today: IsoDate,
  members: readonly BatchMember[],
  readPdf: (letterId: number) => Buffer | null,
  onProgress?: (done: number, total: number) => void,
): { tmp: string; sha256: string } {
  // The bytes go to the file through the hashing ring (hash-sink.ts), a slot at a time.
  let hashes: HashSink | null = null;
  let sha256 = '';
  try {
    const tmp = writeTempStream(target, (writeFile) => {
      const sink = (hashes = new HashSink(writeFile));
      if (format !== 'zip') {
        inflateMember(members[0]!, (chunk) => sink.write(chunk));
      } else {
        // The PDFs on their way through the archive, each with its member's index (to check its hash).
        const checked = new Map<Uint8Array, number>();
        const zip = new ZipStream(today, (chunk) => {
          const index = checked.get(chunk);
          if (index === undefined) sink.write(chunk);
          else {
            checked.delete(chunk);
            sink.writeChecked(chunk, index, members[index]!.sha256);
          }
        });
        for (const [i, m] of members.entries()) {
          onProgress?.(i, members.length);
          if (m.letterId === null) {
            zip.addPacked({ path: m.path, crc: m.crc32!, size: m.size, sha256: m.sha256, deflated: m.deflated! });
            continue;
          }
          const pdf = readPdf(m.letterId);
          if (pdf === null) throw pdfError(m, 'is gone');
          checked.set(pdf, i);
          zip.addStored(m.path, pdf);
        }
        zip.end();
        if (checked.size > 0) throw new Error('a PDF of the handover archive never reached the file');
        onProgress?.(members.length, members.length);
      }
      const result = sink.finish();
      if (result.mismatch !== null) throw pdfError(members[result.mismatch]!, 'does not match its recorded SHA-256');
      sha256 = result.sha256;
    });
    return { tmp, sha256 };
  } finally {
    (hashes as HashSink | null)?.close();
  }
}

function pdfError(m: BatchMember, what: 'is gone' | 'does not match its recorded SHA-256'): AppError {
  return new AppError('ledger_corrupt', `The stored PDF of letter ${m.letterId} (${m.path}) ${what}.`, {
    hint: what === 'is gone'
      ? 'Its dossier was purged (`privacy purge`) or the ledger was changed outside pre-incasso; the file cannot be written whole. Restore the ledger from a backup if you need it.'
      : 'The ledger was changed outside pre-incasso. Restore it from a backup; `pre-incasso doctor` checks integrity.',
  });
}

/** The temp files a crashed export left for this file name (`.<name>.<pid>.<random>.tmp`). */
export function isTempOf(entry: string, fileName: string): boolean {
  return entry.startsWith(`.${path.basename(fileName)}.`) && entry.endsWith('.tmp');
}
