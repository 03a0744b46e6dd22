// Writes examples/pre-incasso.schema.json from the zod schema (run by `npm run schema`).
import fs from 'node:fs';
const { configJsonSchema } = await import('../../dist/config/schema.js');
fs.writeFileSync(new URL('../../examples/pre-incasso.schema.json', import.meta.url), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
