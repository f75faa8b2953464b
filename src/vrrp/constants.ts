// VRRP protocol constants (RFC 3768 VRRPv2, RFC 5798 VRRPv3) and the keepalived v2.2.7 values that go with them.

/** IANA protocol number of VRRP (RFC 3768 §5.2.4, RFC 5798 §5.1.1.4). */
export const IPPROTO_VRRP = 112;
/** IPsec AH (RFC 2402); keepalived's `auth_type AH` wraps adverts in it. Not supported by hapair's codec. */
export const IPPROTO_AH = 51;

/** VRRP IPv4 multicast group (RFC 3768 §5.2.2, RFC 5798 §5.1.1.2); keepalived `vrrp_mcast_group4` default. */
export const VRRP_MCAST_GROUP4 = '224.0.0.18';
/** TTL of every advert; receivers MUST drop multicast adverts with another TTL (RFC 5798 §5.1.1.3, §7.1). */
export const VRRP_TTL = 255;
/** TOS keepalived writes: 0xC0 = DSCP CS6 "internetwork control" ([vrrp.c] vrrp_build_ip4). */
export const VRRP_TOS = 0xc0;

/** Version nibble values (RFC 3768 §5.3.1, RFC 5798 §5.2.1). */
export const VRRP_VERSION_2 = 2;
export const VRRP_VERSION_3 = 3;
/** Type nibble: ADVERTISEMENT is the only type defined (RFC 3768 §5.3.2, RFC 5798 §5.2.2). */
export const VRRP_TYPE_ADVERT = 1;

/** v2 Auth Type values (RFC 2338 §5.3.6; RFC 3768 §5.3.6 keeps only 0 and marks 1/2 reserved). */
export const AUTH_NONE = 0;
export const AUTH_PASS = 1;
export const AUTH_AH = 2;
/** Auth types keepalived (built with auth support, as Debian's is) accepts on receive. */
export const KNOWN_AUTH_TYPES: readonly number[] = [AUTH_NONE, AUTH_PASS, AUTH_AH];

/** IPv4 header without options (IHL 5). keepalived never sends options. */
export const IPV4_HEADER_LEN = 20;
/** Fixed VRRP header: ver/type, VRID, priority, count, (auth type, adver int | rsvd+max adver int), checksum. */
export const VRRP_HEADER_LEN = 8;
/** v2 Authentication Data trailer (RFC 3768 §5.3.10): 8 bytes, password zero-padded for PASS. */
export const V2_AUTH_LEN = 8;
/** Bytes per IPv4 address in the address list. */
export const IPV4_ADDR_LEN = 4;
/** Count IP Addrs is one byte. */
export const MAX_ADDRESSES = 255;

/** Priority values (RFC 3768 §5.3.4, RFC 5798 §5.2.4). */
export const PRIORITY_STOP = 0; // master is leaving: backups take over after Skew_Time
export const PRIORITY_OWNER = 255; // address owner: never changed by trackers
export const PRIORITY_MAX_BACKUP = 254; // tracking never raises a non-owner above this
export const PRIORITY_MIN_BACKUP = 1; // tracking never lowers an instance below this
export const PRIORITY_DEFAULT = 100; // keepalived default `priority`

/** v2 Adver Int is whole seconds in one byte (RFC 3768 §5.3.7). */
export const V2_MAX_INTERVAL_SEC = 255;
/** v3 Max Adver Int is centiseconds in 12 bits (RFC 5798 §5.2.7); the top 4 bits are reserved. */
export const V3_MAX_INTERVAL_CS = 0x0fff;
export const V3_INTERVAL_MASK = 0x0fff;

/** Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time (RFC 5798 §6.1); keepalived `down_timer_adverts`. */
export const DEFAULT_DOWN_TIMER_ADVERTS = 3;

/** Smallest packets keepalived will look at: IP header + fixed VRRP header ([vrrp.c] vrrp_get_header). */
export const MIN_IPV4_PACKET_LEN = IPV4_HEADER_LEN + VRRP_HEADER_LEN;
