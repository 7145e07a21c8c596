package apitest

import (
	"slices"
	"testing"
)

func TestExpandOptional(t *testing.T) {
	got := expandOptional("/t/v1[/{id}[/management|/hierarchy-settings]]")
	want := []string{"/t/v1", "/t/v1/{id}", "/t/v1/{id}/management", "/t/v1/{id}/hierarchy-settings"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("expandOptional = %q, want %q", got, want)
	}
}
