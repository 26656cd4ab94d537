// The router's own error messages, once, in English and Japanese.
// The console language follows `console character` (en.ascii -> English, ja.* -> Japanese).

export type Language = 'en' | 'ja';

export type RouterErrorKind =
  | 'invalidCommandName'
  | 'illegalKeyword'
  | 'administratorUseOnly'
  | 'wrongNumberOfParameters'
  | 'incorrectPassword'
  | 'parameterOutOfRange'
  | 'unrecognizedIpAddress'
  | 'integerRequired'
  | 'ppSelectionRequired';

// yamaha-platform-facts.md §3.1 "Error messages" (inferred from [RTSIM]; the JA admin-only
// text corroborated by [TF-RTX]). The last two rows are not in the digest: they come from the
// same source the digest cites, [RTSIM] simulator/messages.go, and are equally inferred.
export const ROUTER_ERROR_MESSAGES: Record<RouterErrorKind, Record<Language, string>> = {
  invalidCommandName: { en: 'Invalid command name', ja: 'コマンド名を確認してください' },
  illegalKeyword: { en: 'Illegal keyword', ja: 'パラメータのキーワードが認識できません' },
  administratorUseOnly: { en: 'Administrator use only', ja: 'このコマンドは管理レベルでのみ使用できます' },
  wrongNumberOfParameters: { en: 'Insufficient or too many parameters', ja: 'パラメータの数が不適当です' },
  incorrectPassword: { en: 'Incorrect password', ja: 'パスワードが間違っています' },
  parameterOutOfRange: { en: 'Parameter out of range', ja: 'パラメータが範囲を越えています' },
  unrecognizedIpAddress: { en: 'Unrecognized IP address parameter', ja: 'IPアドレスが認識できません' },
  // [RTSIM] simulator/messages.go (not in the digest)
  integerRequired: { en: 'Parameter must be an integer', ja: 'パラメータは整数で指定してください' },
  // [RTSIM] simulator/messages.go (not in the digest)
  ppSelectionRequired: { en: 'Execute pp select command beforehand', ja: 'このコマンドは相手を選択してから実行してください' },
};

// yamaha-platform-facts.md §3.1: EN `Error: <msg>`, JA `エラー：<msg>` (full-width colon, no space).
export const ROUTER_ERROR_PREFIX: Record<Language, string> = { en: 'Error: ', ja: 'エラー：' };

/**
 * Which router message a refusal gets when the documents say the router refuses (or that a
 * combination is unsupported) but not with which words.
 */
export interface RefusalMessageAssumptions {
  /** a tunnel-only command (CR ch.16 "Tunnel-only") given outside `tunnel select N` */
  tunnelOnlyOutsideTunnel: RouterErrorKind;
  /** an L2TPv3 keyword on a model/revision without L2TPv3 (CR §14.4 "reject both l2tpv3 keywords") */
  l2tpv3Unsupported: RouterErrorKind;
  /** `tunnel encapsulation l2tpv3` where L2TPv3/IPsec is unsupported */
  l2tpv3IpsecUnsupported: RouterErrorKind;
  /** one L2TPv3 tunnel more than the model's maximum (seed support table) */
  tooManyL2tpv3Tunnels: RouterErrorKind;
  /** `vlan` on a router that also runs L2TPv3, where the seed says the combination is unsupported */
  tagVlanWithL2tpv3Unsupported: RouterErrorKind;
  /** a string longer than the command reference allows (e.g. hostname > 32 characters) */
  stringTooLong: RouterErrorKind;
  /** `tunnel endpoint address` with local and remote of different families (CR §14.9) */
  endpointFamilyMismatch: RouterErrorKind;
  /** several tunnel numbers in one `tunnel enable` on revisions that refuse it (CR §14.1) */
  multipleTunnelEnableArguments: RouterErrorKind;
  /** a bridge member that the model does not accept, or an interface in two bridges (CR §45.1) */
  bridgeMemberRefused: RouterErrorKind;
  /** tag VLAN and port-based LAN division on one LAN interface, the later one (CR §38.1 note) */
  vlanModeConflict: RouterErrorKind;
}

// ASSUMPTION: the words of these refusals are not documented (a hardware run confirms or refutes).
// We pick the closest documented message for each.
export const DEFAULT_REFUSAL_MESSAGES: RefusalMessageAssumptions = {
  tunnelOnlyOutsideTunnel: 'invalidCommandName',
  l2tpv3Unsupported: 'illegalKeyword',
  l2tpv3IpsecUnsupported: 'illegalKeyword',
  tooManyL2tpv3Tunnels: 'parameterOutOfRange',
  tagVlanWithL2tpv3Unsupported: 'illegalKeyword',
  stringTooLong: 'parameterOutOfRange',
  endpointFamilyMismatch: 'unrecognizedIpAddress',
  multipleTunnelEnableArguments: 'wrongNumberOfParameters',
  bridgeMemberRefused: 'illegalKeyword',
  vlanModeConflict: 'illegalKeyword',
};

/** `Error: Parameter out of range` / `エラー：パラメータが範囲を越えています`. */
export function routerErrorText(kind: RouterErrorKind, lang: Language = 'en'): string {
  return ROUTER_ERROR_PREFIX[lang] + ROUTER_ERROR_MESSAGES[kind][lang];
}
