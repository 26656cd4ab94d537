// The `lookup` for the router's UDP sockets. Why: dgram resolves the destination of every send
// through dns.lookup, which for an IP literal still tests the text and defers the send to the next
// tick: per frame, a measurable share of the data path. Our destinations are a handful of fixed
// addresses, so an address known to be a literal is answered at once; any other name goes to
// dns.lookup as before.
import dns, { type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/** A lookup function for dgram.createSocket({ lookup }); remembers which texts were literals. */
export function literalLookup(): (host: string, opts: number | LookupOneOptions, cb: LookupCallback) => void {
  const literal = new Map<string, number>();
  return (host, opts, cb) => {
    let family = literal.get(host);
    if (family === undefined) {
      family = isIP(host);
      if (family !== 0 && literal.size < 1024) literal.set(host, family);
    }
    if (family !== 0) return cb(null, host, family);
    dns.lookup(host, typeof opts === 'number' ? { family: opts } : opts, cb);
  };
}
