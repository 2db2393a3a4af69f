import type { ReconciliationReport, UserDrift } from "../report/report-schema.js";

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "apos" }[c]};`,
  );

/** A one-line description of a user's drift. */
export function describeDrift(user: UserDrift): string {
  const parts: string[] = [];
  if (user.absentFrom === "entitlements") parts.push("no user record");
  if (user.absentFrom === "payments") parts.push("grants without any payment");
  if (user.missing.length > 0)
    parts.push(`missing ${user.missing.map((m) => m.itemId).join(", ")}`);
  if (user.extra.length > 0) parts.push(`extra ${user.extra.join(", ")}`);
  if (user.duplicates.length > 0) {
    parts.push(`duplicated ${user.duplicates.map((d) => `${d.itemId}×${d.copies}`).join(", ")}`);
  }
  return parts.join("; ");
}

/**
 * The report as JUnit XML for CI dashboards: one passing case for the run,
 * one failing case per drifted user, one erroring case per error.
 */
export function junitReport(report: ReconciliationReport, command: string): string {
  const cases = [
    `    <testcase classname="lunas-sync" name="${command}: ${report.totals.usersChecked} users checked"${report.complete ? "/>" : `><error message="the run was aborted before every user was checked" type="incomplete"/></testcase>`}`,
    ...report.users.map(
      (user) =>
        `    <testcase classname="lunas-sync.users" name="${escapeXml(user.userId)}"><failure message="${escapeXml(describeDrift(user))}" type="drift"/></testcase>`,
    ),
    ...report.errors.map(
      (error, i) =>
        `    <testcase classname="lunas-sync.errors" name="${escapeXml(error.userId ?? `read ${i + 1}`)}"><error message="${escapeXml(error.message)}" type="${escapeXml(error.code)}"/></testcase>`,
    ),
  ];
  const failures = report.users.length;
  const errors = report.errors.length + (report.complete ? 0 : 1);
  const seconds = (report.durationMs / 1000).toFixed(3);
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="lunas-sync" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds}">
  <testsuite name="lunas-sync ${command}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds}" timestamp="${report.startedAt}">
${cases.join("\n")}
  </testsuite>
</testsuites>
`;
}
