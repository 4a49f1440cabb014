import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { loadConfig, ConfigError } from './config.js';
import { createLogger } from './logger.js';
import { createDb, migrateLatest } from '../db/connection.js';
import { createServices } from './services.js';
import { createApp } from './app.js';
import { countUsers } from './auth/users.js';
import { sweepSessions } from './middleware/session.js';
import { discoverOidc, oidcSettingsFromEnv } from './auth/oidc.js';
import { runWorkers } from './cluster.js';

/** The port a listening server is on (server.address() is an object once it listens on TCP). */
const portOf = (address: AddressInfo | string | null): number | string => (address && typeof address === 'object' ? address.port : String(address));

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  // Several processes: this one only runs them (having read the configuration, and made the
  // embedded session secret, before they start, so they all share it).
  if (config.workers > 1 && cluster.isPrimary) return runWorkers(config.workers, logger);
  const db = createDb({ databaseUrl: config.databaseUrl, sqliteFile: config.databaseFile });
  await migrateLatest(db);
  const oidcSettings = oidcSettingsFromEnv(process.env);
  const oidc = oidcSettings ? { settings: oidcSettings, configuration: await discoverOidc(oidcSettings) } : undefined;
  const services = createServices(db, config, logger, oidc);
  const app = createApp(services);
  const server = app.listen(config.port, config.host, async () => {
    const where = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${portOf(server.address())}`;
    logger.info({ database: config.databaseUrl ? 'postgresql' : 'sqlite' }, `FGC data listening on ${where}`);
    if ((await countUsers(db)) === 0) {
      logger.info(`No accounts yet: open ${where}/first-run or run "npm run create-user" to create the first administrator`);
    }
  });
  const sweeper = setInterval(() => sweepSessions(db).catch(() => undefined), 10 * 60_000);
  sweeper.unref();

  // Graceful shutdown: stop accepting, let in-flight requests finish, then close the pool.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close(async () => {
      await db.destroy();
      process.exit(0);
    });
    server.closeIdleConnections?.();
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('disconnect', () => stop('primary process gone')); // a worker (WORKERS > 1) whose primary has died
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
