import { readFileSync } from "node:fs";
import { REPORT_SCHEMA_VERSION, reportJsonSchema } from "@lunas/payment-sync";
import { expect, it } from "vitest";

const checkedIn = readFileSync(new URL("../../schema/report.schema.json", import.meta.url), "utf8");

it("the checked-in schema/report.schema.json is what the zod definitions generate (run `pnpm --filter @lunas/payment-sync schema` after a change)", () => {
  expect(JSON.parse(checkedIn)).toEqual(reportJsonSchema());
});

it("the published schema is versioned and requires the version it describes", () => {
  const schema = JSON.parse(checkedIn);
  expect(schema.$id).toContain(REPORT_SCHEMA_VERSION);
  expect(schema.properties.schemaVersion.const).toBe(REPORT_SCHEMA_VERSION);
  expect(schema.required).toContain("schemaVersion");
  expect(schema.additionalProperties).toBe(false);
});

it("ships in the npm tarball and the exports map", () => {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  expect(manifest.files).toContain("schema");
  expect(manifest.exports["./report.schema.json"]).toBe("./schema/report.schema.json");
});
