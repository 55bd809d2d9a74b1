package client

import "testing"

// TestNormalizeURL checks the canonical form used for keys and resource comparison.
func TestNormalizeURL(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{name: "already canonical", in: "https://gatehouse.example", want: "https://gatehouse.example"},
		{name: "trailing slash", in: "https://gatehouse.example/", want: "https://gatehouse.example"},
		{name: "case and path", in: " HTTPS://Gatehouse.Example/Tenants/Acme// ",
			want: "https://gatehouse.example/Tenants/Acme"},
		{name: "port kept", in: "http://127.0.0.1:8080/", want: "http://127.0.0.1:8080"},
		{name: "no scheme", in: "gatehouse.example", wantErr: true},
		{name: "other scheme", in: "ftp://gatehouse.example", wantErr: true},
		{name: "query", in: "https://gatehouse.example/?a=b", wantErr: true},
		{name: "fragment", in: "https://gatehouse.example/#x", wantErr: true},
		{name: "user info", in: "https://ada@gatehouse.example", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeURL(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("NormalizeURL(%q) = %q, %v; want %q, error %v", tt.in, got, err,
					tt.want, tt.wantErr)
			}
		})
	}
}

// TestCheckTransport checks which URLs may carry credentials.
func TestCheckTransport(t *testing.T) {
	tests := []struct {
		name     string
		url      string
		insecure bool
		ok       bool
	}{
		{name: "https", url: "https://gatehouse.example", ok: true},
		{name: "http loopback v4", url: "http://127.0.0.1:4444", ok: true},
		{name: "http loopback v6", url: "http://[::1]:4444", ok: true},
		{name: "http localhost", url: "http://localhost:4444", ok: true},
		{name: "http remote", url: "http://gatehouse.example", ok: false},
		{name: "http remote allowed", url: "http://gatehouse.example", insecure: true, ok: true},
		{name: "file", url: "file:///etc/passwd", insecure: true, ok: false},
		{name: "javascript", url: "javascript:alert(1)", insecure: true, ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := checkTransport(tt.url, tt.insecure); (err == nil) != tt.ok {
				t.Errorf("checkTransport(%q, %v) = %v, want ok=%v", tt.url, tt.insecure, err, tt.ok)
			}
		})
	}
}
