// Result and error codes for StopCCN and CDN. Source: l2tpv3-protocol-facts §3.5
// (RFC 3931 §5.4.2, RFC 2661 §4.4.2).

export const STOPCCN_RESULT = {
  GeneralClear: 1, GeneralError: 2, AlreadyExists: 3, NotAuthorized: 4,
  ProtocolVersionNotSupported: 5, ShuttingDown: 6, FsmErrorOrTimeout: 7,
} as const;

export const CDN_RESULT = {
  LossOfCarrier: 1, GeneralError: 2, Administrative: 3, NoFacilitiesTemporary: 4,
  NoFacilitiesPermanent: 5, LostTieBreaker: 13, UnsupportedPwType: 14,
  SequencingWithoutL2ss: 15, FsmErrorOrTimeout: 16,
} as const;

export const GENERAL_ERROR = {
  None: 0, NoControlConnection: 1, WrongLength: 2, OutOfRange: 3, InsufficientResources: 4,
  InvalidSessionId: 5, VendorSpecific: 6, TryAnother: 7, UnknownMandatoryAvp: 8, TryAnotherDirected: 9,
} as const;
