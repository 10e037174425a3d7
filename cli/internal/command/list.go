package command

import (
	"fmt"

	"github.com/tansiq/tansiq/cli/internal/table"
)

// page fetches one page: the items and the next page token.
type page[T any] func(token string, size int32) ([]T, string, error)

// collect reads pages until there are none left or limit rows are in hand (0: no limit),
// and reports whether more were left unread.
func collect[T any](limit int, fetch page[T], row func(T) []string) (rows [][]string, more bool, err error) {
	token := ""
	for {
		items, next, err := fetch(token, pageSize(limit, len(rows)))
		if err != nil {
			return nil, false, err
		}
		for _, it := range items {
			rows = append(rows, row(it))
		}
		if limit > 0 && len(rows) >= limit {
			return rows[:limit], next != "" || len(rows) > limit, nil
		}
		if next == "" {
			return rows, false, nil
		}
		token = next
	}
}

// pageSize asks for no more than the rows still wanted, capped at what servers serve.
func pageSize(limit, have int) int32 {
	const most = 100
	if limit <= 0 || limit-have > most {
		return most
	}
	return int32(limit - have)
}

// printTable writes the rows, and says on stderr when the limit cut the list short.
func printTable(e *env, header []string, rows [][]string, more bool, limit int) error {
	if err := table.Write(e.stdout, header, rows); err != nil {
		return err
	}
	if more {
		fmt.Fprintf(e.stderr, "showing the first %d; --limit 0 lists them all\n", limit)
	}
	return nil
}
