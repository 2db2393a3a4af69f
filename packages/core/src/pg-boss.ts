export * from "./jobs/pg-boss.js";
