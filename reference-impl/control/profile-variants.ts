// Named variants of the emulated firmware profile: the same model and firmware with other answers to
// the session questions no document settles (session-profile-assumptions.ts). They exist so the
// conformance run exercises the suite's cookie and sequencing checks against an emulated router that
// really assigns a cookie or asks for sequencing — an RFC 3931 peer may do either (§5.4.4), and a
// future RTX firmware could. A physical device always has the default profile until a hardware run
// says otherwise. Suites read their expectations from controlProfileFor(variant), never hand-typed.
import { DEFAULT_CONTROL_PROFILE, validateControlProfile, type ControlProfile } from './control-profile.ts';

export interface ProfileVariant {
  readonly description: string;
  readonly overrides: Partial<ControlProfile>;
}

export const PROFILE_VARIANTS = {
  /** 8 octets: the length RFC 3931 §8.2 requires for protection against blind insertion. */
  cookie8: {
    description: 'assigns an 8-octet cookie (RFC 3931 §8.2: 64 bits guard against blind insertion)',
    overrides: { cookieLength: 8 },
  },
  /** Level 2 with the Default L2SS: every data message carries the S bit and a number (RFC 3931 §4.6). */
  sequencing: {
    description: 'asks for the Default L2-Specific Sublayer and Data Sequencing level 2 (RFC 3931 §4.6, §5.4.4)',
    overrides: { l2ssOffered: 1, dataSequencing: 2 },
  },
} as const satisfies Record<string, ProfileVariant>;

export type ProfileVariantName = keyof typeof PROFILE_VARIANTS;
export const PROFILE_VARIANT_NAMES = Object.keys(PROFILE_VARIANTS) as ProfileVariantName[];

export function isProfileVariant(name: string): name is ProfileVariantName {
  return Object.hasOwn(PROFILE_VARIANTS, name);
}

/** The whole control profile of a variant (undefined: the default profile). */
export function controlProfileFor(variant?: string): ControlProfile {
  if (variant === undefined) return DEFAULT_CONTROL_PROFILE;
  if (!isProfileVariant(variant)) throw new Error(`no firmware profile variant '${variant}' (known: ${PROFILE_VARIANT_NAMES.join(', ')})`);
  const p: ControlProfile = { ...DEFAULT_CONTROL_PROFILE, ...PROFILE_VARIANTS[variant].overrides };
  validateControlProfile(p);
  return p;
}
