package consent

import (
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"thirty days", 720 * time.Hour, "30 days"},
		{"one day in hours", 24 * time.Hour, "24 hours"},
		{"two days", 48 * time.Hour, "2 days"},
		{"one hour", time.Hour, "1 hour"},
		{"not whole hours", 90 * time.Minute, "90 minutes"},
		{"seconds", 30 * time.Second, "30 seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := humanDuration(tt.d); got != tt.want {
				t.Errorf("humanDuration(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestIPBucket(t *testing.T) {
	tests := []struct {
		name, ip, want string
	}{
		{"IPv4", "203.0.113.9", "203.0.113.9"},
		{"IPv4-mapped IPv6", "::ffff:203.0.113.9", "203.0.113.9"},
		{"IPv6 counts its /64", "2001:db8:1:2:aaaa::9", "2001:db8:1:2::/64"},
		{"IPv6 with a zone", "fe80::1%eth0", "fe80::/64"},
		{"not an address", "@unix", "@unix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ipBucket(tt.ip); got != tt.want {
				t.Errorf("ipBucket(%q) = %q, want %q", tt.ip, got, tt.want)
			}
		})
	}
}
