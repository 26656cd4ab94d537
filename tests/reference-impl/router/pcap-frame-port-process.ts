// A process that only opens one frame port (pcap-frame-port.spec.ts): prints `open`, closes the port
// when a line arrives on stdin, prints `closed`, and must then end by itself: it never calls
// process.exit, so it ends only if the closed port no longer holds the event loop.
// Usage: node --import tsx pcap-frame-port-process.ts IFNAME
import { PcapFramePort } from '../../../reference-impl/router/pcap-frame-port.ts';

const port = PcapFramePort.open({ owner: 'lan1', ifname: process.argv[2] ?? '', filter: 'inbound', bufferBytes: 1 << 16 }, () => {});
process.stdout.write('open\n');
process.stdin.once('data', () => {
  process.stdin.destroy();
  port.close();
  process.stdout.write('closed\n');
});
