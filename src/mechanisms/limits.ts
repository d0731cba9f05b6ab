// How far the correlation looks, in flow steps (edges of the value-flow graph), and how much work an
// evidence search may do. Every bound of the mechanisms stage is named here.

/** Nodes an evidence search may settle before it gives up. */
export const TRACE_LIMIT = 20_000;
/** How far a compared value may be from the fingerprint read. */
export const MAX_SOURCE_DIST = 20;
/** The same for a geolocation response, whose country field sits several property reads deep (each a weak step). */
export const MAX_GEO_SOURCE_DIST = 36;
/** How far compared data may be from the literal (or decoded literal) it came from. */
export const MAX_DATA_DIST = 24;
/** Clear-text region data must sit at the comparison: a zone compared with a constant, or a set of them. */
export const MAX_LITERAL_DIST = 6;
/** A value is matched against constant digests only this close to a hashing result (it was hashed first). */
export const MAX_HASH_DIST = 10;
/** Comparisons of a fingerprint with region data kept per file for the report (targeting or not). */
export const MAX_COMPARISONS = 200;
/** A number is a UTC offset only this close to getTimezoneOffset(). */
export const MAX_OFFSET_DIST = 4;
/** How far from a region comparison a request may be and still count as its effect. */
export const MAX_EFFECT_DIST = 16;
/**
 * How far from a locale-only comparison an effect may be. Choosing by language is what i18n does, and its
 * consequences spread through an app in ordinary ways (other key events, other texts); only an effect close to
 * the choice is one the code chose.
 */
export const MAX_LOCALE_EFFECT_DIST = 6;
/** How far a fingerprint may travel to a sink and still be reported as sent. */
export const MAX_SEND_DIST = 10;
/** Decoded text shorter than this is not treated as a list to match against, nor reported alone. */
export const MIN_HIDDEN_MATCH = 12;
/** Choices whose outputs meet within this many steps are one mechanism (several tricks). */
export const CHOICE_GROUP_STEPS = 8;
/** How far from a choice the prose that carries it may be, and from that prose the property it is stored in. */
export const TEXT_NEAR_STEPS = 6;
/** Targeting comparisons closer than this many characters in the file form one region-targeting finding. */
export const CLUSTER_CHARS = 400;
/** Other places of a repeated region decision shown as evidence (every place is in the finding's `alsoAt`). */
export const MAX_REPEAT_EVIDENCE = 8;
/** Sources shown as evidence: the first this many found, at most SOURCES_PER_KIND of each kind. */
export const SOURCE_POOL = 16;
export const SOURCES_PER_KIND = 2;
/** Flow steps shown as evidence between a finding's ends (a longer path keeps its first and last ones). */
export const MAX_FLOW_STEPS = 8;
/** How far a URL literal or a configured endpoint may be from the network call it names. */
export const MAX_URL_DIST = 12;
/** Destinations named per network call: a generic client that every URL reaches keeps only the nearest. */
export const MAX_URLS_PER_CALL = 6;
/** How far data may travel to a network call and still count as reaching it (the egress map). */
export const MAX_EGRESS_DIST = 10;
/** How far an opt-out read may be from the branch test that guards a network call. */
export const MAX_OPT_OUT_DIST = 10;
/** Nodes one egress trace may settle. */
export const EGRESS_TRACE_LIMIT = 4_000;
/** How far the egress classes are pushed through the graph. */
export const EGRESS_BUDGET = 16;
/** Usage event names listed per call. */
export const MAX_EVENTS_PER_CALL = 24;
