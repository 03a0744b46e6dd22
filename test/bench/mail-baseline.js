// Baseline of `mail` in `npm run bench`: bare nodemailer with a pooled connection sends one message
// per queued outbox row of the prepared ledger, to the same address with the same letter PDF
// attached, to the same loopback SMTP server. One connection (like `mail`), the messages handed
// to the pool at once.
//   PRE_INCASSO_SMTP_PASSWORD=… node test/bench/mail-baseline.js <ledger> <port> <user>
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';

const [ledger, port, user] = process.argv.slice(2);
const db = new Database(ledger, { readonly: true, fileMustExist: true });
const rows = db
  .prepare("SELECT o.to_address AS email, l.debtor_number AS debtor, l.stage_id AS stage, l.pdf FROM outbox o JOIN letters l ON l.id = o.letter_id WHERE o.state = 'queued' ORDER BY o.id")
  .all();
db.close();

const transport = nodemailer.createTransport({
  pool: true,
  maxConnections: 1,
  host: '127.0.0.1',
  port: Number(port),
  secure: false,
  ignoreTLS: true,
  auth: { user, pass: process.env.PRE_INCASSO_SMTP_PASSWORD },
});
await Promise.all(
  rows.map((r) =>
    transport.sendMail({
      from: 'Bakkerij De Korenschoof <administratie@korenschoof.example>',
      to: r.email,
      subject: `Herinnering ${r.debtor}`,
      text: `Geachte klant,\n\nIn de bijlage vindt u onze ${r.stage}.\n\nMet vriendelijke groet,\nBakkerij De Korenschoof\n`,
      attachments: [{ filename: `${r.stage}.pdf`, content: r.pdf, contentType: 'application/pdf' }],
    }),
  ),
);
transport.close();
console.log(rows.length);
