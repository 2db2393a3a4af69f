import { SenderSequencer } from "@lunas/fonnte-ai";
import { describe, expect, it } from "vitest";

describe("SenderSequencer", () => {
  it("runs one key's tasks in order, other keys alongside, and survives a failing task", async () => {
    const sequencer = new SenderSequencer();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      sequencer.run("a", task("a1", 30, true)),
      sequencer.run("a", task("a2", 1)),
      sequencer.run("b", task("b1", 5)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
    expect(log.indexOf("end a1")).toBeLessThan(log.indexOf("start a2"));
    expect(log.indexOf("end b1")).toBeLessThan(log.indexOf("end a1"));
    await sequencer.idle();
    expect(sequencer.activeKeys, "idle keys are forgotten").toBe(0);
  });
});
