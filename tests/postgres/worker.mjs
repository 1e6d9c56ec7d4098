// One backend instance in its own process, for tests/postgres/flow-store.test.mjs: runs one
// payment with its own pool, and with KILL_AT=n kills itself (SIGKILL: no cleanup, no rollback
// sent, as a crash) at its n-th operation. Prints the ops it went through, one per line.
import { pool, runOne } from './lib.mjs';

const job = JSON.parse(process.env.IAP_JOB);
const killAt = job.killAt ?? -1;
let n = 0;
const op = async (name) => {
  process.stdout.write(`op ${n} ${name}\n`);
  if (n++ === killAt) process.kill(process.pid, 'SIGKILL');
};
const p = pool(2);
try {
  const flow = await runOne(p, job.tables, job.emulator, job.payment, job.who, { op });
  process.stdout.write(`state ${flow.state}\n`);
} finally {
  await p.end();
}
