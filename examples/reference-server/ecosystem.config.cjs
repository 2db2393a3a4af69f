// PM2, as the original system deploys: `pm2 start ecosystem.config.cjs --env production`.
// Several instances need PostgreSQL (DATABASE_URL): PGlite is one process's database.
module.exports = {
  apps: [
    {
      name: "lunas-reference-server",
      cwd: __dirname,
      script: "src/main.ts",
      // Cluster mode runs the script inside PM2's container; tsx is loaded as a Node option.
      node_args: "--import tsx",
      exec_mode: "cluster",
      instances: 2,
      // SIGTERM first; the service stops taking requests and finishes its jobs within SHUTDOWN_TIMEOUT_MS.
      kill_timeout: 30_000,
      listen_timeout: 60_000,
      max_memory_restart: "512M",
      env: {
        NODE_ENV: "development",
      },
      env_production: {
        NODE_ENV: "production",
        HOST: "0.0.0.0",
        PORT: "3000",
      },
    },
  ],
};
