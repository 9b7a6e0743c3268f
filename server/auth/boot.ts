// Access at start-up: the server secret, the console's ops token, the first admin, and the refusals of a
// production start with default secrets.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/index.ts';
import type { Env } from '../env.ts';
import { passwordProblem, randomToken } from './crypto.ts';
import { Auth } from './service.ts';

/** Values published in README/.env examples: a production server refuses to start with them. */
export const KNOWN_DEFAULTS = new Set([
  'change-me-to-a-long-random-string-of-32-chars',
  'changemechangemechangemechangeme',
  'secretsecretsecretsecretsecretse',
]);

/** A file under <data>/run, created once with owner-only permissions. */
function runFile(dataDir: string, name: string, make: () => string, rotate = false): string {
  const dir = join(dataDir, 'run');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, name);
  if (!rotate && existsSync(path)) return readFileSync(path, 'utf8').trim();
  const v = make();
  writeFileSync(path, `${v}\n`, { mode: 0o600 });
  return v;
}

/** The server secret when IOC_SECRET is not set (demo): generated once into <data>/run/secret. */
export function storedSecret(dataDir: string): string {
  return runFile(dataDir, 'secret', () => randomToken(32));
}

/** Fail fast, before any data is loaded, when a production start would use default secrets. */
export function assertProductionSecrets(env: Env): void {
  if (env.IOC_MODE !== 'production') return;
  if (!env.IOC_SECRET) throw new Error('production mode needs IOC_SECRET (32+ random characters)');
  if (KNOWN_DEFAULTS.has(env.IOC_SECRET) || new Set(env.IOC_SECRET).size < 8)
    throw new Error('IOC_SECRET is a published default or not random: refusing to start');
}

export async function prepareAccess(
  db: Db,
  env: Env,
  dataDir: string,
  log: (line: string) => void = console.log,
): Promise<Auth> {
  const production = env.IOC_MODE === 'production';
  assertProductionSecrets(env);
  const secret = env.IOC_SECRET ?? storedSecret(dataDir);
  // Rotated on every start: the console user (who can read data/run) is the admin of this machine.
  const opsToken = runFile(dataDir, 'ops.token', () => `ioc_ops_${randomToken(32)}`, true);
  const auth = new Auth(db, env, { secret, opsToken });
  const users = (await db.query<{ n: number }>('SELECT count(*) AS n FROM users'))[0].n;

  if (production) {
    if (users === 0) {
      const pw = env.IOC_ADMIN_PASSWORD;
      if (!pw) throw new Error('no users yet: set IOC_ADMIN_PASSWORD for the first admin (user "admin")');
      const problem = passwordProblem(pw, 'admin');
      if (problem) throw new Error(`IOC_ADMIN_PASSWORD refused: ${problem}`);
      await auth.accounts.createUser({
        username: 'admin',
        displayName: 'Quản trị',
        password: pw,
        roles: ['admin'],
      });
      log('First admin created: user "admin" (change the password after signing in).');
    } else {
      // A store that served the demo still holds the demo's admin, whose password went to a console: production
      // refuses it unless IOC_ADMIN_PASSWORD replaces that password (which also ends the admin's sessions).
      const demoAdmins = await db.query<{ id: string; username: string }>(
        'SELECT id, username FROM users WHERE demo AND NOT disabled',
      );
      if (demoAdmins.length && !env.IOC_ADMIN_PASSWORD)
        throw new Error(
          `this store holds the demo's admin (${demoAdmins.map((u) => u.username).join(', ')}): set IOC_ADMIN_PASSWORD to replace its password`,
        );
      if (demoAdmins.length && env.IOC_ADMIN_PASSWORD) {
        const problem = passwordProblem(env.IOC_ADMIN_PASSWORD, 'admin');
        if (problem) throw new Error(`IOC_ADMIN_PASSWORD refused: ${problem}`);
        for (const u of demoAdmins) {
          await auth.accounts.updateUser(u.id, { password: env.IOC_ADMIN_PASSWORD, displayName: 'Quản trị' });
          await db.query('UPDATE users SET demo = false WHERE id = $id', { id: u.id });
        }
        log(`The demo's admin password replaced by IOC_ADMIN_PASSWORD (user ${demoAdmins[0].username}).`);
      } else if (env.IOC_ADMIN_PASSWORD) {
        log('IOC_ADMIN_PASSWORD ignored: the store already has users.');
      }
    }
    await auth.accounts.purgeExpiredSessions();
    return auth;
  }

  // Demo: visitors read as a leader; the console user gets a fresh admin password on every start.
  const pw = randomToken(12);
  const admin = await auth.accounts.userByName('admin');
  if (admin) await auth.accounts.updateUser(admin.id, { password: pw, disabled: false });
  else
    await auth.accounts.createUser({
      username: 'admin',
      displayName: 'Quản trị (demo)',
      password: pw,
      roles: ['admin', 'leader'],
    });
  // Marked: a production start on this store must replace its password (above).
  await db.query(`UPDATE users SET demo = true WHERE lower(username) = 'admin'`);
  log(
    `Demo mode: visitors read as a leader. Admin sign-in: admin / ${pw}  (IOC_MODE=production to require sign-in)`,
  );
  await auth.accounts.purgeExpiredSessions();
  return auth;
}
