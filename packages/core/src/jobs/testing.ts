export { type JobQueueConformanceContext, jobQueueConformance } from "./job-queue-conformance.js";
