export {
  JobHandlerTimeoutError,
  JobQueueNotRunningError,
  JobQueuePolicyError,
  WorkerAlreadyRegisteredError,
} from "./job-queue-errors.js";
export {
  MemoryJobQueue,
  type MemoryJobQueueOptions,
  type MemoryJobSnapshot,
  type MemoryJobState,
} from "./memory-job-queue.js";
