// JUnit XML carries the run's identity (issue 16 point 6): Playwright's junit reporter has no
// suite-level properties option, so after the run each <testsuite> gets a <properties> block
// (harness version and commit, hardware or emulated, time scale, each device as read) as its
// first child, where the JUnit schema puts it. A suite that already has a <properties> block
// gets the entries added to it.

import { readFileSync, writeFileSync } from 'node:fs';

function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The XML with `props` in every <testsuite> (pure). */
export function withSuiteProperties(xml: string, props: Readonly<Record<string, string>>): string {
  const entries = Object.entries(props).map(([k, v]) => `<property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`).join('\n');
  return xml.replace(/(<testsuite\b[^>]*?(?<!\/)>)(\s*)(<properties>)?/g, (_m, open: string, space: string, existing: string | undefined) =>
    existing ? `${open}${space}<properties>\n${entries}` : `${open}\n<properties>\n${entries}\n</properties>${space}`,
  );
}

/** Rewrite the JUnit file in place; false when there is none (the run wrote no JUnit). */
export function addJunitProperties(path: string, props: Readonly<Record<string, string>>): boolean {
  let xml: string;
  try {
    xml = readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  writeFileSync(path, withSuiteProperties(xml, props));
  return true;
}
