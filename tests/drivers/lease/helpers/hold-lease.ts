// Another run: takes a device lease, prints `held`, and keeps it until a line arrives on stdin
// (then releases and exits) or until it is killed (then the lease is left stale).
// argv: LOCK_DIR DEVICE
import { acquireLease } from '../../../../drivers/lease/lease.ts';

const [dir, device] = process.argv.slice(2);
const lease = await acquireLease(device, { dir, waitMs: 10_000, label: 'hold-lease child' });
console.log('held');
setTimeout(() => process.exit(3), 60_000).unref(); // bounded even if nobody ends it
process.stdin.once('data', () => {
  lease.release();
  console.log('released');
  process.exit(0);
});
