// Interop scenarios: the swanctl.conf for charon's side and the oracle's gateway for the same
// IKEv1 set-up (RTX-like: PSK, aes128-sha1-modp1024, transport ESP for udp/1701, NAT-T forced).
import { ID_TYPE, MODP_GROUP } from '../../../reference-impl/ipsec/isakmp/constants.ts';
import type { IkeGatewayConfig, IkeIdentity } from '../../../reference-impl/ipsec/ike/ike-events.ts';
import type { Phase1Suite } from '../../../reference-impl/ipsec/ike/algorithms.ts';
import type { CipherName, IntegrityName } from '../../../reference-impl/ipsec/cipher-suite.ts';

export interface Scenario {
  exchange: 'main' | 'aggressive';
  /** Aggressive mode: the identity type the dynamic (initiating) side sends. */
  idType?: 'keyid' | 'fqdn';
  oracle: 'initiator' | 'responder';
  pfs?: boolean;
  /** Algorithms other than the default aes128-sha1-modp1024 / ESP aes128-sha1. */
  suite?: Suite;
}

export interface Suite {
  /** swanctl `proposals` and `esp_proposals` (without the PFS group). */
  charonIke: string;
  charonEsp: string;
  phase1: Phase1Suite;
  esp: { cipher: CipherName; integrity: IntegrityName };
  /** charon's log name of the selected ESP proposal. */
  charonEspLog: string;
}

export const DEFAULT_SUITE: Suite = {
  charonIke: 'aes128-sha1-modp1024',
  charonEsp: 'aes128-sha1',
  phase1: { cipher: 'aes-cbc', hash: 'sha1', group: MODP_GROUP.modp1024 },
  esp: { cipher: 'aes-cbc', integrity: 'sha-hmac' },
  charonEspLog: 'ESP:AES_CBC_128/HMAC_SHA1_96',
};

export const NAME = 'l2tpv3.example';
/** Not a secret of any device: a throwaway key for this test (never printed). */
export const PSK = 'ike-interop-psk-7d3f';

export function scenarioName(s: Scenario): string {
  return `${s.exchange} mode${s.idType ? ` (${s.idType === 'keyid' ? 'KEY_ID' : 'FQDN'})` : ''}${s.suite ? ` ${s.suite.charonIke}/${s.suite.charonEsp}` : ''}${s.pfs ? ' with PFS' : ''}, oracle ${s.oracle}`;
}

function charonId(t: 'keyid' | 'fqdn' | undefined, name: string): string {
  return t === 'keyid' ? `keyid:${name}` : `fqdn:${name}`;
}

function oracleId(t: 'keyid' | 'fqdn' | undefined, name: string): IkeIdentity {
  return { type: t === 'keyid' ? ID_TYPE.keyId : ID_TYPE.fqdn, value: name };
}

export interface Variation {
  oraclePsk?: string;
  oraclePhase1?: Phase1Suite[];
  /** The name charon sends (aggressive mode, charon initiating); default NAME. */
  charonName?: string;
}

export function oracleGateway(s: Scenario, v: Variation, oracle: string, charon: string): IkeGatewayConfig {
  const aggressive = s.exchange === 'aggressive';
  return {
    gateway: 1,
    psk: Uint8Array.from(Buffer.from(v.oraclePsk ?? PSK)),
    local: oracle,
    // §1.4: the fixed (responding) side of aggressive mode has `remote address any`.
    remote: aggressive && s.oracle === 'responder' ? 'any' : charon,
    exchange: s.exchange,
    localId: aggressive && s.oracle === 'initiator' ? oracleId(s.idType, NAME) : undefined,
    remoteId: aggressive && s.oracle === 'responder' ? oracleId(s.idType, NAME) : undefined,
    phase1: v.oraclePhase1 ?? [(s.suite ?? DEFAULT_SUITE).phase1],
    esp: (s.suite ?? DEFAULT_SUITE).esp,
    pfsGroup: s.pfs ? (s.suite ?? DEFAULT_SUITE).phase1.group : undefined,
    natTraversal: { on: true, force: true, keepaliveS: 300 },
    keepalive: { method: 'dpd', intervalS: 10, count: 6 },
    autoRefresh: true,
    transport: { protocol: 17, port: 1701 },
  };
}

export function swanctlConf(s: Scenario, v: Variation, oracle: string, charon: string): string {
  const aggressive = s.exchange === 'aggressive';
  // charon's own ID: its name when it is the aggressive-mode initiator, else its address.
  const localId = aggressive && s.oracle === 'responder' ? charonId(s.idType, v.charonName ?? NAME) : charon;
  const suite = s.suite ?? DEFAULT_SUITE;
  const dh = suite.charonIke.split('-').pop();
  const remoteId = aggressive && s.oracle === 'initiator' ? charonId(s.idType, NAME) : oracle;
  return `connections {
  rtx {
    version = 1
    aggressive = ${aggressive ? 'yes' : 'no'}
    local_addrs = ${charon}
    remote_addrs = ${oracle}
    proposals = ${suite.charonIke}
    encap = yes
    rekey_time = 0
    local {
      auth = psk
      id = ${localId}
    }
    remote {
      auth = psk
      id = ${remoteId}
    }
    children {
      l2tp {
        mode = transport
        local_ts = dynamic[udp/1701]
        remote_ts = dynamic[udp/1701]
        esp_proposals = ${suite.charonEsp}${s.pfs ? `-${dh}` : ''}
        rekey_time = 0
      }
    }
  }
}
secrets {
  ike-rtx {
    secret = "${PSK}"
  }
}
`;
}
