/**
 * `npm run build:schemas`: compiles asl-validator's JSON schemas into standalone validator code and writes it to
 * `infra/definition/asl-schema.generated.js`, which is committed. Run it after upgrading asl-validator or changing
 * the bridge in `infra/definition/asl-schema.ts`; a test fails until the committed file matches.
 * @see https://ajv.js.org/standalone.html
 */
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import { GENERATED_SCHEMA_FILE, standaloneSchemaSource } from "../infra/definition/asl-schema";

const source = standaloneSchemaSource();
writeFileSync(GENERATED_SCHEMA_FILE, source);
console.log(`wrote ${relative(process.cwd(), GENERATED_SCHEMA_FILE)} (${source.length} bytes)`);
