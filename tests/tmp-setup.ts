// Every temporary file of a test run (stores, archives, generated feeds, browser profiles, spawned servers' files)
// goes under one folder, removed when the run ends: a full run writes about 1,5 GB, which /tmp used to keep.
// IOC_KEEP_TEST_TMP=1 keeps it for a post-mortem.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): (() => void) | undefined {
  if (process.env.IOC_TEST_TMP) return; // another project of this run made it
  const dir = mkdtempSync(join(tmpdir(), 'ioc-test-run-'));
  process.env.IOC_TEST_TMP = dir;
  process.env.TMPDIR = dir; // os.tmpdir() in the workers and in every process they start
  return () => {
    if (process.env.IOC_KEEP_TEST_TMP) console.log(`Test files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
}
