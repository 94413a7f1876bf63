package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// trustedProxies are the networks whose X-Forwarded-For Probity believes:
// the TLS proxy or load balancer in front of it. From anyone else the
// header is the sender's own claim and is ignored.
type trustedProxies []netip.Prefix

func (t trustedProxies) trusts(a netip.Addr) bool {
	for _, p := range t {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// client is the address a request came from. When the connection is from
// a trusted proxy, X-Forwarded-For is read from the right, the end each
// proxy appends to: hops are skipped while they are trusted proxies, and
// the first that is not is the client. Whatever lies to its left was
// written by the client or by proxies nobody vouches for, so a client
// cannot choose its address by sending the header itself. A malformed hop
// stops the walk at the last trusted one: nothing beyond it can be
// believed, and limiting that proxy errs towards limiting too much, not
// towards letting a client pick its own name.
func (t trustedProxies) client(remoteAddr string, forwarded []string) string {
	peer, ok := parseHop(remoteAddr)
	if !ok {
		// Not a TCP peer (a test, an unusual listener): keep what it is.
		if host, _, err := net.SplitHostPort(remoteAddr); err == nil {
			return host
		}
		return remoteAddr
	}
	if len(t) == 0 || !t.trusts(peer) {
		return peer.String()
	}
	client := peer
	for i := len(forwarded) - 1; i >= 0; i-- {
		rest := forwarded[i]
		for {
			cut := strings.LastIndexByte(rest, ',')
			hop, ok := parseHop(rest[cut+1:])
			if !ok {
				return client.String()
			}
			client = hop
			if !t.trusts(hop) {
				return client.String()
			}
			if cut < 0 {
				break
			}
			rest = rest[:cut]
		}
	}
	// Every hop was a trusted network: the client is inside one of them.
	return client.String()
}

// parseHop reads one address: bare, or with a port as a socket address or
// some proxies write it ("192.0.2.1:443", "[2001:db8::1]:443"). An
// IPv4-mapped IPv6 address is its IPv4 address, so that the same client
// has one name whichever socket it reached.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.WithZone("").Unmap(), true
}

type clientKey struct{}

// withClient notes the request's client address, found once per request.
func (s *Server) withClient(r *http.Request) *http.Request {
	if len(s.proxies) == 0 {
		return r // clientAddr reads the socket itself
	}
	addr := s.proxies.client(r.RemoteAddr, r.Header.Values("X-Forwarded-For"))
	return r.WithContext(context.WithValue(r.Context(), clientKey{}, addr))
}
