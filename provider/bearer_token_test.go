package provider

import (
	"net/http/httptest"
	"testing"
)

func TestBearerToken(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		target  string
		want    string
		wantErr bool
	}{
		{name: "header", headers: []string{"Bearer abc"}, want: "abc"},
		{name: "scheme is case-insensitive", headers: []string{"bearer abc"}, want: "abc"},
		{name: "none", want: ""},
		{name: "query string is not read (RFC 6750 §2.3)", target: "/?access_token=abc", want: ""},
		{name: "two headers", headers: []string{"Bearer a", "Bearer b"}, wantErr: true},
		{name: "basic", headers: []string{"Basic YTpi"}, wantErr: true},
		{name: "empty token", headers: []string{"Bearer  "}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.target
			if target == "" {
				target = "/"
			}
			r := httptest.NewRequest("GET", target, nil)
			for _, h := range tt.headers {
				r.Header.Add("Authorization", h)
			}
			got, err := bearerToken(r)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("bearerToken = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
