/** The `cityops` command line: serve, migrate, seed, users, API keys, geodata, assets, cameras, audit. */
import { Command, Option } from 'commander';
import {
  roles,
  apiKeyScopes,
  userCreateSchema,
  type Role,
  type ApiKeyScope,
} from '@cityops/contracts';
import { systemClock } from '../core/clock.js';
import { migrate } from '../core/db/migrate.js';
import { AuditService } from '../audit/audit.service.js';
import { seedAdminUnits } from '../geo/reference-data.js';
import { UsersService } from '../people/users.service.js';
import { ApiKeysService } from '../people/apikeys.service.js';
import { AppError } from '../core/errors.js';
import { ConfigError } from '../core/config.js';
import { CliError, cliActor, configOrExit, openDbOrExit, withDb } from './context.js';
import { serve } from './serve.js';
import { createCityOps } from '../main.js';
import { seedDemo } from '../demo/seed.js';
import { importBoundariesFile } from '../geo/boundary-import.js';
import { SecretBox, loadSecretKey } from '../core/auth/secret-box.js';
import { resealCameraCredentials } from '../cameras/reseal.js';
import { clusterAssets } from '../assets/cluster.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function buildCli(): Command {
  const program = new Command('cityops')
    .description(
      'CityOps, an open Intelligent Operations Center. Settings come from CITYOPS_* variables.',
    )
    .showHelpAfterError();

  program
    .command('serve')
    .description('run the IOC (HTTP API, console, background work)')
    .action(serve);

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const config = configOrExit();
      const db = await openDbOrExit(config, { migrate: false });
      try {
        const applied = await migrate(db);
        out(
          applied.length
            ? `applied migrations: ${applied.join(', ')}`
            : 'the database is up to date',
        );
      } finally {
        await db.close();
      }
    });

  program
    .command('seed')
    .description('load reference data (admin units); with --demo, the demo city too')
    .option('--demo', 'also load demo assets and users')
    .action(async (opts: { demo?: boolean }) => {
      await withDb(async (db, config) => {
        const audit = new AuditService(db, systemClock);
        const n = await seedAdminUnits(db, audit, systemClock, cliActor('seed'));
        out(n ? `admin units loaded: ${n}` : 'admin units were already loaded');
        if (opts.demo) {
          const cityops = await createCityOps({ config, db, log: false });
          const demo = await seedDemo(cityops);
          await cityops.close();
          if (!demo) out('demo data was already loaded');
          else for (const u of demo.users) out(`${u.role}\t${u.email}\t${u.password}`);
        }
      });
    });

  const user = program.command('user').description('manage users');
  user
    .command('add')
    .description('create a user')
    .requiredOption('--email <email>')
    .requiredOption('--password <password>')
    .addOption(new Option('--role <role>').choices(roles).makeOptionMandatory())
    .option('--name <name>', 'display name (default: the e-mail)')
    .option('--unit <code>', 'admin unit the user is scoped to (repeatable)', collect, [])
    .option('--agency <code>', 'agency the user is scoped to (repeatable)', collect, [])
    .action(
      async (o: {
        email: string;
        password: string;
        role: Role;
        name?: string;
        unit: string[];
        agency: string[];
      }) => {
        const input = userCreateSchema.safeParse({
          email: o.email,
          password: o.password,
          role: o.role,
          name: o.name ?? o.email,
          units: o.unit,
          agencies: o.agency,
        });
        if (!input.success) {
          const i = input.error.issues[0]!;
          throw new CliError(`--${String(i.path[0])}: ${i.message}`);
        }
        await withDb(async (db) => {
          const users = new UsersService(db, new AuditService(db, systemClock), systemClock);
          const u = await users.create(cliActor('user add'), input.data);
          out(`created ${u.role} ${u.email} (${u.id})`);
        });
      },
    );
  user
    .command('list')
    .description('list users')
    .action(async () => {
      await withDb(async (db) => {
        const users = new UsersService(db, new AuditService(db, systemClock), systemClock);
        let after: string | undefined;
        for (;;) {
          const page = await users.list({ after, limit: 500 });
          for (const u of page) {
            out(
              [
                u.id,
                u.email,
                u.role,
                u.disabled ? 'disabled' : 'active',
                u.units.join(',') || '*',
                u.agencies.join(','),
              ].join('\t'),
            );
          }
          if (page.length < 500) break;
          after = page[page.length - 1]!.id;
        }
      });
    });
  user
    .command('disable')
    .description('disable a user and end their sessions')
    .requiredOption('--email <email>')
    .action(async (o: { email: string }) => {
      await withDb(async (db) => {
        const users = new UsersService(db, new AuditService(db, systemClock), systemClock);
        const u = await users.findByEmail(o.email);
        if (!u) throw new CliError(`no user has the e-mail ${o.email}`);
        await users.update(cliActor('user disable'), u.id, { disabled: true });
        out(`disabled ${u.email}`);
      });
    });

  const apikey = program.command('apikey').description('manage API keys');
  apikey
    .command('create')
    .description('create an API key; prints the key alone on the last line')
    .requiredOption('--name <name>')
    .addOption(new Option('--scope <scope>').choices(apiKeyScopes).makeOptionMandatory())
    .action(async (o: { name: string; scope: ApiKeyScope }) => {
      await withDb(async (db) => {
        const keys = new ApiKeysService(db, new AuditService(db, systemClock), systemClock);
        const k = await keys.create(cliActor('apikey create'), { name: o.name, scope: o.scope });
        out(`created API key ${k.id} "${k.name}" with scope ${k.scope}; it is shown this once:`);
        out(k.key);
      });
    });
  apikey
    .command('revoke')
    .description('revoke an API key')
    .argument('<id>')
    .action(async (id: string) => {
      await withDb(async (db) => {
        const keys = new ApiKeysService(db, new AuditService(db, systemClock), systemClock);
        const k = await keys.revoke(cliActor('apikey revoke'), id);
        out(`revoked ${k.id} "${k.name}"`);
      });
    });

  const geo = program.command('geo').description('geodata');
  geo
    .command('import')
    .description(
      'load official admin-unit boundaries from a GeoJSON FeatureCollection (all or nothing)',
    )
    .argument('<file>', 'GeoJSON file')
    .requiredOption('--code-property <name>', 'feature property holding the unit code')
    .option(
      '--name-property <name>',
      'feature property holding the Vietnamese name (for new units)',
    )
    .option(
      '--name-en-property <name>',
      'feature property holding the English name (for new units)',
    )
    .addOption(
      new Option('--level <level>', 'level of new units').choices([
        'province',
        'district',
        'commune',
      ]),
    )
    .option('--parent <code>', 'parent code of new units')
    .option(
      '--valid-from <date>',
      'first day the boundaries hold (YYYY-MM-DD); default: the current version',
    )
    .option('--source <text>', 'where the boundaries come from', 'official boundaries (geo import)')
    .action(
      async (
        file: string,
        o: {
          codeProperty: string;
          nameProperty?: string;
          nameEnProperty?: string;
          level?: 'province' | 'district' | 'commune';
          parent?: string;
          validFrom?: string;
          source: string;
        },
      ) => {
        await withDb(async (db, config) => {
          const audit = new AuditService(db, systemClock);
          const report = await importBoundariesFile(
            db,
            audit,
            systemClock,
            cliActor('geo import'),
            file,
            {
              ...o,
              timeZone: config.timezone,
            },
          );
          out(`updated ${report.updated}, created ${report.created} admin units`);
        });
      },
    );

  const assets = program.command('assets').description('the asset registry');
  assets
    .command('cluster')
    .description(
      'rewrite the assets table in spatial order so that map viewports read fewer pages ' +
        '(audited); reads and writes of assets wait while it runs, ~30 s a million assets',
    )
    .action(async () => {
      await withDb(async (db) => {
        const r = await clusterAssets(
          { db, audit: new AuditService(db, systemClock) },
          cliActor('assets cluster'),
        );
        out(
          `clustered ${r.assets} assets in ${(r.ms / 1000).toFixed(1)} s ` +
            `(table pages: ${r.pagesBefore} before, ${r.pagesAfter} after)`,
        );
      });
    });

  const cameras = program.command('cameras').description('the camera platform');
  cameras
    .command('reseal')
    .description(
      'seal with the current key every camera credential stored in plain (audited; safe to run again)',
    )
    .action(async () => {
      await withDb(async (db, config) => {
        const secrets = new SecretBox(await loadSecretKey(config));
        const n = await resealCameraCredentials(
          { db, audit: new AuditService(db, systemClock), secrets },
          cliActor('cameras reseal'),
        );
        out(
          n
            ? `sealed the credentials of ${n} camera${n === 1 ? '' : 's'}`
            : 'no camera credential is stored in plain',
        );
      });
    });

  const audit = program.command('audit').description('the audit log');
  audit
    .command('verify')
    .description('recompute the hash chain; exits 1 if it is broken')
    .action(async () => {
      await withDb(async (db) => {
        const result = await new AuditService(db, systemClock).verify();
        if (result.ok) out(`audit log intact: ${result.checked} entries`);
        else {
          throw new CliError(
            `audit log broken at entry ${result.brokenAt!.seq}: ${result.brokenAt!.reason} (${result.checked} entries before it are intact)`,
          );
        }
      });
    });

  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    if (err instanceof CliError || err instanceof ConfigError) {
      process.stderr.write(`cityops: ${err.message}\n`);
    } else if (err instanceof AppError) {
      const fields = err.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
      process.stderr.write(`cityops: ${fields ?? err.detail ?? err.title}\n`);
    } else {
      process.stderr.write(`cityops: ${(err as Error).stack ?? String(err)}\n`);
    }
    process.exitCode = 1;
  }
}
