// One XML reader for the importers (UBL e-invoices, CAMT bank statements). Elements are matched
// by local name (prefixes vary between banks and packages), attributes are kept as `@name`, and
// every value stays a string: fast-xml-parser would otherwise turn `12.50` into a float.
import { XMLParser } from 'fast-xml-parser';

export function xmlParser(options: { characterReferences?: boolean } = {}): XMLParser {
  return new XMLParser({
    removeNSPrefix: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    // Decodes numeric character references (&#233; &#x20AC;) as well as the five XML entities.
    ...(options.characterReferences ? { htmlEntities: true } : {}),
  });
}
