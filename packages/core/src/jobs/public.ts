export {
  JobHandlerTimeoutError,
  JobQueueNotRunningError,
  JobQueuePolicyError,
  JobQueueStartError,
  JobQueueTransactionUnsupportedError,
  WorkerAlreadyRegisteredError,
} from "./job-queue-errors.js";
export {
  MemoryJobQueue,
  type MemoryJobQueueOptions,
  type MemoryJobSnapshot,
  type MemoryJobState,
} from "./memory-job-queue.js";
