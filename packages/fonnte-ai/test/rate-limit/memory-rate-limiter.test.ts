import { MemoryRateLimiter } from "@lunas/fonnte-ai";
import { rateLimiterConformance } from "@lunas/fonnte-ai/conformance";

rateLimiterConformance("MemoryRateLimiter", async () => ({
  limiter: new MemoryRateLimiter(),
  cleanup: async () => {},
}));
