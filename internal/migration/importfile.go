package migration

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/store"
)

// ImportSummary is what an import did.
type ImportSummary struct {
	MigrationID string
	Rows        int
	Migrated    int
	Failed      int
	Elapsed     time.Duration
	Failures    []store.MigrationResult // the first maxFailuresShown
}

// Import migrates the users of a file: JSON lines (one migration DTO per
// line, as in the bulk routes) or CSV (a header of DTO field names; roleIds
// separated by "|", as in Frontegg's CSV migration). It runs as a users job
// that this worker holds, a batch per transaction without staging the rows,
// and writes a progress line to progress after each batch. Its results are in
// the job like those of the bulk routes, so the status route shows them too.
func (w *Worker) Import(ctx context.Context, r io.Reader, format string, progress io.Writer) (*ImportSummary, error) {
	next, err := rowReader(r, format)
	if err != nil {
		return nil, err
	}
	m := w.Migrator
	start, now := time.Now(), m.Now()
	job := &store.MigrationJob{ID: uuid.NewString(), Kind: KindUsers, State: store.JobRunning, Worker: w.ID,
		LeaseUntil: now.Add(w.Lease), CreatedAt: now, UpdatedAt: now}
	if err := m.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateMigrationJob(ctx, job) }); err != nil {
		return nil, err
	}
	sum := &ImportSummary{MigrationID: job.ID}
	for done := false; !done; {
		var batch []store.MigrationRow
		for len(batch) < w.BatchSize {
			payload, err := next()
			if errors.Is(err, io.EOF) {
				done = true
				break
			}
			if err != nil {
				return sum, fmt.Errorf("row %d: %w", sum.Rows+len(batch)+1, err)
			}
			batch = append(batch, store.MigrationRow{Index: sum.Rows + len(batch), Payload: payload})
		}
		if len(batch) == 0 {
			break
		}
		var res []store.MigrationResult
		err := m.DB.InTx(ctx, func(tx *store.Tx) error {
			outcomes, err := m.migrateUsers(ctx, tx, job.ID, "", batch)
			if err != nil {
				return err
			}
			now := m.Now()
			res = results(outcomes)
			return tx.RecordMigrationBatch(ctx, job.ID, w.ID, res, sum.Rows+len(batch), len(batch), now, now.Add(w.Lease))
		})
		if err != nil {
			return sum, err
		}
		for _, r := range res {
			switch {
			case r.Reason == "":
				sum.Migrated++
			case len(sum.Failures) < maxFailuresShown:
				sum.Failures = append(sum.Failures, r)
				fallthrough
			default:
				sum.Failed++
			}
		}
		sum.Rows += len(batch)
		sum.Elapsed = time.Since(start)
		fmt.Fprintf(progress, "\rimported %d rows: %d migrated, %d failed (%.0f users/s)", sum.Rows, sum.Migrated, sum.Failed, sum.Rate())
	}
	sum.Elapsed = time.Since(start)
	fmt.Fprintln(progress)
	return sum, m.DB.FinishMigrationJob(ctx, job.ID, w.ID, store.JobCompleted, "", m.Now())
}

// Rate is the rows handled per second.
func (s *ImportSummary) Rate() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Rows) / s.Elapsed.Seconds()
}

// rowReader returns a function yielding each row of r as a JSON object, and
// io.EOF at the end. format is "jsonl" or "csv".
func rowReader(r io.Reader, format string) (func() (string, error), error) {
	switch format {
	case "jsonl":
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		return func() (string, error) {
			for sc.Scan() {
				if line := strings.TrimSpace(sc.Text()); line != "" {
					return line, nil
				}
			}
			if err := sc.Err(); err != nil {
				return "", err
			}
			return "", io.EOF
		}, nil
	case "csv":
		cr := csv.NewReader(r)
		cr.FieldsPerRecord = -1
		header, err := cr.Read()
		if err != nil {
			return nil, fmt.Errorf("csv header: %w", err)
		}
		for i := range header {
			header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
		}
		return func() (string, error) {
			rec, err := cr.Read()
			if err != nil {
				return "", err
			}
			return csvRow(header, rec), nil
		}, nil
	}
	return nil, fmt.Errorf("unknown format %q: want jsonl or csv", format)
}

// csvRow turns a CSV record into the JSON of a migration DTO: empty cells
// are left out, roleIds are split on "|", verifyUser and verified are booleans.
func csvRow(header, rec []string) string {
	row := map[string]any{}
	for i, name := range header {
		if i >= len(rec) || rec[i] == "" || name == "" {
			continue
		}
		v := rec[i]
		switch name {
		case "roleIds":
			row[name] = strings.Split(v, "|")
		case "verifyUser", "verified":
			if b, err := strconv.ParseBool(strings.TrimSpace(v)); err == nil {
				row[name] = b
			} else {
				row[name] = v // fails the row with a type error
			}
		default:
			row[name] = v
		}
	}
	b, _ := json.Marshal(row)
	return string(b)
}
