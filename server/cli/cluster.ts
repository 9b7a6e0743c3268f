// npm run cluster -- --readers 2 [--port 8088]: a writer, N readers and nginx on this machine, to try the
// deployment of README's "Beyond one server". nginx on --port, the writer on the next port, the readers after it.
// The writer uses data/ as npm start does (the demo province on a fresh clone); Ctrl-C stops everything.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { storedSecret } from '../auth/boot.ts';
import { Cluster, findNginx } from '../cluster/launch.ts';
import { parseEnv } from '../env.ts';

const { values } = parseArgs({
  options: { readers: { type: 'string', default: '2' }, port: { type: 'string', default: '8088' } },
});
const readers = Number(values.readers);
const port = Number(values.port);
if (!Number.isInteger(readers) || readers < 1 || readers > 16) throw new Error('--readers: 1 to 16');
if (!Number.isInteger(port) || port < 1 || port > 65000) throw new Error('--port: a port number');
if (!findNginx()) {
  console.error('nginx is not installed: apt-get install nginx (Debian), or set IOC_NGINX to its binary');
  process.exit(1);
}

const env = parseEnv();
const dataDir = resolve(env.IOC_DATA_DIR);
// Every process hashes sessions and tokens with the same secret: the one set, or the demo's stored one.
const secret = env.IOC_SECRET ?? storedSecret(dataDir);
const cluster = new Cluster({
  dataDir,
  readers,
  port,
  env: { IOC_SECRET: secret },
  buildWeb: true,
  readyTimeoutMs: 15 * 60_000,
  log: (who, line) => console.log(`[${who}] ${line}`),
});

let stopping = false;
const stop = async () => {
  if (stopping) process.exit(1);
  stopping = true;
  console.log('Stopping the cluster…');
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

await cluster.start();
console.log(
  `Cluster ready: ${cluster.url}/ through nginx; writer ${cluster.writer.url}, readers ${cluster.readers
    .map((r) => r.url)
    .join(', ')}; snapshots every ${env.IOC_SNAPSHOT_INTERVAL_MS / 1000} s at most. Ctrl-C stops it.`,
);
