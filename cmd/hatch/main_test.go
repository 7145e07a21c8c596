package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/hatchid/hatch/internal/config"
)

// TestREADMEListsEverySetting keeps the README's settings table true.
func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range config.Settings {
		row := "| `" + s.Env + "` | `--" + s.Flag + "` |"
		if !bytes.Contains(readme, []byte(row)) {
			t.Errorf("README has no row for %s (%s)", s.Env, row)
		}
	}
}

func TestRoutesCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"routes"}, func(string) string { return "" }, &out, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	for _, want := range []string{"POST /auth/vendor", "POST /identity/resources/auth/v1/user", "GET /healthz"} {
		if !strings.Contains(out.String(), want+"\n") {
			t.Errorf("routes output lacks %q", want)
		}
	}
	for _, l := range lines {
		if strings.Contains(l, " /frontegg/") {
			t.Errorf("routes lists the /frontegg copy: %s", l)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, &out, &out); err == nil {
		t.Fatal("unknown command accepted")
	}
}
