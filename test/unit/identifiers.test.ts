import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  formatIban,
  hasEmailAddress,
  isEmailAddress,
  isEmailAddressByUnicodeRule,
  parseEmailList,
  isValidBic,
  isValidDutchVat,
  isValidIban,
  isValidKvk,
  normaliseIban,
  normalisePostcode,
  passesElevenTest,
} from '../../src/domain/identifiers.js';

describe('IBAN (ISO 13616, legal-nl.md §9)', () => {
  it.each([
    ['NL91ABNA0417164300', true, 'the textbook example'],
    ['NL91 ABNA 0417 1643 00', true, 'printed in groups of four'],
    ['nl91abna0417164300', true, 'lower case'],
    ['  NL91 ABNA 0417 1643 00 ', true, 'surrounding spaces'],
    ['NL92ABNA0417164300', false, 'one check digit off'],
    ['NL86INGB0002445588', true, 'ING'],
    ['NL20INGB0001234567', true, 'ING, generated'],
    ['NL44RABO0123456789', true, 'Rabobank, generated'],
    ['NL91ABNA041716430', false, 'one digit short'],
    ['NL91ABNA04171643000', false, 'one digit too many'],
    ['NL911BNA0417164300', false, 'a digit in the Dutch bank code'],
    ['DE89370400440532013000', true, 'a German IBAN'],
    ['DE8937040044053201300', false, 'a German IBAN one digit short'],
    ['BE68539007547034', true, 'a Belgian IBAN'],
    ['NL91-ABNA-0417-1643-00', false, 'dashes'],
    ['', false, 'empty'],
  ])('%s valid: %s (%s)', (text, valid) => {
    expect(isValidIban(text)).toBe(valid);
  });

  it('normalises to upper case without spaces and prints groups of four', () => {
    expect(normaliseIban(' nl91 abna 0417 1643 00')).toBe('NL91ABNA0417164300');
    expect(formatIban('NL91ABNA0417164300')).toBe('NL91 ABNA 0417 1643 00');
    expect(formatIban('nl91abna0417164300')).toBe('NL91 ABNA 0417 1643 00');
    expect(formatIban('DE89370400440532013000')).toBe('DE89 3704 0044 0532 0130 00');
  });
});

describe('Dutch btw-id', () => {
  it.each([
    ['NL000099998B57', true, 'Belastingdienst example, passes mod 97'],
    ['NL004495445B01', true, 'legacy RSIN-based id, passes the 11-test'],
    ['NL123456789B90', false, 'fails both checks'],
    ['nl000099998b57', true, 'lower case'],
    ['NL 0000.99.998.B57', true, 'spaces and dots as people type them'],
    ['NL00009999B57', false, 'eight digits'],
    ['NL000099998X57', false, 'X instead of B'],
    ['BE0123456789', false, 'a Belgian number'],
  ])('%s valid: %s (%s)', (text, valid) => {
    expect(isValidDutchVat(text)).toBe(valid);
  });

  it.each([
    ['004495445', true],
    ['123456789', false],
    ['000000000', false],
    ['12345678', false],
  ])('11-test on %s: %s', (digits, ok) => {
    expect(passesElevenTest(digits)).toBe(ok);
  });
});

describe('KvK number', () => {
  it.each([
    ['12345678', true, 'eight digits'],
    ['1234 5678', true, 'with a space'],
    ['1234567', false, 'seven digits'],
    ['000012345678', false, 'a 12-digit vestigingsnummer is not a KvK number'],
    ['1234567A', false, 'a letter'],
  ])('%s valid: %s (%s)', (text, valid) => {
    expect(isValidKvk(text)).toBe(valid);
  });
});

describe('postcode', () => {
  it.each([
    ['1011 AB', '1011 AB'],
    ['9999 ZZ', '9999 ZZ'],
    ['1011AB', '1011 AB'],
    ['1011ab', '1011 AB'],
    [' 1011  ab ', '1011 AB'],
  ])('%s normalises to %s', (text, postcode) => {
    expect(normalisePostcode(text)).toEqual({ postcode });
  });

  it.each([['0123 AB'], ['1234 A'], ['12345 AB'], ['1234 A1'], ['B-1000'], ['']])('%s is not a Dutch postcode', (text) => {
    expect(normalisePostcode(text)).toBeNull();
  });

  it.each([['1234 SS'], ['1234 sa'], ['1234SD']])('%s is accepted with a warning (letters not issued)', (text) => {
    const r = normalisePostcode(text);
    expect(r?.postcode).toMatch(/^1234 S[ADS]$/);
    expect(r?.warning).toMatch(/not issued/);
  });
});

describe('e-mail addresses: one rule for the import, debtor set, the plan, doctor and mail', () => {
  // The rows marked "was:" are where the two old copies (identifiers.isPlausibleEmail and
  // mail/message.isEmailAddress) disagreed.
  it.each([
    ['jan@example.nl', true],
    ['j.de.vries+facturen@sub.example.co.uk', true],
    ["o'brien@example.ie", true],
    ['jürgen@müller.de', true], // was: plausible false, mail true (SMTPUTF8 / IDN)
    ['info@bäckerei.de', true], // was: plausible false, mail true (IDN domain, punycode on the envelope)
    ['jan@example.xn--p1ai', true], // was: plausible false (a punycode top-level domain has digits)
    ['jan@example.n', false], // was: plausible false, mail true (one-letter top-level domain)
    ['jan@example.123', false],
    ['jan@1.2.3.4', false],
    ['  jan@example.nl ', false], // one address is exact; the list trims
    ['jan@example', false],
    ['jan example@example.nl', false],
    ['jan@@example.nl', false],
    ['@example.nl', false],
    ['jan@', false],
    ['jan..x@example.nl', false],
    ['.jan@example.nl', false],
    ['jan@-example.nl', false],
    ['jan@example.nl.', false],
    ['"jan"@example.nl', false],
    ['Jan <jan@example.nl>', false],
    ['jan@example.nl\nBcc: x@example.nl', false],
    ['jan\u202e@example.nl', false],
    [`${'a'.repeat(65)}@example.nl`, false],
    ['a@example.nl;b@example.nl', false], // a list is no address …
  ])('isEmailAddress(%j) is %s', (text, ok) => {
    expect(isEmailAddress(text)).toBe(ok);
  });

  it('an address in ASCII gets the same verdict from the quick ASCII spelling of the rule as from the Unicode one', () => {
    // Letters, digits, every punctuation mark of the local part, and what must fail: the two
    // spellings of the character classes may never drift apart.
    const chars = fc.constantFrom(...'aZz09-._@+!#$%&\'*/=?^_`{|}~ "<>\\(),;:[]\n\t\u007f'.split(''));
    const addresses = fc.oneof(
      fc.string({ unit: chars, maxLength: 40 }),
      fc.tuple(fc.string({ unit: chars, minLength: 1, maxLength: 20 }), fc.string({ unit: chars, minLength: 1, maxLength: 20 })).map(([l, d]) => `${l}@${d}.nl`),
    );
    fc.assert(
      fc.property(addresses, (text) => {
        expect(isEmailAddress(text)).toBe(isEmailAddressByUnicodeRule(text));
      }),
      { numRuns: 3000 },
    );
    for (let code = 0; code < 128; code++) {
      const c = String.fromCharCode(code);
      for (const text of [`a${c}b@example.nl`, `ab@ex${c}ample.nl`, `${c}@example.nl`, `ab@${c}.nl`]) {
        expect(isEmailAddress(text), JSON.stringify(text)).toBe(isEmailAddressByUnicodeRule(text));
      }
    }
  });

  it.each([
    ['a@example.nl;b@example.nl', ['a@example.nl', 'b@example.nl']], // … but is an e-mail field: was plausible false, mail true
    ['a@example.nl, b@example.nl', ['a@example.nl', 'b@example.nl']],
    ['  jan@example.nl ', ['jan@example.nl']],
    ['jan@example.nl;', ['jan@example.nl']],
    ['jan@example.nl,JAN@example.nl', ['jan@example.nl']],
    ['jürgen@müller.de; info@bäckerei.de', ['jürgen@müller.de', 'info@bäckerei.de']],
    ['jan@example.nl; geen', undefined],
    ['jan@example.nl piet@example.nl', undefined],
    ['jan@example.n', undefined],
    [';', undefined],
    ['', undefined],
    [null, undefined],
  ])('parseEmailList(%j)', (text, list) => {
    expect(parseEmailList(text)).toEqual(list);
    expect(hasEmailAddress(text)).toBe(list !== undefined);
  });
});

describe('BIC (ISO 9362)', () => {
  it.each([
    ['ABNANL2A', true, 'eight characters'],
    ['INGBNL2AXXX', true, 'eleven characters'],
    ['rabonl2u', true, 'lower case'],
    ['ABNANL2', false, 'seven characters'],
    ['ABNANL2AXX', false, 'ten characters'],
    ['AB1ANL2A', false, 'a digit in the institution code'],
    ['ABNA NL2A', false, 'a space inside'],
  ])('%s valid: %s (%s)', (text, valid) => {
    expect(isValidBic(text)).toBe(valid);
  });
});
