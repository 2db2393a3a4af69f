export { type CliBackend, openBackend } from "./cli/cli-backend.js";
export {
  type CliConfig,
  CliConfigError,
  COMMANDS,
  type Command,
  readCliConfig,
  USAGE,
} from "./cli/cli-config.js";
export {
  type CliIo,
  EXIT_CLEAN,
  EXIT_DRIFT,
  EXIT_ERROR,
  exitCodeOf,
  runCli,
} from "./cli/run-cli.js";
