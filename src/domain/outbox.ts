// The e-mail outbox's states: which letters go by e-mail, and every delivery attempt with its
// outcome, so a letter is never e-mailed twice (SPEC §2.1) and every message that left is kept
// byte for byte (SPEC §2.5). The table is `outbox` (migration 003, SQL in `ledger/outbox.ts`);
// the sending is `workflows/deliver-outbox.ts`.
//
//   queued ──► sending ──► sent                      the server answered 250 to the final "."
//   retry  ──►    │    ──► failed                    a permanent refusal (5xx): never retried
//                 │    ──► retry                     temporary (4xx, 503, no connection, login
//                 │                                  refused, dropped before the message was
//                 │                                  handed over): tried again later
//                 │    ──► unknown                   no reply after the whole message was handed
//                 │                                  over: the server may have accepted it
//                 └──────► unknown                   the process died while the row was `sending`
//   unknown ──► sending                              only with `resendUnknown` (a person checked)
//   unknown ──► sent | failed                        `resolveUnknown` (a person checked)
//
// The change to `sending` and the attempt row are committed before a byte of the message goes to
// SMTP. A crash therefore leaves `sending`, which the next delivery turns into `unknown` instead
// of guessing: a duplicate dunning letter is worse than a question.

export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed' | 'retry' | 'unknown';

/** What one attempt ended in: the outbox state it leaves the message in. */
export type AttemptOutcome = 'sent' | 'failed' | 'retry' | 'unknown';
