#!/usr/bin/env node
import { runCli } from "./run-cli.js";

// The only file that touches the real process: everything else is injected so
// the CLI runs the same in tests.
const exitCode = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: process.stderr.isTTY === true,
  onSignal: (signal, handler) => {
    process.on(signal, handler);
    return () => process.off(signal, handler);
  },
});
process.exitCode = exitCode;
