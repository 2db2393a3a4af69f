import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { APPROVED, type BridgeWorld, createBridgeWorld, MODELS } from "./bridge-world.js";

const child = fileURLToPath(new URL("./fixtures/answer-child.ts", import.meta.url));
const packageRoot = fileURLToPath(new URL("../../", import.meta.url));

let world: BridgeWorld;
let bossSchema: string;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  world = await createBridgeWorld("fonnte_crash");
  bossSchema = `${world.db.schema}_boss`.slice(0, 50);
});

afterAll(async () => {
  for (const proc of running) proc.kill("SIGKILL");
  await world.db.executor.query(`drop schema if exists "${bossSchema}" cascade`);
  await world.close();
});

function startChild(mode: "deliver" | "recover"): { proc: ChildProcess; output: () => string } {
  const proc = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      child,
      mode,
      world.db.connectionString!,
      world.db.schema,
      bossSchema,
      world.fonnte.url,
      world.fonnte.token,
      world.gemini.url,
      world.gemini.apiKey,
    ],
    { cwd: packageRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  running.add(proc);
  proc.on("exit", () => running.delete(proc));
  let output = "";
  proc.stdout?.on("data", (chunk) => {
    output += String(chunk);
  });
  proc.stderr?.on("data", (chunk) => {
    output += String(chunk);
  });
  return { proc, output: () => output };
}

/** Real time passes here: the child and pg-boss run on their own clocks. */
async function until(what: string, done: () => boolean | Promise<boolean>, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function kill(proc: ChildProcess) {
  const exited = new Promise((resolve) => proc.on("exit", resolve));
  proc.kill("SIGKILL");
  await exited;
}

const answerJobStates = async () =>
  (
    await world.db.executor.query<{ state: string }>(
      `select state from "${bossSchema}".job where name like 'fonnte-ai-answer.%'`,
    )
  ).rows.map((row) => row.state);

it("a process SIGKILLed after the 200, while the AI answers, is answered once after a restart", async () => {
  // The first generateContent call hangs, so the process is mid-answer when it dies.
  world.gemini.failNext(MODELS[0]!, { kind: "stall" });
  const first = startChild("deliver");
  await until("the webhook's 200 and the AI call", () => {
    return (
      first.output().includes('webhook 200 {"ok":true,"status":"accepted"}') &&
      world.gemini.requests.length === 1
    );
  });
  await kill(first.proc);
  expect(world.fonnte.sent).toEqual([]);
  expect(await answerJobStates()).toEqual(["active"]);

  const second = startChild("recover");
  try {
    await until("the answer job to complete", async () => {
      const states = await answerJobStates();
      return states.length === 1 && states[0] === "completed";
    });
    // Long enough for a second send to show up if a retry were to make one.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
  } finally {
    await kill(second.proc);
  }

  expect(world.fonnte.messagesTo(APPROVED)).toEqual(["Jawaban untuk: Kapan kelasnya?"]);
  expect(world.fonnte.sent).toHaveLength(1);
  // Asked twice (the first answer died with its process), remembered once.
  expect(world.gemini.requests).toHaveLength(2);
  const { rows } = await world.db.executor.query<{ messages: unknown }>(
    `select messages from "${world.db.schema}".fonnte_ai_sessions`,
  );
  expect(rows.map((row) => row.messages)).toEqual([
    [
      { role: "user", text: "Kapan kelasnya?" },
      { role: "model", text: "Jawaban untuk: Kapan kelasnya?" },
    ],
  ]);
}, 120_000);
