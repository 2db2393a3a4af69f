import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, envSchema, parseEnv } from "../src/config/env.js";

describe("configuration", () => {
  it("documents every variable in .env.example, and nothing else", () => {
    const documented = readFileSync(new URL("../.env.example", import.meta.url), "utf8")
      .split("\n")
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.slice(0, line.indexOf("=")));
    const read = Object.keys(envSchema.shape).sort();
    expect(documented.sort()).toEqual(read);
  });

  it("starts with an empty environment (demo mode) and parses .env.example as is", () => {
    expect(parseEnv({}).PORT).toBe(3000);
    const example = Object.fromEntries(
      readFileSync(new URL("../.env.example", import.meta.url), "utf8")
        .split("\n")
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect(parseEnv(example).DATABASE_URL).toBeUndefined();
  });

  it("names every wrong variable and what to do", () => {
    const error = (() => {
      try {
        parseEnv({ PORT: "http", XENDIT_SECRET_KEY: "xnd_1", NODE_ENV: "production" });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(/^XENDIT_CALLBACK_TOKEN: required with XENDIT_SECRET_KEY/),
      expect.stringMatching(/^ADMIN_API_KEY: required when NODE_ENV=production/),
    ]);
  });
});
