// A host pings across the lab's pseudowire: first until one reply comes (the pseudowire, and the
// IPsec SA under it, may still be coming up after `lab up` returns: until then ARP across it fails
// and ping ends early on "Destination Host Unreachable"), bounded by a deadline; then three pings,
// whose result is the verdict. Every attempt is bounded by ping's own deadline and a kill.
import { spawn } from 'node:child_process';

function ping(netns: string, to: string, count: number, deadlineS: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', netns, 'ping', '-n', '-c', String(count), '-w', String(deadlineS), to], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), (deadlineS + 10) * 1000);
    child.on('close', (code) => (clearTimeout(t), resolve({ code, out })));
  });
}

/** `ping -c 3 -w 30` once the first reply has come (waited for at most `upWithinMs`). */
export async function pingAcross(netns: string, to: string, upWithinMs = 45_000): Promise<{ code: number | null; out: string }> {
  const deadline = Date.now() + upWithinMs;
  let first = await ping(netns, to, 1, 5);
  while (first.code !== 0 && Date.now() < deadline) first = await ping(netns, to, 1, 5);
  const r = await ping(netns, to, 3, 30);
  return { code: r.code, out: r.out };
}
