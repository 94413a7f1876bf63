package web

import (
	"net/netip"
	"testing"
	"time"
)

func TestClientAddress(t *testing.T) {
	proxies := trustedProxies{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	for _, tc := range []struct {
		name      string
		trusted   trustedProxies
		remote    string
		forwarded []string
		want      string
	}{
		{"no proxy trusted", nil, "192.0.2.1:1234", nil, "192.0.2.1"},
		{"no proxy trusted, header ignored", nil, "192.0.2.1:1234", []string{"203.0.113.9"}, "192.0.2.1"},
		{"spoofed header from an untrusted peer", proxies, "198.51.100.7:5000", []string{"203.0.113.9"}, "198.51.100.7"},
		{"spoofed header naming a trusted network", proxies, "198.51.100.7:5000", []string{"10.0.0.5"}, "198.51.100.7"},
		{"trusted proxy names the client", proxies, "10.0.0.1:5000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"trusted proxy without the header", proxies, "10.0.0.1:5000", nil, "10.0.0.1"},
		{"client's own header left of the proxy's hop", proxies, "10.0.0.1:5000", []string{"1.1.1.1, 203.0.113.9"}, "203.0.113.9"},
		{"chain of trusted proxies", proxies, "10.0.0.1:5000", []string{"1.1.1.1, 203.0.113.9, 10.0.0.5, 10.2.0.1"}, "203.0.113.9"},
		{"chain over several headers", proxies, "10.0.0.1:5000", []string{"1.1.1.1", "203.0.113.9, 10.0.0.5"}, "203.0.113.9"},
		{"untrusted proxy in the chain is the client", proxies, "10.0.0.1:5000", []string{"203.0.113.9, 198.51.100.3, 10.0.0.5"}, "198.51.100.3"},
		{"every hop trusted: the innermost", proxies, "10.0.0.1:5000", []string{"10.9.9.9, 10.0.0.5"}, "10.9.9.9"},
		{"malformed last hop", proxies, "10.0.0.1:5000", []string{"203.0.113.9, unknown"}, "10.0.0.1"},
		{"malformed hop between proxies", proxies, "10.0.0.1:5000", []string{"203.0.113.9, nonsense, 10.0.0.5"}, "10.0.0.5"},
		{"malformed hop left of the client", proxies, "10.0.0.1:5000", []string{"<script>, 203.0.113.9"}, "203.0.113.9"},
		{"empty hop", proxies, "10.0.0.1:5000", []string{"203.0.113.9,,10.0.0.5"}, "10.0.0.5"},
		{"empty header", proxies, "10.0.0.1:5000", []string{""}, "10.0.0.1"},
		{"hop with a port", proxies, "10.0.0.1:5000", []string{"203.0.113.9:4711"}, "203.0.113.9"},
		{"IPv6 hop with a port", proxies, "10.0.0.1:5000", []string{"[2001:db8::1]:443"}, "2001:db8::1"},
		{"IPv6 client", proxies, "[fd00::1]:443", []string{"2001:db8:1:2::99"}, "2001:db8:1:2::99"},
		{"IPv6 hop with a zone", proxies, "10.0.0.1:5000", []string{"fe80::1%eth0"}, "fe80::1"},
		{"IPv4-mapped peer is trusted as IPv4", proxies, "[::ffff:10.0.0.1]:443", []string{"203.0.113.9"}, "203.0.113.9"},
		{"IPv4-mapped client is its IPv4 address", proxies, "10.0.0.1:5000", []string{"::ffff:203.0.113.9"}, "203.0.113.9"},
		{"IPv4-mapped peer, untrusted", nil, "[::ffff:192.0.2.1]:443", nil, "192.0.2.1"},
		{"not a TCP peer", proxies, "@", []string{"203.0.113.9"}, "@"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.trusted.client(tc.remote, tc.forwarded); got != tc.want {
				t.Errorf("client(%q, %q) = %q, want %q", tc.remote, tc.forwarded, got, tc.want)
			}
		})
	}
}

func TestLimitKey(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff"},
		{"2001:db8:1:2::1", "2001:db8:1:2::1%eth0"},
	} {
		if limitKey(tc.a) != limitKey(tc.b) {
			t.Errorf("%s and %s are limited apart: %q, %q", tc.a, tc.b, limitKey(tc.a), limitKey(tc.b))
		}
	}
	for _, tc := range []struct{ a, b string }{
		{"203.0.113.7", "203.0.113.8"},
		{"::ffff:203.0.113.7", "::ffff:198.51.100.1"}, // not one /64 for every IPv4 caller
		{"2001:db8:1:2::1", "2001:db8:1:3::1"},
	} {
		if limitKey(tc.a) == limitKey(tc.b) {
			t.Errorf("%s and %s share a limit: %q", tc.a, tc.b, limitKey(tc.a))
		}
	}
}

func TestRateLimiterPerIPv6Network(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newRateLimiter(6, 3, func() time.Time { return now })
	for i := range 3 {
		if !l.allow("2001:db8:1:2::" + string(rune('a'+i))) {
			t.Fatalf("request %d within the burst refused", i+1)
		}
	}
	if l.allow("2001:db8:1:2:dead:beef:0:1") {
		t.Fatal("a fresh address in the same /64 escaped the limit")
	}
	if !l.allow("2001:db8:1:3::a") {
		t.Fatal("another /64 was limited too")
	}
}

// BenchmarkClientAddress is the work added to each request behind a
// trusted proxy: a client, a proxy it forged a hop in front of, and two
// proxies of the force's own.
func BenchmarkClientAddress(b *testing.B) {
	proxies := trustedProxies{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	xff := []string{"192.0.2.1, 203.0.113.9", "10.0.0.5, 10.2.0.1"}
	for b.Loop() {
		if proxies.client("10.0.0.1:5000", xff) != "203.0.113.9" {
			b.Fatal("wrong client")
		}
	}
}
