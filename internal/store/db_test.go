package store_test

import (
	"context"
	"testing"

	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// TestPlaceholdersBindByNumber proves that $N placeholders bind by number on
// both drivers, even when used out of order and twice: all SQL relies on it.
func TestPlaceholdersBindByNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var a, b, c string
		err := db.QueryRowForTest(context.Background(), `SELECT $2, $1, $2 || $1`, "one", "two").Scan(&a, &b, &c)
		if err != nil {
			t.Fatal(err)
		}
		if a != "two" || b != "one" || c != "twoone" {
			t.Errorf("got %q %q %q, want two one twoone", a, b, c)
		}
	})
}

func TestMigrateTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
	})
}
