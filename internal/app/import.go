package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Import migrates the users of a JSON-lines or CSV file (by its extension:
// .csv is CSV, anything else JSON lines) into the database, printing a
// progress line and a summary to out. Imported password hashes are stored as
// they are; each user's first login replaces its hash with argon2id.
func (a *App) Import(ctx context.Context, path string, out io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	format := "jsonl"
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		format = "csv"
	}
	sum, err := a.migrations.Import(ctx, f, format, out)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	fmt.Fprintf(out, "imported %s: %d rows, %d migrated, %d failed in %s (%.0f users/s); migration id %s\n",
		filepath.Base(path), sum.Rows, sum.Migrated, sum.Failed, sum.Elapsed.Round(1e7), sum.Rate(), sum.MigrationID)
	for i, f := range sum.Failures {
		if i == 20 {
			fmt.Fprintf(out, "  … %d more failures: GET /identity/resources/migrations/v1/local/bulk/status/%s\n", sum.Failed-i, sum.MigrationID)
			break
		}
		fmt.Fprintf(out, "  row %d (%s): %s\n", f.Index+1, f.Item, f.Reason)
	}
	return nil
}
