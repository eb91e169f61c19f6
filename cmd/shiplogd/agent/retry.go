package agent

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so Retry gives up at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err was marked permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Backoff is an exponential backoff: Initial, doubled after every failure
// up to Max, for at most Attempts attempts.
type Backoff struct {
	Initial  time.Duration
	Max      time.Duration
	Attempts int
	// OnRetry is called before each wait (for logging); may be nil.
	OnRetry func(attempt int, wait time.Duration, err error)
	// sleep is replaced in tests.
	sleep func(ctx context.Context, d time.Duration) error
}

// Retry runs op until it succeeds, fails permanently, the attempts are used
// up or ctx ends; it returns op's last error.
func (b Backoff) Retry(ctx context.Context, op func(ctx context.Context) error) error {
	sleep := b.sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	attempts := max(b.Attempts, 1)
	wait := b.Initial
	var err error
	for attempt := 1; ; attempt++ {
		if err = op(ctx); err == nil {
			return nil
		}
		if IsPermanent(err) {
			return err
		}
		if cerr := ctx.Err(); cerr != nil {
			return fmt.Errorf("%w (last error: %w)", cerr, err)
		}
		if attempt >= attempts {
			return fmt.Errorf("gave up after %d attempts: %w", attempt, err)
		}
		if b.OnRetry != nil {
			b.OnRetry(attempt, wait, err)
		}
		if serr := sleep(ctx, wait); serr != nil {
			return fmt.Errorf("%w (last error: %w)", serr, err)
		}
		wait = min(wait*2, b.Max)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
