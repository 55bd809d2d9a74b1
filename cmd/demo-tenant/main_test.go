package main

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    config
		wantErr bool
	}{
		{name: "defaults", want: config{
			listen: defaultListen, url: "http://" + defaultListen, issuer: defaultIssuer,
			clientID: defaultClientID, clientSecret: defaultClientSecret,
		}},
		{name: "url follows listen", args: []string{"--listen", "127.0.0.1:9000"},
			want: config{listen: "127.0.0.1:9000", url: "http://127.0.0.1:9000",
				issuer: defaultIssuer, clientID: defaultClientID,
				clientSecret: defaultClientSecret}},
		{name: "env twins", env: map[string]string{
			"GATEHOUSE_DEMO_LISTEN": "127.0.0.1:9001", "GATEHOUSE_DEMO_URL": "https://t.example",
			"GATEHOUSE_DEMO_ISSUER": "https://id.example", "GATEHOUSE_DEMO_CLIENT_ID": "t1",
			"GATEHOUSE_DEMO_CLIENT_SECRET": "from-env",
		}, want: config{listen: "127.0.0.1:9001", url: "https://t.example",
			issuer: "https://id.example", clientID: "t1", clientSecret: "from-env"}},
		{name: "flag beats env", args: []string{"--client-secret", "from-flag"},
			env: map[string]string{"GATEHOUSE_DEMO_CLIENT_SECRET": "from-env"},
			want: config{listen: defaultListen, url: "http://" + defaultListen,
				issuer: defaultIssuer, clientID: defaultClientID, clientSecret: "from-flag"}},
		{name: "relative url", args: []string{"--url", "/notes"}, wantErr: true},
		{name: "stray argument", args: []string{"serve"}, wantErr: true},
		{name: "unknown flag", args: []string{"--port", "1"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parseConfig(%q) = %+v, want an error", tt.args, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("parseConfig(%q) = %+v, %v; want %+v", tt.args, got, err, tt.want)
			}
		})
	}
}

func TestHelpHidesSecret(t *testing.T) {
	var out strings.Builder
	env := map[string]string{"GATEHOUSE_DEMO_CLIENT_SECRET": "very-secret"}
	_, err := parseConfig([]string{"--help"}, func(k string) string { return env[k] }, &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("parseConfig(--help) error = %v, want flag.ErrHelp", err)
	}
	if strings.Contains(out.String(), "very-secret") {
		t.Fatal("--help printed the client secret")
	}
	if !strings.Contains(out.String(), "gatehouse serve --dev") {
		t.Fatal("--help does not say the defaults match gatehouse serve --dev")
	}
}
