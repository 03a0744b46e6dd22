// What `status` adds for the everyday work: money not placed and post letters waiting.
import type { Db } from '../ledger/ledger.js';
import { postLetterCounts, unmatchedMoney, type PostCounts } from '../ledger/book-view.js';
import { formatEuro } from '../domain/money.js';

export interface WorkbenchStatus {
  unmatched: { payments: number; cents: number };
  post: PostCounts;
  json: Record<string, unknown>;
}

export function workbenchStatus(db: Db): WorkbenchStatus {
  const unmatched = unmatchedMoney(db);
  const post = postLetterCounts(db);
  return {
    unmatched,
    post,
    json: {
      unmatched_payments: unmatched.payments,
      unmatched_cents: unmatched.cents,
      post_letters: { not_printed: post.notPrinted, printed_not_posted: post.printedNotPosted, posted: post.posted },
    },
  };
}

export function printWorkbenchStatus(out: { data(text: string): void }, s: WorkbenchStatus): void {
  if (s.unmatched.payments > 0) out.data(`unmatched money: ${s.unmatched.payments} payment${s.unmatched.payments === 1 ? '' : 's'}, ${formatEuro(s.unmatched.cents)} (\`payments list --unmatched\`, \`payments allocate\`)`);
  else out.data('unmatched money: none');
  const p = s.post;
  out.data(`post letters: ${p.notPrinted} to print, ${p.printedNotPosted} printed${s.post.postingRecorded ? ' not posted' : ''}${s.post.postingRecorded ? `, ${p.posted} posted` : ''}`);
}
