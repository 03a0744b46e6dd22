// Generated inputs for `npm run bench`: invoice exports as a bookkeeping package writes them, and
// the work folder's config (the shipped example, with the mail section pointed at the loopback).
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './measure.js';

const HEADER = 'Factuurnummer;Debiteurnummer;Naam;Soort;E-mail;Adres;Postcode;Plaats;Land;Taal;Factuurdatum;Vervaldatum;Bedrag;Openstaand;Kenmerk\n';
const STREETS = ['Dorpsstraat', 'Kerkstraat', 'Stationsweg', 'Molenweg', 'Schoolstraat', 'Julianalaan'];
const CITIES = ['Amersfoort', 'Utrecht', 'Zwolle', 'Groningen', 'Den Haag', 'Eindhoven'];
const NAMES = ['Ayşe Yılmaz', 'Łukasz Wróblewski', 'Gergő Szőke', 'Žaneta Dvořáková', 'Jan de Vries', 'Fatima El Amrani', 'Pieter van den Berg', 'Émilie Dubois'];

/** `1.234,56`: the Dutch amount of `cents`. */
function euros(cents) {
  return `${Math.floor(cents / 100).toLocaleString('de-DE')},${String(cents % 100).padStart(2, '0')}`;
}

function writeChunked(file, rows, line) {
  const fd = fs.openSync(file, 'w', 0o600);
  fs.writeSync(fd, HEADER);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += line(i);
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

/** `rows` invoices of `rows / 10` debtors, due June to November 2026 (the import and the book). */
export function bookCsv(file, rows) {
  const debtors = Math.max(1, Math.round(rows / 10));
  writeChunked(file, rows, (i) => {
    const d = i % debtors;
    const consumer = d % 3 !== 0;
    const dd = String(1 + (i % 28)).padStart(2, '0');
    const month = 6 + (i % 5);
    const amount = euros(1000 + ((i * 7919) % 500000));
    return `2026-${String(i).padStart(7, '0')};D${String(d).padStart(6, '0')};${consumer ? 'Familie' : 'Bedrijf'} ${d} ${consumer ? 'de Vries' : 'B.V.'};${consumer ? 'particulier' : 'zakelijk'};klant${d}@example.nl;${STREETS[d % 6]} ${1 + (d % 200)};${1000 + (d % 8999)} AB;${CITIES[d % 6]};NL;nl;${dd}-${String(month).padStart(2, '0')}-2026;${dd}-${String(month + 1).padStart(2, '0')}-2026;${amount};${amount};\n`;
  });
  return debtors;
}

/**
 * `count` debtors with one invoice each, dated 16-08-2026 and due 15-09-2026: the first letter
 * (7 days after the due date) is due on 2026-09-22, the second on 10-06, the final one on 10-20,
 * and the claim is ready for handover on 11-10. Two in three are consumers; every one has an
 * e-mail address, so each letter goes by e-mail.
 */
export function ladderCsv(file, count) {
  writeChunked(file, count, (i) => {
    const consumer = i % 3 !== 0;
    const name = consumer ? `${NAMES[i % NAMES.length]} ${i}` : `Bouwbedrijf ${i} B.V.`;
    const amount = euros(2_500 + ((i * 7_919) % 250_000));
    return `F-${String(i).padStart(6, '0')};${consumer ? 'C' : 'B'}${String(i).padStart(6, '0')};${name};${consumer ? 'particulier' : 'zakelijk'};debiteur${i}@example.nl;${STREETS[i % 6]} ${1 + (i % 200)};${1000 + (i % 8999)} AB;${CITIES[i % 6]};NL;${i % 7 === 0 ? 'en' : 'nl'};16-08-2026;15-09-2026;${amount};${amount};\n`;
  });
}

export const SMTP_USER = 'bench';

/**
 * The shipped example config, its mail section pointed at an SMTP server on 127.0.0.1:`port`
 * without TLS (a local relay), with the password from PRE_INCASSO_SMTP_PASSWORD and a rate limit
 * high enough not to throttle (`perMinute` 10,000, the schema's maximum).
 */
export function writeConfig(dir, port = 2525) {
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'pre-incasso.config.json'), 'utf8'));
  delete config.$schema;
  config.mail = {
    from: 'Bakkerij De Korenschoof <administratie@korenschoof.example>',
    perMinute: 10_000,
    smtp: { host: '127.0.0.1', port, secure: false, requireTLS: false, user: SMTP_USER },
  };
  fs.writeFileSync(path.join(dir, 'pre-incasso.config.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}
