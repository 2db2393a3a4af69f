import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "@lunas/core/testing";
import { MemorySessionStore } from "@lunas/fonnte-ai";
import { SessionSnapshotFile } from "@lunas/fonnte-ai/node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

describe("SessionSnapshotFile", () => {
  let dir: string;
  let clock: ManualClock;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "fonnte-snapshot-"));
    clock = new ManualClock(Date.UTC(2026, 4, 17, 8, 0, 0, 0));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const store = () => new MemorySessionStore({ clock, cleanupIntervalMs: 0, ttlMs: 30 * 60_000 });

  it("writes every live session atomically and loads them into a new store, skipping expired ones", async () => {
    const path = join(dir, "sessions.json");
    const before = store();
    await before.append(
      "6281200000001",
      [
        { role: "user", text: "satu" },
        { role: "model", text: "1" },
      ],
      clock.now(),
    );
    clock.advance(20 * 60_000);
    await before.append(
      "6281200000002",
      [
        { role: "user", text: "dua" },
        { role: "model", text: "2" },
      ],
      clock.now(),
    );
    const file = new SessionSnapshotFile({ store: before, path, clock, intervalMs: 0 });
    await file.stop();
    expect(await readdir(dir), "no temporary file left").toEqual(["sessions.json"]);
    expect(JSON.parse(await readFile(path, "utf8")).sessions).toHaveLength(2);

    clock.advance(15 * 60_000); // the first session is now 35 minutes old
    const after = store();
    expect(await new SessionSnapshotFile({ store: after, path, clock }).load()).toBe(1);
    expect(await after.read("6281200000002", clock.now())).toEqual([
      { role: "user", text: "dua" },
      { role: "model", text: "2" },
    ]);
    expect(await after.read("6281200000001", clock.now())).toEqual([]);
  });

  it("a missing file is an empty start; a corrupt one is SESSION_SNAPSHOT_UNREADABLE", async () => {
    const path = join(dir, "sessions.json");
    expect(await new SessionSnapshotFile({ store: store(), path, clock }).load()).toBe(0);
    await writeFile(path, "{ half a file");
    await expect(
      new SessionSnapshotFile({ store: store(), path, clock }).load(),
    ).rejects.toMatchObject({
      code: "SESSION_SNAPSHOT_UNREADABLE",
    });
  });

  it("writes at its interval, and concurrent writes never overlap", async () => {
    const path = join(dir, "sessions.json");
    const live = store();
    const file = new SessionSnapshotFile({ store: live, path, clock, intervalMs: 20 });
    await file.start();
    await live.append("6281200000003", [{ role: "user", text: "x" }], clock.now());
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(JSON.parse(await readFile(path, "utf8")).sessions).toHaveLength(1);
    await Promise.all([file.write(), file.write(), file.write()]);
    await file.stop();
    expect((await readdir(dir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });
});
