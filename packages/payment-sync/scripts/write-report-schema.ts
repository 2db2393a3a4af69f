// Regenerates schema/report.schema.json from the zod definitions; a test fails
// when the checked-in file and the definitions disagree.
import { writeFileSync } from "node:fs";
import { reportJsonSchema } from "../src/report/report-schema.js";

writeFileSync(
  new URL("../schema/report.schema.json", import.meta.url),
  `${JSON.stringify(reportJsonSchema(), null, 2)}\n`,
);
