// Under load the device may retransmit before our ACK lands: count control messages, not
// datagrams (a retransmission repeats the CCID and Ns).
export function distinctMessages(list: readonly { ccid?: number; ns?: number }[]): number {
  return new Set(list.map((e) => `${e.ccid}/${e.ns}`)).size;
}
