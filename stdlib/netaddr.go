package stdlib

import "net/netip"

// parseAddr parses an IPv4 or IPv6 literal into its network-order bytes:
// 4 for IPv4, 16 for IPv6.
func parseAddr(s string) ([]byte, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return nil, err
	}
	if a.Is4() {
		b := a.As4()
		return b[:], nil
	}
	b := a.As16()
	return b[:], nil
}
