export {
  SessionSnapshotError,
  SessionSnapshotFile,
  type SessionSnapshotFileOptions,
} from "./session/session-snapshot-file.js";
