/** `cityops serve`: the whole IOC in one process, with graceful shutdown on SIGTERM. */
import { createCityOps } from '../main.js';
import { createLogger } from '../core/logger.js';
import { systemClock } from '../core/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { seedAdminUnits } from '../geo/reference-data.js';
import { ensureFirstAdministrator } from '../people/index.js';
import { configOrExit, openDbOrExit, cliActor } from './context.js';
import { ConfigError } from '../core/config.js';
import { seedDemo } from '../demo/seed.js';

export async function serve(): Promise<void> {
  const config = configOrExit();
  const log = createLogger(config.logLevel);
  const started = Date.now();
  const db = await openDbOrExit(config);
  const actor = cliActor('serve');
  const audit = new AuditService(db, systemClock);
  const loaded = await seedAdminUnits(db, audit, systemClock, actor);
  if (loaded) log.info({ units: loaded }, 'admin units loaded');

  const cityops = await createCityOps({ config, db, log });
  const admin = await ensureFirstAdministrator(
    cityops.people.users,
    config.adminEmail,
    config.adminPassword,
  );
  if (admin) {
    const shown = admin.password ?? '(the one in CITYOPS_ADMIN_PASSWORD)';
    process.stdout.write(
      `\nFirst administrator created: ${admin.email}\nPassword: ${shown}\n` +
        (admin.password ? 'This password is shown once. Change it after signing in.\n\n' : '\n'),
    );
  }
  if (config.demo) {
    const demo = await seedDemo(cityops);
    if (demo) {
      process.stdout.write('\nDemo data loaded. Demo users (passwords shown once):\n');
      for (const u of demo.users)
        process.stdout.write(`  ${u.role.padEnd(15)} ${u.email}  ${u.password}\n`);
      process.stdout.write('\n');
    }
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    cityops
      .close()
      .then(() => db.close())
      .then(() => {
        log.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        log.error({ err }, 'error while shutting down');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const url = await cityops.listen().catch(async (err: NodeJS.ErrnoException) => {
    await db.close().catch(() => undefined);
    if (err.code !== 'EADDRINUSE') throw err;
    throw new ConfigError(
      `CITYOPS_PORT: cannot listen on ${config.host}:${config.port}: the port is in use (choose another port)`,
    );
  });
  log.info({ url, database: db.label, ms: Date.now() - started }, 'CityOps is ready');
  process.stdout.write(`CityOps console: ${url}/\n`);
}
