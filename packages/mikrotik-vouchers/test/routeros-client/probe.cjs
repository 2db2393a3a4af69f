// Runs the published routeros-client against a RouterOS API server given on the
// command line, in its own process, because what it does can end a process.
const { RouterOSClient } = require("routeros-client");

const [port, what] = process.argv.slice(2);
const report = (result) => process.stdout.write(`${JSON.stringify(result)}\n`);
const api = new RouterOSClient({
  host: "127.0.0.1",
  port: Number(port),
  user: "admin",
  password: "",
  timeout: 5,
});
api.on("error", (error) => report({ listener: String(error?.message) }));

(async () => {
  try {
    const client = await api.connect();
    const users = client.menu("/ip hotspot user");
    if (what === "empty") {
      const found = await users.where({ email: "nobody@vouchers.invalid" }).get();
      report({ found });
    } else {
      await users.add({ name: "0123", password: "0123" });
      const [user] = await users.where({ name: "0123" }).get();
      report({ name: user.name, type: typeof user.name });
    }
    await api.close();
  } catch (error) {
    report({ caught: String(error?.message) });
    process.exit(3);
  }
})();
