// E-mails withdrawn before sending: a letter whose invoices were paid or closed after it was
// recorded must not go out on a later retry (SPEC §2: never a letter for a paid invoice).
// A separate table, so the outbox's states and its attempt history stay as they are.
export const version = 9;
export const name = 'outbox-withdrawn';
export const sql = `
CREATE TABLE outbox_withdrawn (
  outbox_id  INTEGER PRIMARY KEY REFERENCES outbox(id),
  reason     TEXT NOT NULL,
  at         TEXT NOT NULL
);
`;
